"""Tests for kaifang.supervision.decompose.units."""

from __future__ import annotations

import datetime as dt

from kaifang.supervision.decompose import decompose
from kaifang.supervision.decompose.units import (
    UnitRef,
    find_assignments,
    find_units,
    match_units,
    resolve_unit,
    split_unit_names,
)


def test_aliases_map_to_canonical_names(directory: list[UnitRef]) -> None:
    text = "商务部门要会同发改委和财政局抓好落实"
    assert match_units(text, directory) == ["市商务局", "市发展和改革委员会", "市财政局"]


def test_longest_match_wins_and_no_double_counting(directory: list[UnitRef]) -> None:
    text = "市发改委、市商务局"
    matches = find_units(text, directory)
    assert [(m.name, m.start, m.end) for m in matches] == [
        ("市发展和改革委员会", 0, 4),
        ("市商务局", 5, 9),
    ]
    assert match_units("市商务局和商务局", directory) == ["市商务局"]


def test_full_name_inside_text(directory: list[UnitRef]) -> None:
    assert match_units("由市发展和改革委员会负责", directory) == ["市发展和改革委员会"]


def test_directory_order_breaks_alias_ties() -> None:
    directory = [UnitRef("市商务局", ("商务局",)), UnitRef("区商务局", ("商务局",))]
    assert match_units("商务局牵头", directory) == ["市商务局"]


def test_no_units() -> None:
    assert match_units("推进综保区申建", [UnitRef("市商务局")]) == []


def test_resolve_keeps_unknown_names_raw(directory: list[UnitRef]) -> None:
    assert resolve_unit("发改委", directory) == "市发展和改革委员会"
    assert resolve_unit("市财政局", directory) == "市财政局"
    assert resolve_unit(" 市海关 ", directory) == "市海关"
    assert resolve_unit("各县（区）商务局", directory) == "各县（区）商务局"


def test_split_unit_names() -> None:
    assert split_unit_names("市发改委、市财政局,市海关等") == ["市发改委", "市财政局", "市海关"]
    assert split_unit_names("各县（区）政府") == ["各县（区）政府"]


def test_bracketed_lead_and_responsible(directory: list[UnitRef]) -> None:
    text = "推进综保区申建。（牵头单位：市商务局；责任单位：市发改委、市财政局、市海关）"
    [assignment] = find_assignments(text, directory)
    assert assignment.lead == ["市商务局"]
    assert assignment.co == ["市发展和改革委员会", "市财政局", "市海关"]
    assert text[assignment.start : assignment.end].startswith("（牵头单位")
    assert text[assignment.start : assignment.end].endswith("市海关）")


def test_hexagonal_brackets_with_responsible_only(directory: list[UnitRef]) -> None:
    text = "建设公共海外仓〔责任单位：市商务局、各县（区）政府〕"
    [assignment] = find_assignments(text, directory)
    assert assignment.lead == ["市商务局"]  # the first listed leads
    assert assignment.co == ["各县（区）政府"]


def test_labelled_line_without_brackets(directory: list[UnitRef]) -> None:
    text = "牵头单位: 市商务局  配合单位: 财政局，市发展和改革委员会"
    [assignment] = find_assignments(text, directory)
    assert assignment.lead == ["市商务局"]
    assert assignment.co == ["市财政局", "市发展和改革委员会"]


def test_deadline_inside_annotation(directory: list[UnitRef]) -> None:
    text = "开通回程班列（牵头单位：市商务局；完成时限：2026年9月底前）"
    [assignment] = find_assignments(text, directory)
    assert assignment.lead == ["市商务局"]
    assert assignment.deadline_text == "2026年9月底前"


def test_prose_lead_and_together_with(directory: list[UnitRef]) -> None:
    text = "由市商务局牵头，会同市发改委、市市场监管局，9月30日前出台制度。"
    [assignment] = find_assignments(text, directory)
    assert assignment.lead == ["市商务局"]
    assert assignment.co == ["市发展和改革委员会", "市市场监管局"]


def test_prose_subject(directory: list[UnitRef]) -> None:
    [assignment] = find_assignments("在这方面,自贸区某某片区要发挥示范引领作用。", directory)
    assert assignment.lead == ["自贸区某某片区管委会"]


def test_mentioned_unit_that_is_not_the_subject(directory: list[UnitRef]) -> None:
    assert find_assignments("要牢牢抓好自贸区某某片区建设。", directory) == []


def test_units_written_with_ascii_brackets_are_copied_as_written() -> None:
    """The review page shows the units the text wrote: "各县(区)政府" stays with its ASCII
    brackets whether it is the subject, in a role bracket or after 会同 / before 配合."""
    text = (
        "各县(市、区)政府要在9月底前完成外贸企业摸排。\n"
        "加快跨境电商产业园建设（市商务局(市口岸办)牵头，各县(区)政府配合）。\n"
        "由市商务局牵头，会同各县(区)政府、市场监管局(知识产权局)推进出口品牌建设。\n"
        "市商务局要加快服务外包示范园建设，各县(区)政府、市人社局(市就业局)配合。"
    )
    found = decompose(text, doc_date=dt.date(2026, 5, 6), units=[])
    assert [(c.lead_unit, c.co_units) for c in found] == [
        ("各县(市、区)政府", []),
        ("市商务局(市口岸办)", ["各县(区)政府"]),
        ("市商务局", ["各县(区)政府", "市场监管局(知识产权局)"]),
        ("市商务局", ["各县(区)政府", "市人社局(市就业局)"]),
    ]


def test_an_enumerated_subject_of_bare_names_leads() -> None:
    """ "海关、税务要…": the local offices of central agencies go by their field; an enumeration
    of them (or of any fields before 等部门) is the subject, its first name the lead."""
    text = (
        "海关、税务要在7月底前优化出口退税流程。\n"
        "人行、外汇要推动跨境人民币结算便利化。\n"
        "商务、发改、财政等部门要在9月底前出台外贸稳增长支持政策。\n"
        "外贸、外资要稳住基本盘。"
    )
    found = decompose(text, doc_date=dt.date(2026, 5, 6), units=[])
    assert [(c.lead_unit, c.co_units) for c in found[:3]] == [
        ("海关", ["税务"]),
        ("人行", ["外汇"]),
        ("商务部门", ["发改部门", "财政部门"]),
    ]
    assert all(c.lead_unit is None for c in found[3:])  # fields of work, not units


def test_the_unit_said_to_be_the_responsible_body_leads() -> None:
    """ "X是…的责任主体，要…": X is the subject that acts, as in "X作为…主体，要…"."""
    [task] = decompose(
        "试点县区政府是跨境电商综试区建设的责任主体，要围绕实施方案，有序推进项目建设。",
        doc_date=dt.date(2026, 3, 20),
        units=[],
    )
    assert task.lead_unit == "试点县区政府"
    [plain] = decompose(
        "综试区是开放平台，要加快推进项目建设。", doc_date=dt.date(2026, 3, 20), units=[]
    )
    assert plain.lead_unit is None
