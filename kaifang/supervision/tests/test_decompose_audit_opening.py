"""Decomposition of opening-up documents written for the second audit (a mayor's and a party
secretary's speech, minutes, a work plan's points, a 任务分工表, text pasted from a PDF): each
test holds the general form of writing the audit found mishandled. No unit directory, as a fresh
installation runs. The sentences are written for these tests in the official style."""

from __future__ import annotations

import datetime as dt

from kaifang.supervision.decompose import Candidate, decompose, decompose_table

DOC_DATE = dt.date(2026, 3, 20)


def _run(text: str, doc_date: dt.date = DOC_DATE) -> list[Candidate]:
    return decompose(text, doc_date=doc_date, units=[])


def _find(candidates: list[Candidate], needle: str) -> Candidate:
    [found] = [c for c in candidates if needle in c.text]
    return found


def test_a_measured_count_ending_a_task_is_no_lead_in() -> None:
    """ "今年至少复制推广30项。" counts what the task delivers; "以下几项工作：" leads in."""
    found = _run(
        "自贸联动创新区要对标自贸试验区改革试点经验，今年至少复制推广30项。\n"
        "下面，我讲三点意见。\n"
        "重点做好以下几项工作：\n"
        "综保区要加快产业导入，年底前新增入区企业12家。"
    )
    assert [c.lead_unit for c in found] == ["自贸联动创新区", "综保区"]
    assert _find(found, "复制推广30项").deadline == dt.date(2026, 12, 31)


def test_the_last_sub_item_before_the_next_item_is_a_task_not_a_heading() -> None:
    """ "（2）" followed by "6." (a level up, seen before) has no children: it is the last
    sub-item of "5.", a task of its own."""
    found = _run(
        "二、稳外资扩开放\n"
        "（三）提升招商引资实效\n"
        "5.开展外资招商专题活动，全年举办专题招商活动10场以上。\n"
        "（1）聚焦德国、日本等重点国别开展精准招商。\n"
        "（2）建立外资项目全周期服务机制，实行项目专员制度。\n"
        "6.实际使用外资确保完成省定目标任务。"
    )
    assert _find(found, "项目专员制度").section == "（三）提升招商引资实效"
    assert len(found) == 4


def test_an_instruction_addresses_the_unit_after_qing() -> None:
    """ "请市商务局会同…": the lead is 市商务局, not "请市商务局"."""
    found = _run(
        "请市商务局会同市口岸办抓紧研究中欧班列常态化开行方案，6月20日前报我。"
        "市财政局要做好运营补贴资金保障。"
    )
    assert [(c.lead_unit, c.co_units) for c in found] == [
        ("市商务局", ["市口岸办"]),
        ("市财政局", []),
    ]


def test_a_division_table_reads_its_cells_role_marks_and_skips_the_leader_column() -> None:
    """A 任务分工表 whose 牵头领导 column names a person (not a unit), and whose unit cells mark
    roles themselves: "市商务局（牵头）", "各开发区管委会（市自然资源和规划局配合）"."""
    rows = [
        ["完成时限", "责任单位", "具体任务", "序号", "牵头领导"],
        ["9月底前", "市财政局、市商务局（牵头）", "兑现外贸稳增长奖补资金", "1", "王副市长"],
        ["12月底前", "各开发区管委会（市自然资源和规划局配合）", "新建标准厂房50万平方米", "2",
         "李副市长"],
        ["年底前", "市投资促进局、海关(配合)", "新引进外资项目15个", "3", "李副市长"],
    ]  # fmt: skip
    found = decompose_table(rows, doc_date=DOC_DATE, units=[])
    assert [(c.lead_unit, c.co_units) for c in found] == [
        ("市商务局", ["市财政局"]),
        ("各开发区管委会", ["市自然资源和规划局"]),
        ("市投资促进局", ["海关"]),
    ]


def test_lianhe_as_an_adverb_names_no_co_unit() -> None:
    """ "联合开展…行动" is "jointly carry out", not "together with a unit named 开展…行"."""
    found = _run(
        "商务、工信、税务等部门要联合开展“外贸新军”培育行动，全年培育新增外贸企业80家。\n"
        "市商务局要联合市贸促会举办跨境电商选品对接会。"
    )
    assert [(c.lead_unit, c.co_units) for c in found] == [
        ("商务部门", ["工信部门", "税务部门"]),
        ("市商务局", ["市贸促会"]),
    ]


def test_a_speechs_look_at_the_situation_and_a_bare_lead_in_are_not_tasks() -> None:
    """Under "一、准确把握当前外贸外资形势" a speech reviews and warns ("同时也要清醒看到…必须增强
    忧患意识"); minutes' "会议议定：" on its own line only leads in to the decisions below."""
    speech = (
        "一、准确把握当前外贸外资形势\n"
        "上半年全市进出口总额186.5亿元。同时也要清醒看到，订单转移压力依然较大，我们必须增强"
        "忧患意识。\n"
        "二、突出抓好下半年重点工作\n"
        "市商务局要在9月底前实现重点外贸企业走访全覆盖。"
    )
    assert [c.lead_unit for c in _run(speech)] == ["市商务局"]
    minutes = (
        "一、关于综合保税区申建工作\n"
        "会议议定：\n"
        "（一）经开区管委会要进一步修改完善申报材料，5月底前报省政府。\n"
        "（二）市财政局要统筹安排综保区基础设施建设资金。"
    )
    assert [c.lead_unit for c in _run(minutes)] == ["经开区管委会", "市财政局"]


def test_a_body_measure_restated_by_the_division_table_is_one_candidate() -> None:
    """A plan's body lists its measures and its appended 责任分工 table restates them with units
    and deadlines: the row stands for the measure; a measure the table leaves out stays."""
    text = (
        "二、主要任务\n"
        "（一）推进管理体制改革。全面推行“管委会+公司”运营模式，剥离开发区社会事务管理职能。\n"
        "（二）提升项目承载能力。加快标准厂房建设，新建标准厂房50万平方米。\n"
        "（三）优化营商环境。推行开发区企业投资项目承诺制，实现拿地即开工。\n"
        "附件\n"
        "序号\t重点任务\t责任单位\t完成时限\n"
        "1\t推进管理体制改革，全面推行“管委会+公司”运营模式\t市委编办、各开发区管委会\t"
        "2026年9月底前\n"
        "2\t加快标准厂房建设，新建标准厂房50万平方米\t各开发区管委会\t2026年12月底前\n"
    )
    found = _run(text)
    assert [(c.kind, c.lead_unit) for c in found] == [
        ("sentence", None),
        ("table", "市委编办"),
        ("table", "各开发区管委会"),
    ]
    assert "承诺制" in found[0].text


def test_a_second_header_row_naming_only_the_unit_roles_under_a_merged_cell() -> None:
    """责任单位 merged over two columns, the row below naming 牵头单位 | 配合单位 (no task
    column of its own): the co-units column is read."""
    rows = [
        ["序号", "重点任务", "责任单位", "", "完成时限"],
        ["", "", "牵头单位", "配合单位", ""],
        ["1", "铁路口岸功能拓展", "市商务局", "铁路局集团、海关", "2026年9月底前"],
        ["2", "建设进口肉类指定监管场地", "经开区管委会", "海关、市场监管局", "2026年底前"],
    ]
    found = decompose_table(rows, doc_date=DOC_DATE, units=[])
    assert [(c.lead_unit, c.co_units, str(c.deadline)) for c in found] == [
        ("市商务局", ["铁路局集团", "海关"], "2026-09-30"),
        ("经开区管委会", ["海关", "市场监管局"], "2026-12-31"),
    ]


def test_a_role_bracket_may_close_with_its_deadline_or_an_ongoing_note() -> None:
    """ "（外贸科牵头，各县区商务主管部门配合，年底前完成）" states roles and the deadline in one
    bracket; "（市经开区管委会负责，持续推进）" roles and that the work goes on."""
    found = _run(
        "1.组织企业参加境内外重点展会100场次以上（外贸科牵头，各县区商务主管部门配合，"
        "年底前完成）。\n"
        "2.推进国家级经开区创新提升，力争综合考评排名进入全省前三（市经开区管委会负责，"
        "持续推进）。"
    )
    assert [(c.lead_unit, c.co_units, str(c.deadline)) for c in found] == [
        ("外贸科", ["各县区商务主管部门"], "2026-12-31"),
        ("市经开区管委会", [], "None"),
    ]
    assert "牵头" not in found[0].text and "负责" not in found[1].text


def test_a_supervision_notice_with_labelled_items_and_a_handling_deadline() -> None:
    """A 督办通知: "督办事项二：研究制定…" (no directive word) is a task, its label is no part of
    the wording, and the lines "责任单位：" "配合单位：" "办理时限：" under it give its units and
    deadline."""
    text = (
        "督办事项一：加快推进保税物流中心（B型）封关运作\n"
        "责任单位：经开区管委会\n"
        "配合单位：市商务局、海关\n"
        "办理时限：2026年6月30日前\n"
        "督办事项二：研究制定外贸企业出口信用保险保费补贴实施细则\n"
        "责任单位：市商务局\n"
        "配合单位：市财政局\n"
        "办理时限：5月15日前"
    )
    found = _run(text, dt.date(2026, 4, 20))
    assert [(c.text, c.lead_unit, c.co_units, str(c.deadline)) for c in found] == [
        ("加快推进保税物流中心（B型）封关运作", "经开区管委会", ["市商务局", "海关"], "2026-06-30"),
        ("研究制定外贸企业出口信用保险保费补贴实施细则", "市商务局", ["市财政局"], "2026-05-15"),
    ]


def test_an_exhortation_to_an_enumerated_subject_is_no_task() -> None:
    """ "各县（市、区）、市直各有关部门要按照职责分工，抓好贯彻落实。" only exhorts, whoever the
    enumerated subject; "海关、税务要压缩退税时间" names work."""
    found = _run(
        "海关、税务要在9月底前把正常出口退税平均办理时间压缩至3个工作日。\n"
        "各县（市、区）、市直各有关部门要按照职责分工，抓好贯彻落实。\n"
        "市商务局、市财政局要加强协调配合，形成工作合力。"
    )
    assert [c.lead_unit for c in found] == ["海关"]


def test_an_instruction_after_a_decision_is_a_task_for_the_unit_asked() -> None:
    """ "会议原则同意…，请市开放办根据会议意见修改完善后印发。": the decision carries a task for
    the unit asked, with no modal word."""
    found = _run(
        "会议原则同意市开放办提出的开放平台发展三年规划，请市开放办根据会议意见修改完善后，"
        "以市政府办公室名义印发。"
    )
    assert [(c.lead_unit, c.co_units) for c in found] == [("市开放办", [])]


def test_a_discipline_reminder_in_minutes_is_no_task() -> None:
    """ "会议强调，各科室要严格执行公文办理时限要求，切实提高工作效率。" reminds; the decision
    before it is the task."""
    found = _run(
        "三、会议同意外资科提出的方案。外资科要于6月中旬组织召开外资企业圆桌会议。\n"
        "四、会议强调，各科室要严格执行公文办理时限要求，切实提高工作效率。"
    )
    assert [c.lead_unit for c in found] == ["外资科"]


def test_a_sentence_naming_who_does_the_measure_before_it_is_no_task() -> None:
    """ "以上工作由市投资促进局负责。" gives the measure before it its lead unit."""
    found = _run(
        "3.举办跨国公司投资合作交流会，力争签约外资项目10个以上。以上工作由市投资促进局负责。\n"
        "4.清理与外商投资法不符的规定和文件，10月底前完成。"
    )
    assert [(c.lead_unit, c.text[:6]) for c in found] == [
        ("市投资促进局", "举办跨国公司"),
        (None, "清理与外商投"),
    ]


def test_sub_items_naming_no_unit_are_done_by_their_items_units() -> None:
    """ "（1）（2）" under "2.…（牵头单位：…）" are its stages: the item's units do them; the
    next item "3." names its own (none here)."""
    found = _run(
        "2.申建市场采购贸易方式试点（牵头单位：市商务局；配合单位：海关）。\n"
        "（1）上半年完成申报材料编制；\n"
        "（2）三季度争取省政府同意后上报商务部。\n"
        "3.清理与外商投资法不符的规定和文件，10月底前完成。",
        dt.date(2026, 1, 20),
    )
    assert [(c.lead_unit, c.co_units) for c in found] == [
        ("市商务局", ["海关"]),
        ("市商务局", ["海关"]),
        ("市商务局", ["海关"]),
        (None, []),
    ]


def test_a_bracket_holding_only_the_deadline_leaves_the_wording() -> None:
    """ "推进跨境电商综试区建设（6月底前）": the bracket is the deadline, not task wording; a
    bracket that says something else stays."""
    found = _run(
        "1.推进跨境电商综试区建设（6月底前）。\n2.建设东盟（越南）冷链物流专线，年底前开通。"
    )
    assert [(c.text, str(c.deadline)) for c in found] == [
        ("推进跨境电商综试区建设", "2026-06-30"),
        ("建设东盟（越南）冷链物流专线，年底前开通", "2026-12-31"),
    ]


def test_an_items_owner_sentence_is_no_part_of_its_wording() -> None:
    """ "2.申建市场采购贸易方式试点。此项工作由市商务局牵头负责，海关配合。": the units, not the
    wording, carry who does it."""
    found = _run("2.申建市场采购贸易方式试点。此项工作由市商务局牵头负责，海关配合。")
    assert [(c.text, c.lead_unit, c.co_units) for c in found] == [
        ("申建市场采购贸易方式试点", "市商务局", ["海关"])
    ]


def test_prose_co_units_responsible_by_their_duties_and_a_trailing_dengbumen() -> None:
    """ "X牵头，Y、Z按职责分工负责" names Y and Z as co-units; "…、市税务局等部门要" keeps the
    name without 等部门."""
    found = _run(
        "市商务局牵头，市财政局、市税务局按职责分工负责，落实外贸企业出口退税资金。\n"
        "市商务局、海关、市税务局等部门要建立外贸企业问题会商机制。"
    )
    assert [(c.lead_unit, c.co_units) for c in found] == [
        ("市商务局", ["市财政局", "市税务局"]),
        ("市商务局", ["海关", "市税务局"]),
    ]


def test_a_cover_letters_request_names_no_unit_and_is_no_task() -> None:
    found = _run(
        "根据市政府常务会议安排，现将有关事项交你单位办理，请按时限要求办结并报送办理结果。"
    )
    assert found == []
