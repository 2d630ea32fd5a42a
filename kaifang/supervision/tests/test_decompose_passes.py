"""Passes over a document's candidates (``decompose.passes``), on text we wrote: who a bare
"要…" sentence is addressed to. Pure: no database."""

from __future__ import annotations

import datetime as dt

from kaifang.supervision.decompose import Candidate, UnitRef, decompose

DOC = dt.date(2026, 3, 20)
TREE = [UnitRef("示范市商务局", ("市商务局",)), UnitRef("示范海关", ())]


def run(text: str) -> list[Candidate]:
    return decompose(text, doc_date=DOC, units=TREE)


SPEECH = (
    "同志们，下面我讲三点意见。第一，平台要建好。市商务局要牵头制定综保区申建方案。"
    "要建立重点项目推进台账。第二，通关要提速。要加快发展服务贸易新业态。"
    "在这方面，示范海关要发挥支撑作用。要拓展数字贸易新领域，培育一批服务外包企业。"
    "第三，环境要优化。示范海关要优化查验作业流程。要压缩进口整体通关时间。\n"
    "要推行跨境电商出口退货便利措施。"
)


def test_a_bare_directive_continues_the_unit_that_opened_its_run_only() -> None:
    """ "X要…。要…。" within one point: the second is X's too. Not across a new point
    (第二，…) or a new paragraph, and not after "X要…" said in passing in a run of directives
    addressed to everyone ("要…。在这方面，X要…。要…。")."""
    leads = {t.text[:8]: t.lead_unit for t in run(SPEECH)}
    assert leads == {
        "市商务局要牵头制": "示范市商务局",
        "建立重点项目推进": "示范市商务局",  # the same run
        "加快发展服务贸易": None,  # a new point
        "示范海关要发挥支": "示范海关",
        "拓展数字贸易新领": None,  # the run was everyone's; X was named in passing
        "示范海关要优化查": "示范海关",
        "压缩进口整体通关": "示范海关",
        "推行跨境电商出口": None,  # a new paragraph
    }


def test_a_bare_directive_after_two_units_is_left_for_the_reviewer() -> None:
    """ "X要…。Y要…。要…": two units have spoken in the run, the bare directive could be either's
    or everyone's; it names no unit rather than a guessed one."""
    leads = [
        t.lead_unit
        for t in run(
            "市商务局要牵头建立重点外贸企业白名单。示范海关要在5月底前完成重点企业走访。"
            "要用好出口信用保险政策，扩大小微企业承保覆盖面。"
        )
    ]
    assert leads == ["示范市商务局", "示范海关", None]


def test_a_target_year_opening_a_sentence_covers_its_clauses_after_a_semicolon() -> None:
    """ "到2028年，A；B。": the year frames both targets; a new sentence is not framed."""
    tasks = run(
        "一、总体目标\n"
        "到2028年，全市跨境电商交易额突破300亿元；培育跨境电商龙头企业10家，建成公共海外仓20个。"
        "力争服务贸易额年均增长10%以上。\n"
    )
    assert [t.deadline for t in tasks] == [dt.date(2028, 12, 31), dt.date(2028, 12, 31), None]
