"""Tests for kaifang.supervision.decompose.candidates: the sample speech and written texts."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from kaifang.supervision.decompose import (
    Candidate,
    UnitRef,
    clean_text,
    decompose,
    decompose_table,
    render_table,
)

from .conftest import DOC_DATE

DEC_31 = dt.date(2026, 12, 31)


@pytest.fixture(scope="module")
def speech(speech_raw: str, directory: list[UnitRef]) -> tuple[str, list[Candidate]]:
    return clean_text(speech_raw), decompose(speech_raw, doc_date=DOC_DATE, units=directory)


def _find(candidates: list[Candidate], needle: str) -> Candidate:
    [found] = [c for c in candidates if needle in c.text]
    return found


# --- the sample speech ----------------------------------------------------------------


def test_speech_has_a_reviewable_number_of_candidates(speech: tuple[str, list[Candidate]]) -> None:
    _, candidates = speech
    assert 10 <= len(candidates) <= 25


def test_speech_offsets_and_sentences(speech: tuple[str, list[Candidate]]) -> None:
    cleaned, candidates = speech
    for candidate in candidates:
        assert cleaned[candidate.sentence_start : candidate.sentence_end] == (
            candidate.source_sentence
        )
        assert candidate.sentence_start <= candidate.start < candidate.end
        assert candidate.end <= candidate.sentence_end
        assert re.search(r"\d、", candidate.source_sentence) is None  # no page debris
    assert [c.start for c in candidates] == sorted(c.start for c in candidates)


def test_speech_six_specific_tasks(speech: tuple[str, list[Candidate]]) -> None:
    cleaned, candidates = speech
    enumerated = [c for c in candidates if c.kind == "enumeration"]
    assert [c.text for c in enumerated] == [
        "把握消费升级趋势,推动消费增长发力见效",
        "对中欧科创国际合作产业园、中德产业园两个园区,要专人专班搞好服务",
        "综保区获批和自贸大厦投用,务必在年内完成",
        "培育外向型企业,包括外贸企业、走出去和引进来的企业",
        "中心城区市场外迁,要硬起手腕、一抓到底,确保迁得出、建得好",
        "抓住产业融合发展机遇,催生新业态新模式",
    ]
    sentence = enumerated[0].source_sentence
    assert sentence.startswith("同时,要抓好几件具体工作:一是")
    for candidate in enumerated:
        assert candidate.source_sentence == sentence
        assert cleaned[candidate.start : candidate.end].endswith(candidate.text)
        assert cleaned[candidate.start : candidate.start + 2].endswith("是")
    zones = _find(enumerated, "综保区获批和自贸大厦投用")
    assert (zones.deadline, zones.deadline_text) == (DEC_31, "年内")
    assert all(c.section == "第六,能力要提升" for c in enumerated)


def test_speech_bonded_zone_application_by_year_end(speech: tuple[str, list[Candidate]]) -> None:
    _, candidates = speech
    task = _find(candidates, "加快推进综保区申建")
    assert task.text == "加快推进综保区申建,确保年底前获批"
    assert (task.deadline, task.deadline_text, task.recurring) == (DEC_31, "年底前", False)
    assert task.source_sentence == "要加快推进综保区申建,确保年底前获批。"
    assert task.section == "第三,平台要建好"


def test_speech_port_function_whole(speech: tuple[str, list[Candidate]]) -> None:
    _, candidates = speech
    assert _find(candidates, "完善口岸功能").text.endswith("发展多式联运,完善口岸功能")


def test_speech_commerce_department_alias(speech: tuple[str, list[Candidate]]) -> None:
    _, candidates = speech
    task = _find(candidates, "商务部门作为对外开放工作的主力军")
    assert task.lead_unit == "市商务局"


def test_speech_not_tasks(speech: tuple[str, list[Candidate]]) -> None:
    _, candidates = speech
    texts = " ".join(c.source_sentence for c in candidates)
    for phrase in (
        "总的来看",  # retrospective opening
        "作出了贡献",
        "总书记指出",  # quotations in 第一, 站位要提升
        "强调要以开放促改革",
        "倡议构建人类命运共同体",
        "增强思想自觉",  # exhortation
        "希望大家",
        "近年来",
        "一是“开”什么",  # questions to think about, not tasks
    ):
        assert phrase not in texts, phrase
    assert not [c for c in candidates if c.section == "第一,站位要提升"]


def test_speech_is_deterministic(speech_raw: str, directory: list[UnitRef]) -> None:
    first = decompose(speech_raw, doc_date=DOC_DATE, units=directory)
    second = decompose(speech_raw, doc_date=DOC_DATE, units=list(directory))
    assert first == second


def test_offsets_agree_for_raw_and_cleaned_input(speech_raw: str) -> None:
    from_raw = decompose(speech_raw, doc_date=DOC_DATE, units=[])
    from_clean = decompose(clean_text(speech_raw), doc_date=DOC_DATE, units=[])
    assert from_raw == from_clean


# --- meeting minutes (会议纪要) with unit annotations -------------------------------------

MINUTES = """市政府常务会议纪要

2026年3月10日，市长主持召开市政府常务会议，研究全市对外开放工作。现纪要如下：
一、关于综保区申建工作。会议指出，去年以来我市综保区申建工作取得了积极进展。会议要求，\
加快完善申报材料，确保6月底前上报省政府。（牵头单位：市商务局；责任单位：市发改委、市自然资源局）
二、关于中欧班列运营。会议同意由市财政局安排专项资金支持中欧班列常态化运营，\
每月23日前报送运营情况。〔责任单位：市财政局、市商务局〕
三、关于营商环境。由市商务局牵头，会同市发改委、市市场监管局，9月30日前出台外资企业服务专员制度。
四、会议强调，各部门要提高认识，增强责任感。
"""


def test_minutes(directory: list[UnitRef]) -> None:
    cleaned = clean_text(MINUTES)
    candidates = decompose(MINUTES, doc_date=DOC_DATE, units=directory)
    assert [c.text for c in candidates] == [
        "加快完善申报材料，确保6月底前上报省政府",
        "由市财政局安排专项资金支持中欧班列常态化运营，每月23日前报送运营情况",
        "由市商务局牵头，会同市发改委、市市场监管局，9月30日前出台外资企业服务专员制度",
    ]
    first, second, third = candidates
    assert first.section == "一、关于综保区申建工作"
    assert first.lead_unit == "市商务局"
    assert first.co_units == ["市发展和改革委员会", "市自然资源和规划局"]
    assert first.deadline == dt.date(2026, 6, 30)
    assert first.source_sentence.endswith(
        "（牵头单位：市商务局；责任单位：市发改委、市自然资源局）"
    )
    assert cleaned[first.start : first.end] == first.source_sentence

    assert (second.lead_unit, second.co_units) == ("市财政局", ["市商务局"])
    assert (second.recurring, second.recurrence) == (True, "monthly:23")
    assert second.deadline == dt.date(2026, 3, 23)

    assert (third.lead_unit, third.co_units) == (
        "市商务局",
        ["市发展和改革委员会", "市市场监管局"],  # an unknown unit stays a raw name
    )
    assert (third.deadline, third.deadline_text) == (dt.date(2026, 9, 30), "9月30日前")


# --- a work plan (工作方案) with （一）（二） and 1. 2. -----------------------------------------

PLAN = """某某市2026年跨境电商发展工作方案

一、总体目标
到2026年，全市跨境电商交易额突破100亿元。
二、重点任务
（一）加快平台建设
1. 推进跨境电商综试区建设，6月底前完成线上综合服务平台上线。\
（牵头单位：市商务局；责任单位：市大数据局）
2. 建设3个跨境电商产业园，年底前投入运营。（牵头单位：市商务局）
（二）培育市场主体
1. 培育跨境电商龙头企业10家，三季度末前完成认定。（责任单位：市商务局、市财政局）
2. 开展跨境电商人才培训，每季度末报送培训情况。
三、保障措施
各部门要提高思想认识，切实履职尽责。
"""


def test_work_plan(directory: list[UnitRef]) -> None:
    candidates = decompose(PLAN, doc_date=DOC_DATE, units=directory)
    summary = [
        (c.section, c.text, c.lead_unit, c.co_units, c.deadline, c.recurrence) for c in candidates
    ]
    assert summary == [
        # A measured target in the plan's target section is kept for review.
        (
            "一、总体目标",
            "到2026年，全市跨境电商交易额突破100亿元",
            None,
            [],
            dt.date(2026, 12, 31),
            None,
        ),
        (
            "（一）加快平台建设",
            "推进跨境电商综试区建设，6月底前完成线上综合服务平台上线",
            "市商务局",
            ["市大数据局"],
            dt.date(2026, 6, 30),
            None,
        ),
        (
            "（一）加快平台建设",
            "建设3个跨境电商产业园，年底前投入运营",
            "市商务局",
            [],
            DEC_31,
            None,
        ),
        (
            "（二）培育市场主体",
            "培育跨境电商龙头企业10家，三季度末前完成认定",
            "市商务局",
            ["市财政局"],
            dt.date(2026, 9, 30),
            None,
        ),
        (
            "（二）培育市场主体",
            "开展跨境电商人才培训，每季度末报送培训情况",
            None,
            [],
            dt.date(2026, 3, 31),
            "quarterly:end",
        ),
    ]
    assert all(c.kind == "item" for c in candidates[1:])


def test_work_plan_with_parenthesised_numbers() -> None:
    text = "（一）开放平台\n(1)推进综保区申建，年底前获批。\n(2)推动自贸大厦投用。\n"
    candidates = decompose(text, doc_date=DOC_DATE, units=[])
    assert [(c.section, c.text) for c in candidates] == [
        ("（一）开放平台", "推进综保区申建，年底前获批"),
        ("（一）开放平台", "推动自贸大厦投用"),
    ]


def test_points_with_action_verbs_are_tasks() -> None:
    text = "第一，加快推进综保区申建，确保年底前获批。第二，推动自贸大厦投用。"
    candidates = decompose(text, doc_date=DOC_DATE, units=[])
    assert [c.text for c in candidates] == [
        "加快推进综保区申建，确保年底前获批",
        "推动自贸大厦投用",
    ]


def test_inline_enumeration_takes_units_and_deadline_from_its_lead_in(
    directory: list[UnitRef],
) -> None:
    text = "年底前，市商务局要完成以下工作：一是建设公共海外仓；二是开通中亚班列回程线路。"
    candidates = decompose(text, doc_date=DOC_DATE, units=directory)
    assert [(c.text, c.lead_unit, c.deadline) for c in candidates] == [
        ("建设公共海外仓", "市商务局", DEC_31),
        ("开通中亚班列回程线路", "市商务局", DEC_31),
    ]


# --- a decomposition table (任务分解表) ----------------------------------------------------

TABLE_TEXT = (
    "2026年对外开放重点任务分解表\n"
    "序号\t重点任务\t牵头单位\t责任单位\t完成时限\n"
    "1\t加快推进综保区申建\t市商务局\t市发改委、市自然资源局\t2026年12月31日前\n"
    "2\t推动自贸大厦投用\t自贸区某某片区管委会\t市财政局\t年内\n"
    "一、开放平台\n"
    "3\t开通中亚班列回程线路\t市商务局\t\t三季度末\n"
    "4\t健全外资企业服务机制\t商务局\t发改委\t长期坚持\n"
    "\n"
    "以上任务请各单位认真落实。\n"
)


def _table_summary(candidates: list[Candidate]) -> list[tuple[object, ...]]:
    return [
        (c.section, c.text, c.lead_unit, c.co_units, c.deadline, c.deadline_text, c.kind)
        for c in candidates
    ]


EXPECTED_TABLE = [
    (
        None,
        "加快推进综保区申建",
        "市商务局",
        ["市发展和改革委员会", "市自然资源和规划局"],
        DEC_31,
        "2026年12月31日前",
        "table",
    ),
    (None, "推动自贸大厦投用", "自贸区某某片区管委会", ["市财政局"], DEC_31, "年内", "table"),
    (
        "一、开放平台",
        "开通中亚班列回程线路",
        "市商务局",
        [],
        dt.date(2026, 9, 30),
        "三季度末",
        "table",
    ),
    (
        "一、开放平台",
        "健全外资企业服务机制",
        "市商务局",
        ["市发展和改革委员会"],
        None,
        "长期坚持",  # kept for the reviewer although it is no date
        "table",
    ),
]


def test_table_as_text(directory: list[UnitRef]) -> None:
    candidates = decompose(TABLE_TEXT, doc_date=DOC_DATE, units=directory)
    table = [c for c in candidates if c.kind == "table"]
    assert _table_summary(table) == EXPECTED_TABLE
    for candidate in table:
        assert TABLE_TEXT[candidate.start : candidate.end] == candidate.text
        assert candidate.source_sentence.startswith(("1\t", "2\t", "3\t", "4\t"))


def test_table_with_spaces_as_separators(directory: list[UnitRef]) -> None:
    text = "序号  工作任务  责任单位  完成时间\n1  推进综保区申建  市商务局、市发改委  6月底前\n"
    [candidate] = decompose(text, doc_date=DOC_DATE, units=directory)
    assert candidate.text == "推进综保区申建"
    assert (candidate.lead_unit, candidate.co_units) == ("市商务局", ["市发展和改革委员会"])
    assert candidate.deadline == dt.date(2026, 6, 30)


def test_decompose_table_rows(directory: list[UnitRef]) -> None:
    rows = [line.split("\t") for line in TABLE_TEXT.splitlines()[1:7]]
    rows[3] = ["一、开放平台"] * 5  # a merged row, as python-docx returns it
    candidates = decompose_table(rows, doc_date=DOC_DATE, units=directory)
    assert _table_summary(candidates) == EXPECTED_TABLE
    rendered = render_table(rows)
    for candidate in candidates:
        assert rendered[candidate.start : candidate.end] == candidate.text


def test_table_without_a_header_gives_nothing() -> None:
    assert decompose_table([["a", "b"], ["c", "d"]], doc_date=DOC_DATE, units=[]) == []


# --- what is not a task ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "回顾过去一年，全市进出口总额同比增长12%，实际使用外资取得了新突破。",
        "去年，我们完成了综保区预审，建设了跨境电商产业园。",
        "近年来，我市积极推进对外开放，取得了明显成效。",
        "各级各部门要进一步提高认识，增强责任感和紧迫感。",
        "要切实提升站位，增强思想自觉和行动自觉。",
        "希望大家切实履职尽责，作出更大贡献。",
        "习近平总书记强调，要推动形成全面开放新格局。",
        "2025年全市进出口增长10%。",
        "开放平台如同机场跑道，有了好跑道才能起降大飞机。",
    ],
)
def test_not_tasks(text: str) -> None:
    assert decompose(text, doc_date=DOC_DATE, units=[]) == []


def test_directive_sentence_is_a_task() -> None:
    [candidate] = decompose("要加快推进跨境电商通道建设。", doc_date=DOC_DATE, units=[])
    assert candidate.text == "加快推进跨境电商通道建设"
    assert (candidate.start, candidate.end) == (0, 14)
    assert candidate.section is None
    assert candidate.deadline is None and candidate.deadline_text is None


def test_leader_instruction(directory: list[UnitRef]) -> None:
    text = "请市商务局牵头，会同市发改委研究提出意见，于4月10日前报市政府。"
    [candidate] = decompose(text, doc_date=DOC_DATE, units=directory)
    assert candidate.lead_unit == "市商务局"
    assert candidate.co_units == ["市发展和改革委员会"]  # not "市发改委研究提出意见"
    assert (candidate.deadline, candidate.deadline_text) == (dt.date(2026, 4, 10), "4月10日前")


def test_meeting_narrative_is_not_a_task() -> None:
    text = "会议研究了全市对外开放工作。会议认为，今年以来全市外贸形势总体平稳。"
    assert decompose(text, doc_date=DOC_DATE, units=[]) == []


def test_blank_text() -> None:
    assert decompose(" \n\n ", doc_date=DOC_DATE, units=[]) == []


def test_enumeration_across_sentences() -> None:
    text = "一是要加快推进综保区申建。二是要推动自贸大厦投用，年内完成。三是要提高认识。"
    candidates = decompose(text, doc_date=DOC_DATE, units=[])
    assert [(c.text, c.deadline, c.kind) for c in candidates] == [
        ("加快推进综保区申建", None, "enumeration"),
        ("推动自贸大厦投用，年内完成", DEC_31, "enumeration"),
    ]


# --- patterns met on minutes, plans and instructions ---------------------------------------


def test_lead_ins_and_purpose_clauses_are_not_tasks(directory: list[UnitRef]) -> None:
    text = (
        "现将会议议定事项纪要如下：\n"
        "会议议定以下事项：\n"
        "为加快建设开放高地，结合我市实际，制定本方案。\n"
        "要加快推进综保区申建。"
    )
    candidates = decompose(text, doc_date=DOC_DATE, units=directory)
    assert [c.text for c in candidates] == ["加快推进综保区申建"]


def test_minutes_approving_a_document_is_no_task_but_approving_a_units_work_is(
    directory: list[UnitRef],
) -> None:
    """ "会议同意X提出的…工作方案" approves a document: a decision, no work for anyone.
    "会议原则同意X安排2000万元…" approves what X will do: X's task."""
    text = (
        "二、关于综保区申建。会议同意市商务局提出的综保区申建工作方案。"
        "请市自然资源局加快办理项目用地手续，确保6月底前完成土地征收。\n"
        "三、关于资金保障。会议原则同意市财政局安排2000万元专项资金，用于综保区基础设施建设。\n"
    )
    tasks = decompose(text, doc_date=DOC_DATE, units=directory)
    assert [(t.text, t.lead_unit) for t in tasks] == [
        ("请市自然资源局加快办理项目用地手续，确保6月底前完成土地征收", "市自然资源和规划局"),
        ("市财政局安排2000万元专项资金，用于综保区基础设施建设", "市财政局"),
    ]
    assert [t.lead_unit for t in decompose(text, doc_date=DOC_DATE, units=[])] == [
        "市自然资源局",
        "市财政局",
    ]  # units not in the tree, as written


def test_closing_annotation_covers_every_sentence_of_its_paragraph(
    directory: list[UnitRef],
) -> None:
    text = (
        "制定消费季活动方案，4月25日前印发实施；组织开展以旧换新活动。"
        "（牵头单位：市商务局；配合单位：财政局）"
    )
    first, second = decompose(text, doc_date=DOC_DATE, units=directory)
    for candidate in (first, second):
        assert candidate.lead_unit == "市商务局"
        assert candidate.co_units == ["市财政局"]
    assert first.deadline == dt.date(2026, 4, 25)


def test_numbered_item_title_and_details_make_one_task(directory: list[UnitRef]) -> None:
    text = (
        "（一）做强开放平台。\n"
        "1.加快综保区申建。完善申报材料，做好验收准备。（责任单位：市商务局、发改委；"
        "完成时限：2026年9月底前）\n"
        "2.提升口岸功能。推进铁路口岸扩大开放，年内实现班列常态化运行。（责任单位：财政局）"
    )
    zone, port = decompose(text, doc_date=DOC_DATE, units=directory)
    assert zone.text == "加快综保区申建：完善申报材料，做好验收准备"
    assert zone.kind == "item" and zone.section == "（一）做强开放平台"
    assert (zone.lead_unit, zone.co_units) == ("市商务局", ["市发展和改革委员会"])
    assert (zone.deadline, zone.deadline_text) == (dt.date(2026, 9, 30), "2026年9月底前")
    assert text[zone.start : zone.end].startswith("1.加快综保区申建。")
    assert port.lead_unit == "市财政局" and port.deadline == DEC_31


def test_instruction_addresses_its_units_with_qing(directory: list[UnitRef]) -> None:
    text = (
        "请市商务局会同市发改委认真研究申建中的困难，于5月15日前报市政府。"
        "此事是今年的重中之重，务必倒排工期，确保年内获批。"
    )
    study, approval = decompose(text, doc_date=DOC_DATE, units=directory)
    assert (study.lead_unit, study.co_units) == ("市商务局", ["市发展和改革委员会"])
    assert study.deadline == dt.date(2026, 5, 15)
    assert (approval.lead_unit, approval.co_units) == ("市商务局", ["市发展和改革委员会"])
    assert approval.deadline == DEC_31


def test_addressee_does_not_leak_into_the_next_paragraph(directory: list[UnitRef]) -> None:
    text = "请市商务局抓紧研究，5月15日前报市政府。\n要确保年内完成综保区申建。"
    first, second = decompose(text, doc_date=DOC_DATE, units=directory)
    assert first.lead_unit == "市商务局"
    assert second.lead_unit is None


def test_a_dated_reporting_duty_is_a_task(directory: list[UnitRef]) -> None:
    [duty] = decompose(
        "各责任单位每月23日前将工作进展报市商务局。", doc_date=DOC_DATE, units=directory
    )
    assert duty.recurring and duty.recurrence == "monthly:23"


@pytest.mark.parametrize(
    ("sentence", "task", "deadline"),
    [
        ("加快推进跨境电商产业园建设。", "加快推进跨境电商产业园建设", None),
        ("确保年底前建成跨境电商产业园。", "确保年底前建成跨境电商产业园", DEC_31),
        ("务必在年内完成自贸大厦投用。", "在年内完成自贸大厦投用", DEC_31),
        ("力争上半年开通中亚班列。", "力争上半年开通中亚班列", dt.date(2026, 6, 30)),
        ("必须抓好外贸企业培育。", "抓好外贸企业培育", None),
    ],
)
def test_each_directive_word_alone_makes_a_task(
    sentence: str, task: str, deadline: dt.date | None
) -> None:
    [candidate] = decompose(sentence, doc_date=DOC_DATE, units=[])
    assert (candidate.text, candidate.deadline) == (task, deadline)
