"""The parser on real-shaped policy texts: articles, numbered clauses, stable anchors."""

from __future__ import annotations

from kaifang.library.parsing import chinese_number, parse

MEASURES = """示范市商务局关于促进外贸稳增长的若干措施
示商发〔2026〕12号
第一章 总则
第一条 为稳定外贸基本盘，结合本市实际，制定本措施。
第二条 本措施适用于在本市注册的外贸企业。
第二章 支持内容
第三条 支持企业开拓国际市场。
（一）对参加境外展会的企业，按展位费的50%给予补贴。
（二）对通过中欧班列出口的企业给予运费补助：
1. 每标准箱补助500元；
2．单个企业年度补助不超过50万元。
（三）对新增出口企业给予一次性奖励。
第十二条 本措施自2026年1月1日起施行，有效期三年。
"""

PLAN = """示范市跨境电商发展行动方案
为加快跨境电商发展，制定本方案。
一、总体要求
（一）指导思想。坚持市场主导。
（二）发展目标。到2027年，跨境电商交易额突破100亿元。
二、重点任务
（一）培育市场主体。
1.引进龙头企业。对新落户的跨境电商平台给予奖励。
（1）年交易额超过1亿元的，奖励50万元；
（2）年交易额超过5亿元的，奖励200万元。
2、建设海外仓。
"""


def test_chinese_numbers():
    assert [chinese_number(t) for t in ("一", "十", "十二", "二十", "二十三", "一百零五")] == [
        1,
        10,
        12,
        20,
        23,
        105,
    ]
    assert chinese_number("12") == 12
    assert chinese_number("甲") is None


def test_articles_and_their_clauses_have_path_anchors_and_citation_labels():
    blocks = {b.anchor: b for b in parse(MEASURES) if b.anchor}
    assert blocks["ch1"].label == "第一章"
    assert blocks["a3"].label == "第三条"
    assert blocks["a3.s2"].label == "第三条(二)"
    assert blocks["a3.s2"].text.startswith("（二）对通过中欧班列出口")
    assert blocks["a3.s2.n1"].label == "第三条(二)1."
    assert blocks["a3.s2.n2"].title == "单个企业年度补助不超过50万元。"
    assert blocks["a3.s3"].label == "第三条(三)"  # back up a level after 1. 2.
    assert blocks["a12"].label == "第十二条"
    # Chapters do not enter clause anchors: moving an article keeps its link.
    assert "ch2.a3" not in blocks


def test_preamble_lines_stay_text_and_years_are_not_clauses():
    blocks = parse(MEASURES)
    assert blocks[0].kind == "text"
    assert "示商发〔2026〕12号" in blocks[0].text
    article = next(b for b in blocks if b.anchor == "a12")
    assert "2026年1月1日" in article.text


def test_plans_without_articles_number_by_parts():
    blocks = {b.anchor: b for b in parse(PLAN) if b.anchor}
    assert blocks["p1"].label == "一、"
    assert blocks["p1.s2"].label == "一、(二)"
    assert blocks["p2.s1.n1"].label == "二、(一)1."
    assert blocks["p2.s1.n1.i2"].label == "二、(一)1.(2)"
    assert blocks["p2.s1.n2"].title == "建设海外仓。"  # "2、" is a numbered clause too


def test_anchors_survive_a_corrected_version():
    corrected = MEASURES.replace("按展位费的50%", "按展位费的60%").replace(
        "第二条 本措施适用于在本市注册的外贸企业。",
        "第二条 本措施适用于在本市依法注册、具有进出口经营资格的外贸企业。\n"
        "符合条件的个体工商户参照执行。",
    )
    before = {b.anchor: b.label for b in parse(MEASURES) if b.anchor}
    after = {b.anchor: b for b in parse(corrected) if b.anchor}
    assert set(before) == set(after)
    assert "60%" in after["a3.s1"].text
    assert "个体工商户" in after["a2"].text  # a continuation line joins its article


def test_repeated_numbering_gets_distinct_anchors():
    text = "一、第一部分\n一、又一个第一部分\n"
    anchors = [b.anchor for b in parse(text)]
    assert anchors == ["p1", "p1~2"]
