"""The official conventions a supervision office reads documents by (issue 12), each on text we
wrote: unit annotations and the notes that govern them, tables, measures inside an item, dated
stages, annual targets, relative periods, validity periods, headings, non-tasks, units as written
and traditional characters. Pure: no database."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import docx
import opencc  # type: ignore[import-untyped, unused-ignore]

from kaifang.supervision.decompose import (
    Candidate,
    UnitRef,
    decompose,
    find_assignments,
    read_docx,
    resolve_unit,
)
from kaifang.supervision.decompose.units import resolve_unit_match

FIXTURES = Path(__file__).parent / "fixtures"
DOC = dt.date(2026, 3, 20)
TREE = [
    UnitRef("示范市商务局", ("市商务局", "商务局")),
    UnitRef("示范海关", ()),
    UnitRef("办公室", ()),
]


def run(text: str, date: dt.date = DOC, units: list[UnitRef] | None = None) -> list[Candidate]:
    return decompose(text, doc_date=date, units=TREE if units is None else units)


def one(candidates: list[Candidate], words: str) -> Candidate:
    hits = [c for c in candidates if words in c.text]
    assert len(hits) == 1, (words, [c.text for c in candidates])
    return hits[0]


# --- unit annotations -----------------------------------------------------------------------


def test_responsible_after_a_measure_first_listed_leads() -> None:
    text = "1.推广提前申报。全面推广进口货物提前申报模式。（省商务厅、示范海关、省交通运输厅负责）"
    [task] = run(text)
    assert task.lead_unit == "省商务厅"
    assert task.co_units == ["示范海关", "省交通运输厅"]
    assert task.units_in_tree == ["示范海关"]
    assert "负责" not in task.text


def test_note_first_listed_is_lead_and_the_same_below() -> None:
    text = (
        "1.优化布局。推动园区整合提升。（海关总署、商务部负责，排在第一位的部门为牵头部门，下同）\n"
        "2.支持研发。支持企业开展保税研发业务。（商务部、海关总署等有关部门负责）"
    )
    first, second = run(text)
    assert (first.lead_unit, first.co_units) == ("海关总署", ["商务部"])
    assert (second.lead_unit, second.co_units) == ("商务部", ["海关总署"])


def test_each_responsible_has_no_single_lead() -> None:
    [task] = run("3.建设智慧口岸。推动口岸信息平台建设。（省发展改革委、省交通运输厅分别负责）")
    assert task.lead_unit is None
    assert task.co_units == ["省发展改革委", "省交通运输厅"]


def test_lead_with_participants_in_one_bracket() -> None:
    [assignment] = find_assignments(
        "健全统计制度。（生态环境部牵头，国家发展改革委、国家统计局参与）", []
    )
    assert assignment.lead == ["生态环境部"]
    assert assignment.co == ["国家发展改革委", "国家统计局"]


def test_lead_together_with_others() -> None:
    [assignment] = find_assignments("培育集群。（国家发展改革委会同有关部门负责）", [])
    assert assignment.lead == ["国家发展改革委"]
    assert assignment.co == ["有关部门"]


def test_guiding_units_and_the_implementer_stated_once_for_all_below() -> None:
    text = (
        "优化管理体制，建立部门责任清单。（省商务厅指导，各市人民政府负责落实。"
        "以下均需各市人民政府落实，不再列出）\n"
        "建设外贸综合服务平台，提供一站式服务。（省商务厅、省税务局指导）"
    )
    first, second = run(text)
    assert (first.lead_unit, first.co_units) == ("各市人民政府", ["省商务厅"])
    assert (second.lead_unit, second.co_units) == ("各市人民政府", ["省商务厅", "省税务局"])


def test_labelled_lead_and_co_units_in_hexagonal_brackets() -> None:
    text = "推行市场准入一体化登记。〔牵头单位：市市场监管局、市行政审批局；配合单位：市公安局〕"
    [task] = run(text)
    assert task.lead_unit == "市市场监管局"
    assert task.co_units == ["市行政审批局", "市公安局"]


def test_labelled_bracket_cut_off_at_the_end_of_a_truncated_page() -> None:
    text = (
        "（一）优化准入。推行一体化登记。〔牵头单位：市市场监管局；配合单位：市公安局、各县(区)人民"
    )
    [task] = run(text)
    assert task.lead_unit == "市市场监管局"
    assert "市公安局" in task.co_units


def test_a_bracket_that_is_not_an_annotation_stays_out() -> None:
    assert find_assignments("推进改革（此件公开发布）", []) == []
    assert find_assignments("推动“两重”项目（含续建项目）开工", []) == []


def test_unit_as_subject_and_the_sentences_that_continue_it() -> None:
    text = "海关总署要继续做好牵头工作，优化区域布局。要加大统筹协调力度，建立部门协调机制。"
    first, second = run(text)
    assert first.lead_unit == "海关总署"
    assert second.lead_unit == "海关总署"


def test_group_addressees_stay_phrases() -> None:
    [task] = run("各县区、各开发区要积极对接金融机构，为外贸企业提供融资支持。")
    assert (task.lead_unit, task.co_units) == ("各县区", ["各开发区"])
    assert task.units_in_tree == []


# --- units as written: never a wrong match --------------------------------------------------


def test_a_longer_name_is_not_the_bureaus_unit() -> None:
    assert resolve_unit_match("市口岸和物流办公室", TREE) == ("市口岸和物流办公室", False)
    assert resolve_unit_match("各县区商务局", TREE) == ("各县区商务局", False)
    assert resolve_unit_match("县商务局", TREE) == ("县商务局", False)
    assert resolve_unit_match("市商务局", TREE) == ("示范市商务局", True)
    assert resolve_unit("办公室", TREE) == "办公室"


def test_unmatched_names_are_kept_and_marked() -> None:
    text = "推进口岸建设。（牵头单位：市口岸和物流办公室；配合单位：市商务局、州行政审批服务局）"
    [task] = run(text)
    assert task.lead_unit == "市口岸和物流办公室"
    assert task.co_units == ["示范市商务局", "州行政审批服务局"]
    assert task.units_in_tree == ["示范市商务局"]


def test_prose_mention_inside_a_longer_name_is_not_a_match() -> None:
    [task] = run("市口岸和物流办公室要加快推进中欧班列集结中心建设。")
    assert task.lead_unit == "市口岸和物流办公室"
    assert task.units_in_tree == []


# --- tables ----------------------------------------------------------------------------------


def _docx(rows: list[list[str]], *, before: str = "", merge_title: bool = False) -> str:
    document = docx.Document()
    if before:
        document.add_paragraph(before)
    table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    if merge_title:
        table.cell(0, 0).merge(table.cell(0, len(rows[1]) - 1))
    buffer = io.BytesIO()
    document.save(buffer)
    return read_docx(buffer.getvalue()).text


def test_rollout_table_columns_in_any_order_header_on_the_second_row() -> None:
    rows = [
        ["2026年改革试点经验推广清单", "", "", "", ""],
        ["完成时限", "改革事项", "推广范围", "责任部门", "指导部门"],
        ["9月底前", "推行进口货物提前申报", "全省", "示范海关", "省商务厅"],
        ["年底前", "推广跨境电商零售进口退货中心仓模式", "综保区", "省商务厅、示范海关", ""],
    ]
    first, second = run(_docx(rows, merge_title=True))
    assert first.text == "推行进口货物提前申报"
    assert (first.lead_unit, first.co_units) == ("示范海关", ["省商务厅"])
    assert (first.deadline, first.deadline_text) == (dt.date(2026, 9, 30), "9月底前")
    assert (second.lead_unit, second.co_units) == ("省商务厅", ["示范海关"])  # not 市商务局
    assert second.deadline == dt.date(2026, 12, 31)
    assert first.kind == second.kind == "table"


def test_table_row_with_merged_first_cells_and_measures_in_one_cell() -> None:
    text = (
        "序号\t上级部署任务\t本市落实措施\t牵头单位\t配合单位\t时间节点\n"
        "1\t全面实施清单管理\t8月底前编制完成市级事项清单并公布，9月底前编制完成县级事项清单并公布。"
        "市审改办要每月调度编制进展。\t市行政审批局市司法局\t各县区政府\t2026年9月底\n"
        "（2）清理整治变相许可，11月底前完成清查整治。\t市行政审批局\t各县区政府\t2026年11月底"
    )
    tasks = run(text)
    city, county, monthly, cleanup = tasks
    assert (city.deadline, county.deadline) == (dt.date(2026, 8, 31), dt.date(2026, 9, 30))
    assert city.lead_unit == "市行政审批局" and city.co_units == ["市司法局", "各县区政府"]
    assert monthly.lead_unit == "市审改办"
    assert monthly.deadline == dt.date(2026, 9, 30)  # the row's 时间节点
    assert cleanup.text.startswith("清理整治变相许可")
    assert (cleanup.lead_unit, cleanup.deadline) == ("市行政审批局", dt.date(2026, 11, 30))
    assert city.section == "全面实施清单管理"


# --- measures inside one numbered item -------------------------------------------------------


def test_an_item_listing_several_measures_gives_one_task_each() -> None:
    text = (
        "（一）优化市场准入。持续推进经营主体服务码综合应用。扎实推行市场准入一体化登记。"
        "配合自治区有关部门推动地名地址库建设。（牵头单位：市市场监管局）"
    )
    tasks = run(text)
    assert [t.text[:6] for t in tasks] == ["持续推进经营", "扎实推行市场", "配合自治区有"]
    assert all(t.lead_unit == "市市场监管局" for t in tasks)
    assert all(t.section == "（一）优化市场准入" for t in tasks)


def test_sending_and_issuing_the_same_deliverable_by_a_date_is_one_task() -> None:
    """A step of a plan: "编制…实施方案…。实施方案按程序报…审核后实施。5月底前，…印发实施方案。"
    The plan (实施方案, a noun, not the verb 实施) is sent and issued by a date: one task, due
    then."""
    text = (
        "三、实施步骤\n"
        "（二）制定实施方案。试点县区负责编制跨境电商发展实施方案，明确目标任务和责任分工。"
        "实施方案按程序报市商务局审核后实施。2026年5月底前，试点县区印发实施方案。\n"
    )
    [task] = run(text)
    assert task.text.startswith("试点县区负责编制跨境电商发展实施方案")
    assert task.section == "（二）制定实施方案"
    assert "报市商务局审核" in task.source_sentence and task.text.endswith("印发实施方案")
    assert (task.lead_unit, task.deadline) == ("试点县区", dt.date(2026, 5, 31))
    [plan] = run("市商务局负责编制夜间经济发展方案。发展方案要报市政府审定后印发。")
    assert plan.text == "市商务局负责编制夜间经济发展方案；发展方案要报市政府审定后印发"


def test_an_item_that_is_one_measure_stays_one_task() -> None:
    text = (
        "9.支持医疗设备研发。区内企业进口的医疗器械用于研发的，可不办理注册手续。"
        "进入国内销售的医疗器械，应当按照规定申请注册。（药监局、海关总署负责）"
    )
    [task] = run(text)
    assert task.text.startswith("支持医疗设备研发：区内企业")
    assert task.lead_unit == "药监局"


# --- deadlines --------------------------------------------------------------------------------


def test_annual_targets_end_on_31_december_of_the_document_year() -> None:
    tasks = run(
        "实施500个重点项目，年度完成投资1200亿元。力争全年参展企业500家次以上。"
        "组织企业参加重点展会，全年新增外贸企业300家以上。",
        date=dt.date(2026, 1, 20),
    )
    assert [t.deadline for t in tasks] == [dt.date(2026, 12, 31)] * 3
    assert [t.deadline_text for t in tasks] == ["年度", "全年", "全年"]


def test_sample_speech_year_within() -> None:
    [task] = run("综保区获批和自贸大厦投用，务必在年内完成。")
    assert (task.deadline, task.deadline_text) == (dt.date(2026, 12, 31), "年内")


def test_dated_stages_become_milestones_with_the_last_as_deadline() -> None:
    [task] = run(
        "加快推进综合保税区申建，9月底前完成申报材料；12月底前通过预审；"
        "2027年6月底前通过验收。（牵头单位：市商务局）"
    )
    assert [(m.deadline, m.deadline_text) for m in task.milestones] == [
        (dt.date(2026, 9, 30), "9月底前"),
        (dt.date(2026, 12, 31), "12月底前"),
        (dt.date(2027, 6, 30), "2027年6月底前"),
    ]
    assert task.milestones[1].text == "12月底前通过预审"
    assert (task.deadline, task.deadline_text) == (dt.date(2027, 6, 30), "2027年6月底前")


def test_relative_periods_count_from_the_document_date_and_say_so() -> None:
    first, second = run(
        "各市要于30日内制定具体实施方案。自本意见印发之日起3个月内，完成收费目录清单公示。"
    )
    assert first.deadline == dt.date(2026, 4, 19)
    assert first.deadline_text == "30日内（自文件日期起算）"
    assert second.deadline == dt.date(2026, 6, 20)
    assert second.deadline_text is not None and "自文件日期起算" in second.deadline_text


def test_validity_period_is_not_a_deadline() -> None:
    tasks = run("本意见自印发之日起施行，有效期至2028年12月31日。执行期限为2026年至2028年。")
    assert all(t.deadline is None for t in tasks)


def test_yearly_reporting_is_recurring() -> None:
    [task] = run("各有关部门于每年2月底前，研究提出拟激励地方名单，报送省政府办公厅。")
    assert task.recurring and task.recurrence == "yearly:02-end"
    assert task.deadline == dt.date(2027, 2, 28)


def test_future_period_opening_a_clause() -> None:
    [task] = run("2026年下半年，各试点城市政府印发实施方案。")
    assert task.deadline == dt.date(2026, 12, 31)
    assert task.lead_unit == "各试点城市政府"


def test_parallel_dated_deliverables_are_separate_tasks() -> None:
    first, second = run(
        "8月底前编制完成市级许可事项清单并向社会公布，9月底前编制完成县级许可事项清单并向社会公布。"
    )
    assert first.deadline == dt.date(2026, 8, 31) and "市级" in first.text
    assert second.deadline == dt.date(2026, 9, 30) and "县级" in second.text


# --- headings and non-tasks --------------------------------------------------------------------


def test_heading_with_a_directive_and_a_deadline_is_a_task_and_a_label() -> None:
    text = (
        "一、要加快推进综保区申建，确保年底前获批\n完善申报材料，做好预审准备。\n"
        "二、关于平台建设\n建设跨境电商公共服务平台。"
    )
    tasks = run(text)
    heading = one(tasks, "综保区申建")
    assert heading.deadline == dt.date(2026, 12, 31)
    assert one(tasks, "完善申报材料").section == "一、要加快推进综保区申建，确保年底前获批"
    assert not any(t.text == "关于平台建设" for t in tasks)
    assert one(tasks, "公共服务平台").section == "二、关于平台建设"


def test_non_tasks_stay_out() -> None:
    text = (
        "为贯彻落实国家部署，结合我市实际，特制订本方案。\n"
        "一、指导思想\n以习近平新时代中国特色社会主义思想为指导，坚持稳中求进工作总基调。\n"
        "二、基本原则\n（一）坚持问题导向。聚焦企业反映强烈的突出问题，推动流程再造。\n"
        "三、主要任务\n推广提前申报模式。（示范海关负责）\n"
        "各地区要充分认识其重要意义，切实加强组织领导。\n"
        "抄送：省委办公厅。\n示范市人民政府\n2026年3月20日\n（此件公开发布）\n"
        "责任编辑：李某\n【字体：大 中 小】 打印本页 关闭窗口"
    )
    tasks = run(text)
    assert [t.text for t in tasks] == ["推广提前申报模式"]


def test_retrospective_speech_has_no_tasks() -> None:
    text = (FIXTURES / "retrospective-speech.txt").read_text(encoding="utf-8")
    assert run(text, date=dt.date(2026, 1, 8)) == []


def test_paragraph_titles_of_a_work_report_are_labels() -> None:
    text = (FIXTURES / "work-report-excerpt.txt").read_text(encoding="utf-8")
    tasks = run(text, date=dt.date(2026, 1, 20))
    assert not any(t.text in ("稳住外贸基本盘", "提升开放平台能级") for t in tasks)
    assert one(tasks, "外贸主体培育行动").section == "稳住外贸基本盘"
    assert not any("同比增长" in t.text or "预期目标" in t.text for t in tasks)
    stages = one(tasks, "综合保税区二期")
    assert [m.deadline for m in stages.milestones] == [dt.date(2026, 9, 30), dt.date(2026, 12, 31)]


def test_news_report_of_a_speech() -> None:
    text = (FIXTURES / "news-speech-report.txt").read_text(encoding="utf-8")
    tasks = run(text, date=dt.date(2026, 4, 15))
    assert len(tasks) == 3
    orders, subjects, finance = tasks
    assert (orders.lead_unit, orders.deadline) == ("各县区", dt.date(2026, 12, 31))
    assert orders.section == "一要抓订单稳存量"
    assert (subjects.lead_unit, subjects.co_units) == ("示范市商务局", ["示范海关"])
    assert subjects.units_in_tree == ["示范市商务局", "示范海关"]
    assert (finance.lead_unit, finance.co_units) == ("各县区", ["各开发区"])


def test_opinion_with_inline_division_of_labour() -> None:
    text = (FIXTURES / "opinion-state-council-style.txt").read_text(encoding="utf-8")
    tasks = run(text)
    assert not any("稳中求进" in t.text or "问题导向" in t.text for t in tasks)
    assert not any("重要意义" in t.text for t in tasks)
    evaluation = one(tasks, "营商环境评价")
    assert (evaluation.lead_unit, evaluation.co_units) == ("各市人民政府", ["省商务厅"])
    assert evaluation.recurrence == "yearly:03-end"
    documents = one(tasks, "压缩单证办理时间")
    assert documents.deadline == dt.date(2027, 6, 30)
    assert len(documents.milestones) == 4
    plan = one(tasks, "具体实施方案")
    assert plan.deadline == dt.date(2026, 4, 19)
    assert all(t.deadline != dt.date(2028, 12, 31) for t in tasks)


# --- traditional characters -------------------------------------------------------------------


def test_traditional_text_decomposes_like_simplified() -> None:
    simplified = (FIXTURES / "opinion-state-council-style.txt").read_text(encoding="utf-8")
    traditional = opencc.OpenCC("s2t").convert(simplified)
    assert traditional != simplified
    plain = run(simplified)
    converted = run(traditional)
    assert [t.text for t in converted] == [t.text for t in plain]
    assert [(t.lead_unit, t.co_units, t.deadline) for t in converted] == [
        (t.lead_unit, t.co_units, t.deadline) for t in plain
    ]
    # The original wording stays in source_sentence, at its offsets.
    for task in converted:
        assert (
            task.source_sentence == traditional.strip()[task.sentence_start : task.sentence_end]
            or task.source_sentence in traditional
        )
    assert any("單" in t.source_sentence or "關" in t.source_sentence for t in converted)


def test_this_years_measured_target_ends_the_year_but_looking_back_does_not() -> None:
    (target,) = run("今年全市进出口总额力争增长6%以上。", date=dt.date(2026, 2, 1))
    assert (target.deadline, target.deadline_text) == (dt.date(2026, 12, 31), "今年")
    assert run("今年以来，全市进出口同比增长8%。", date=dt.date(2026, 9, 1)) == []


def test_a_target_measured_against_last_year_is_a_target_not_a_look_back() -> None:
    """ "较上年增长8%" / "比上年提高" / "同比增长" compare a target with last year: the sentence
    is this year's target, while "上年全市…增长" and "今年以来…同比增长" still look back."""
    text = (
        "二、工作目标\n"
        "全市外贸进出口总额较上年增长8%以上，实际使用外资比上年提高10个百分点。\n"
        "三、重点任务\n"
        "市商务局要力争全年跨境电商交易额较上年增长15%。\n"
        "各县区要推动社会消费品零售总额比上年增长6%左右。\n"
        "上年全市服务贸易额比上年增长12%，取得了较好成绩。\n"
        "今年以来，全市进出口同比增长8%。\n"
    )
    tasks = run(text, date=dt.date(2026, 2, 10))
    assert [t.text for t in tasks] == [
        "全市外贸进出口总额较上年增长8%以上，实际使用外资比上年提高10个百分点",
        "市商务局要力争全年跨境电商交易额较上年增长15%",
        "各县区要推动社会消费品零售总额比上年增长6%左右",
    ]
    assert tasks[1].lead_unit == "示范市商务局"
    assert tasks[1].deadline == dt.date(2026, 12, 31)


def test_rollout_table_item_and_content_columns() -> None:
    rows = [
        ["序号", "改革事项", "主要内容", "推广范围", "牵头单位", "配合单位", "时间节点"],
        ["一、投资便利化", "", "", "", "", "", ""],
        ["1", "企业登记一网通办", "推行企业开办全程网上办理", "全市", "市市场监管局",
         "市行政审批局、各区县政府", "2026年6月底前"],
    ]  # fmt: skip
    [task] = run(
        _docx(rows, merge_title=False).replace("一、投资便利化\t\t\t\t\t\t", "一、投资便利化")
    )
    assert task.text == "企业登记一网通办：推行企业开办全程网上办理"
    assert task.section == "一、投资便利化"
    assert (task.lead_unit, task.co_units) == ("市市场监管局", ["市行政审批局", "各区县政府"])
    assert task.deadline == dt.date(2026, 6, 30)


def test_labels_on_their_own_lines_under_each_task() -> None:
    text = (
        "1.推进综合保税区申建。完善申报材料，做好预审准备。\n"
        "牵头单位：市商务局\n责任单位：市发改委、市自然资源局\n完成时限：2026年9月底前\n"
        "2.开通中亚班列。\n牵头单位：市口岸办\n完成时限：年底前"
    )
    zone, rail = run(text, units=[])
    assert (zone.lead_unit, zone.co_units) == ("市商务局", ["市发改委", "市自然资源局"])
    assert zone.deadline == dt.date(2026, 9, 30)
    assert (rail.text, rail.lead_unit, rail.deadline) == (
        "开通中亚班列",
        "市口岸办",
        dt.date(2026, 12, 31),
    )


def test_work_report_points_and_closing_exhortation() -> None:
    text = (
        "（一）着力扩大有效需求。一是提振消费。开展消费提振年活动，全年举办促消费活动100场以上。"
        "二是扩大投资。实施重点项目300个，年度完成投资800亿元以上。\n"
        "我们要以更加昂扬的精神状态，奋力谱写高质量发展新篇章！"
    )
    tasks = run(text, date=dt.date(2025, 1, 15))
    assert [t.text[:4] for t in tasks] == ["开展消费", "实施重点"]
    assert [t.section for t in tasks] == ["一是提振消费", "二是扩大投资"]
    assert all(t.deadline == dt.date(2025, 12, 31) for t in tasks)


def test_work_conference_speech() -> None:
    text = (FIXTURES / "speech-work-conference.txt").read_text(encoding="utf-8")
    tasks = run(text, date=dt.date(2025, 2, 18))
    assert [(t.lead_unit, t.deadline) for t in tasks] == [
        ("示范市商务局", dt.date(2025, 3, 31)),
        ("各县区", None),
        ("综保区管委会", dt.date(2025, 12, 31)),
        ("市口岸办", dt.date(2025, 6, 30)),
    ]
    assert tasks[3].co_units == ["示范海关"] and tasks[3].units_in_tree == ["示范海关"]
    assert tasks[0].section == "第一，稳住外贸基本盘"


def test_general_office_opinion_divided_by_duties() -> None:
    text = (FIXTURES / "general-office-opinion.txt").read_text(encoding="utf-8")
    tasks = run(text, date=dt.date(2023, 4, 11), units=[])
    fairs = one(tasks, "线下展会")
    assert (fairs.lead_unit, fairs.co_units) == ("商务部", ["中国贸促会"])
    credit = one(tasks, "信贷投放")
    assert credit.lead_unit == "人民银行" and "各地方" in credit.co_units
    assert one(tasks, "统筹协调").co_units == ["有关部门"]
    assert one(tasks, "配套措施").lead_unit == "各地方"
    assert not any("二十大精神" in t.text or t.text.endswith("进出口规模") for t in tasks)


def test_together_with_is_not_a_subject() -> None:
    _first, second = run(
        "海关总署要继续做好牵头工作。要加大统筹协调力度，会同有关部门建立协调机制。"
    )
    assert second.lead_unit == "海关总署"
    assert find_assignments("加大统筹协调力度，会同有关部门建立协调机制。", []) == []
