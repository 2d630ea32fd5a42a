"""Tests for kaifang.supervision.decompose.sentences."""

from __future__ import annotations

import datetime as dt

import pytest

from kaifang.supervision.decompose import decompose
from kaifang.supervision.decompose.cleanup import clean_text
from kaifang.supervision.decompose.sentences import find_enumerators, outline, split_sentences


def _texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_offsets_point_into_the_text(speech_raw: str) -> None:
    cleaned = clean_text(speech_raw)
    sentences = split_sentences(cleaned)
    assert len(sentences) >= 50
    for sentence in sentences:
        assert cleaned[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()
    starts = [s.start for s in sentences]
    assert starts == sorted(starts)


def test_terminators_and_line_breaks() -> None:
    assert _texts("要抓落实。要见成效！能做到吗？\n第二行没有句号") == [
        "要抓落实。",
        "要见成效！",
        "能做到吗？",
        "第二行没有句号",
    ]


def test_semicolons_split_ordinary_clauses() -> None:
    assert _texts("要加快推进综保区申建；要推动自贸大厦投用。") == [
        "要加快推进综保区申建；",
        "要推动自贸大厦投用。",
    ]
    assert len(split_sentences("甲；乙。", semicolons=False)) == 1


def test_quotes_are_not_split() -> None:
    text = "总书记指出，“开放带来进步。封闭必然落后。”我们要牢记。"
    assert _texts(text) == ["总书记指出，“开放带来进步。封闭必然落后。”", "我们要牢记。"]


def test_enumeration_stays_one_sentence() -> None:
    text = "要抓好几件工作：一是促进消费；二是建设园区；三是培育企业。下一句。"
    assert _texts(text) == [
        "要抓好几件工作：一是促进消费；二是建设园区；三是培育企业。",
        "下一句。",
    ]


def test_annotation_after_full_stop_is_attached() -> None:
    text = "推进综保区申建。（牵头单位：市商务局；责任单位：市发改委）\n下一项。"
    assert _texts(text) == [
        "推进综保区申建。（牵头单位：市商务局；责任单位：市发改委）",
        "下一项。",
    ]


def test_colon_before_a_point_ends_the_sentence() -> None:
    text = "讲几点意见:第一,站位要提升。"
    assert _texts(text) == ["讲几点意见:", "第一,站位要提升。"]


@pytest.mark.parametrize(
    ("text", "kind", "ordinal"),
    [
        ("第三,平台要建好。", "di", 3),
        ("一、总体要求", "cn_dun", 1),
        ("（二）培育市场主体", "cn_paren", 2),
        ("(3)建设园区", "num_paren", 3),
        ("12. 推进申建", "num_dot", 12),
        ("2、推动投用", "num_dun", 2),
        ("④开展培训", "circled", 4),
        ("十一是培育企业", "shi", 11),
    ],
)
def test_markers(text: str, kind: str, ordinal: int) -> None:
    marker = split_sentences(text)[0].marker
    assert marker is not None
    assert (marker.kind, marker.ordinal, marker.start) == (kind, ordinal, 0)


def test_decimal_is_not_a_marker() -> None:
    assert split_sentences("1.5倍的增长。")[0].marker is None


def test_find_enumerators_needs_a_sequence() -> None:
    text = "一是促进消费，二是建设园区，三是培育企业。"
    assert [m.ordinal for m in find_enumerators(text, 0, len(text))] == [1, 2, 3]
    single = "唯一是指这件事。"
    assert find_enumerators(single, 0, len(single)) == []
    quoted = "他说“一是甲，二是乙”。"
    assert find_enumerators(quoted, 0, len(quoted)) == []


def test_outline_of_the_speech(speech_raw: str) -> None:
    sentences = outline(clean_text(speech_raw))
    headings = [s.text for s in sentences if s.heading]
    assert headings == [
        "第一,站位要提升。",
        "第二,理念要转变。",
        "第三,平台要建好。",
        "第四,环境要优化。",
        "第五,园区要发展。",
        "第六,能力要提升。",
    ]
    target = next(s for s in sentences if "综保区申建" in s.text)
    assert target.section == "第三,平台要建好"
    assert sentences[0].section is None


def test_outline_of_a_work_plan() -> None:
    text = (
        "一、重点任务\n（一）加快平台建设\n1. 推进综试区建设。\n2. 建设产业园。\n"
        "（二）培育市场主体\n1. 培育龙头企业。\n二、保障措施\n加强组织领导。"
    )
    by_text = {s.text: s for s in outline(text)}
    assert by_text["一、重点任务"].heading
    assert by_text["（一）加快平台建设"].heading
    assert by_text["（一）加快平台建设"].section == "一、重点任务"
    assert not by_text["1. 推进综试区建设。"].heading
    assert by_text["1. 推进综试区建设。"].section == "（一）加快平台建设"
    assert by_text["1. 培育龙头企业。"].section == "（二）培育市场主体"
    assert by_text["加强组织领导。"].section == "二、保障措施"


def test_an_ascii_full_stop_after_a_chinese_word_ends_a_sentence() -> None:
    """Text pasted from a PDF or a web page ends sentences with "."; decimals, item numbers,
    web addresses and file names keep theirs."""
    text = (
        "市商务局要在8月底前完成外资企业走访.各开发区要落实1.5亿元专项资金.\n"
        "1.推进综保区扩区.2.争取开通国际货运航线，详见www.mofcom.gov.cn及附件方案.docx"
    )
    assert _texts(text) == [
        "市商务局要在8月底前完成外资企业走访.",
        "各开发区要落实1.5亿元专项资金.",
        "1.推进综保区扩区.",
        "2.争取开通国际货运航线，详见www.mofcom.gov.cn及附件方案.docx",
    ]


def test_pasted_sentences_ending_in_ascii_dots_are_separate_tasks() -> None:
    text = "市商务局要在8月底前完成外资企业走访.各县区要在10月底前报送跨境电商企业名单."
    found = decompose(text, doc_date=dt.date(2026, 5, 6), units=[])
    assert [(c.text, c.lead_unit, str(c.deadline)) for c in found] == [
        ("市商务局要在8月底前完成外资企业走访", "市商务局", "2026-08-31"),
        ("各县区要在10月底前报送跨境电商企业名单", "各县区", "2026-10-31"),
    ]
