"""Decomposition of general forms of official writing found by the decomposition audit, with no
unit directory (as a fresh installation runs): enumerated items holding brackets, enumerators
before the subject unit, bracketed county lists, prose co-units and short central-agency names.

The sentences are written for these tests in the official style."""

from __future__ import annotations

import datetime as dt
import io

import docx

from kaifang.supervision.decompose import (
    Candidate,
    decompose,
    decompose_table,
    parse_deadline,
    read_docx,
    split_sentences,
)
from kaifang.supervision.decompose.units import split_unit_names

DOC_DATE = dt.date(2026, 3, 10)


def _run(text: str, doc_date: dt.date = DOC_DATE) -> list[Candidate]:
    return decompose(text, doc_date=doc_date, units=[])


def _find(candidates: list[Candidate], needle: str) -> Candidate:
    [found] = [c for c in candidates if needle in c.text]
    return found


# --- 1. a （一） item whose text holds another bracket ------------------------------------


def test_paren_item_with_an_inner_bracket_is_one_sentence() -> None:
    text = (
        "（一）开通至东盟（越南）的冷链专线，全年开行50班。\n（二）推动物流园区（一期）投入运营。"
    )
    assert [s.text for s in split_sentences(text)] == [
        "（一）开通至东盟（越南）的冷链专线，全年开行50班。",
        "（二）推动物流园区（一期）投入运营。",
    ]


def test_paren_items_with_inner_brackets_keep_their_wording_and_lead() -> None:
    text = (
        "二〇二六年重点工作安排\n"
        "一、主要任务\n"
        "（一）推动保税物流中心（B型）封关运行，年内通过验收。\n"
        "（二）引导企业申请RCEP（区域全面经济伙伴关系协定）原产地证书，全年签发800份。\n"
        "（三）市交通运输局（市港航中心）要在8月底前完成内河码头改造方案。\n"
    )
    candidates = _run(text)
    center = _find(candidates, "保税物流中心")
    assert center.text.startswith("推动保税物流中心（B型）封关运行")
    assert "年内通过验收" in center.text
    assert "原产地证书" in _find(candidates, "RCEP").text
    port = _find(candidates, "码头改造")
    assert port.text.startswith("市交通运输局（市港航中心）要在8月底前")
    assert port.deadline == dt.date(2026, 8, 31)


# --- 2. an enumerator before the subject unit -------------------------------------------


def test_enumerator_before_the_subject_is_not_part_of_the_lead() -> None:
    text = (
        "关于做好二季度招商引资工作的通知\n"
        "各有关单位：\n"
        "一、市投资促进局要于5月底前完成重点招商项目库更新。\n"
        "2.市文化广电旅游局要在6月底前举办入境旅游推介会。\n"
        "（三）市市场监管局要在4月底前完成外资企业登记指引修订。\n"
        "四是市人社局要于6月底前发布外籍人才服务清单。\n"
    )
    candidates = _run(text)
    assert _find(candidates, "招商项目库").lead_unit == "市投资促进局"
    assert _find(candidates, "入境旅游").lead_unit == "市文化广电旅游局"
    assert _find(candidates, "登记指引").lead_unit == "市市场监管局"
    assert _find(candidates, "外籍人才").lead_unit == "市人社局"


def test_subject_with_its_other_name_in_brackets_is_the_lead() -> None:
    text = "（三）市交通运输局（市港航中心）要在8月底前完成内河码头改造方案。"
    [candidate] = _run(text)
    assert candidate.lead_unit == "市交通运输局（市港航中心）"


# --- 3. a 、 inside brackets does not split a name --------------------------------------


def test_county_list_in_brackets_is_one_name() -> None:
    assert split_unit_names("各县（市、区）人民政府、市农业农村局等") == [
        "各县（市、区）人民政府",
        "市农业农村局",
    ]
    assert split_unit_names("市财政局，各乡（镇、街道））") == ["市财政局", "各乡（镇、街道）"]


def test_county_governments_as_subject_annotation_and_table_cell() -> None:
    prose = _run("各县（市、区）政府要在7月底前完成农村电商服务站点布局。")
    assert prose[0].lead_unit == "各县（市、区）政府"
    assert prose[0].co_units == []
    together = _run("市农业农村局要会同各县（市、区）政府、市供销社，9月底前建成冷链集配中心。")
    assert together[0].lead_unit == "市农业农村局"
    assert together[0].co_units == ["各县（市、区）政府", "市供销社"]
    annotated = _run(
        "开展农产品出口品牌培育。（牵头单位：市农业农村局；配合单位：各县（市、区）政府）"
    )
    assert annotated[0].co_units == ["各县（市、区）政府"]
    rows = [
        ["序号", "工作任务", "牵头单位", "配合单位", "完成时限"],
        [
            "1",
            "建设县域商业体系示范县",
            "市商务局",
            "各县（市、区）政府、市财政局",
            "2026年10月底前",
        ],
    ]
    [row] = decompose_table(rows, doc_date=DOC_DATE, units=[])
    assert row.co_units == ["各县（市、区）政府", "市财政局"]


# --- 4/5. prose roles and short central-agency names, with no unit directory ------------


def _units(sentence: str) -> tuple[str | None, list[str]]:
    [candidate] = _run(sentence)
    return candidate.lead_unit, candidate.co_units


def test_lead_named_after_you_and_co_units_after_huitong() -> None:
    assert _units("由市住建局牵头，会同市城管局、市生态环境局，抓紧制定老旧小区改造方案。") == (
        "市住建局",
        ["市城管局", "市生态环境局"],
    )
    assert (
        _units("由经开区管委会负责建设跨境电商产业园，市商务局做好业务指导。")[0] == "经开区管委会"
    )
    assert _units("保税仓库由经开区管委会负责建设，9月底前投入运营。")[0] == "经开区管委会"
    assert _units("经开区管委会负责建设跨境电商产业园。")[0] == "经开区管委会"
    assert _units("市文旅局要发挥牵头作用，会同市体育局、市财政局制定夜间消费扶持办法。") == (
        "市文旅局",
        ["市体育局", "市财政局"],
    )


def test_co_units_in_a_later_clause() -> None:
    assert _units("市人社局负责举办外贸人才招聘会，团市委、市妇联配合。") == (
        "市人社局",
        ["团市委", "市妇联"],
    )
    assert _units("市商务局牵头，市工商联、市贸促会积极参与，组织企业赴东盟参展。") == (
        "市商务局",
        ["市工商联", "市贸促会"],
    )


def test_bare_central_agency_names_are_units() -> None:
    assert _units("海关要在三季度末前推广“提前申报”模式。")[0] == "海关"
    assert _units("海关、市口岸办、市交通运输局要联合开展港口收费清理。") == (
        "海关",
        ["市口岸办", "市交通运输局"],
    )
    assert _units("市商务局要会同海关、税务、外汇等部门，落实跨境贸易便利化措施。") == (
        "市商务局",
        ["海关", "税务部门", "外汇部门"],
    )


# --- 12. a bureau's own offices as labels -----------------------------------------------


def test_office_labels_name_the_lead_and_co_units() -> None:
    text = (
        "2026年市商务局工作要点\n"
        "1.组织外贸企业参加广交会，全年参展企业200家次。（责任科室：外贸科；配合科室：财务科）\n"
        "2.开展服务贸易统计监测，按季度形成分析报告。（责任处室：服务贸易处）\n"
        "3.推进老字号企业数字化改造，年内完成20家。\n"
        "牵头科室：流通发展科\n"
        "配合科室：市场运行科\n"
    )
    candidates = _run(text)
    fair = _find(candidates, "广交会")
    assert (fair.lead_unit, fair.co_units) == ("外贸科", ["财务科"])
    assert _find(candidates, "服务贸易统计").lead_unit == "服务贸易处"
    brands = _find(candidates, "老字号")
    assert (brands.lead_unit, brands.co_units) == ("流通发展科", ["市场运行科"])
    assert len(candidates) == 3


# --- 16. text typed with ASCII punctuation ----------------------------------------------


def test_ascii_punctuation_does_not_end_the_wording_and_a_duty_clause_is_kept() -> None:
    text = (
        "1. 市商务局要在6月底前完成重点外资企业走访,形成诉求清单.\n"
        "2. 市投资促进局要于三季度末前办结全部外资企业诉求!\n"
        "3. 各县(市,区)政府要在年底前建成便民生活圈;市商务局负责统筹调度.\n"
    )
    candidates = _run(text)
    assert [c.text for c in candidates] == [
        "市商务局要在6月底前完成重点外资企业走访,形成诉求清单",
        "市投资促进局要于三季度末前办结全部外资企业诉求",
        "各县(市,区)政府要在年底前建成便民生活圈",
        "市商务局负责统筹调度",
    ]
    assert candidates[2].lead_unit == "各县(市,区)政府"  # as written
    assert candidates[3].lead_unit == "市商务局"


# --- 11. 次年 and 下月 ---------------------------------------------------------------------


def test_next_year_and_next_month_phrases() -> None:
    july = dt.date(2026, 7, 15)
    cases = {
        "市审计局要在次年2月底前完成专项审计": (dt.date(2027, 2, 28), "次年2月底前"),
        "次年3月": (dt.date(2027, 3, 31), "次年3月"),
        "市统计局要于下月8日前报送统计快报": (dt.date(2026, 8, 8), "下月8日前"),
        "各园区要在下个月底前完成自查": (dt.date(2026, 8, 31), "下个月底前"),
    }
    for sentence, (date, text) in cases.items():
        found = parse_deadline(sentence, july)
        assert found is not None and (found.date, found.text) == (date, text), sentence
    december = parse_deadline("下月底前报送年度总结", dt.date(2026, 12, 3))
    assert december is not None and december.date == dt.date(2027, 1, 31)


# --- 7. the meeting's own date in minutes -------------------------------------------------


def test_meeting_date_opening_minutes_is_not_a_deadline_or_a_task() -> None:
    day = dt.date(2026, 6, 9)
    text = (
        "6月9日，副市长张某主持召开口岸工作专题会议，研究部署口岸提效降费工作。现纪要如下：\n"
        "一、市口岸办要在7月底前完成口岸收费目录清单公示。\n"
    )
    candidates = _run(text, day)
    assert [(c.text, c.deadline) for c in candidates] == [
        ("市口岸办要在7月底前完成口岸收费目录清单公示", dt.date(2026, 7, 31))
    ]
    assert parse_deadline("2026年6月9日，市政府召开常务会议，研究外资工作。", day) is None
    later = parse_deadline("2026年6月20日，各县区完成自查。", day)
    assert later is not None and later.date == dt.date(2026, 6, 20)


# --- 6. titles of documents and attachments -----------------------------------------------


def test_titles_are_not_tasks() -> None:
    assert _run("关于加快发展农村电子商务的实施意见") == []
    text = (
        "关于加快推进县域商业体系建设工作的通知\n"
        "各县（市、区）商务局：\n"
        "一、各县（市、区）商务局要在5月底前报送县域商业网点规划。\n"
        "附件：\n"
        "县域商业体系建设重点任务清单\n"
        "1.市商务局要在8月底前完成乡镇商贸中心改造验收。\n"
        "附件2：进一步优化消费环境若干措施责任分工\n"
    )
    assert [c.text for c in _run(text)] == [
        "各县（市、区）商务局要在5月底前报送县域商业网点规划",
        "市商务局要在8月底前完成乡镇商贸中心改造验收",
    ]


def test_a_single_untitled_line_is_still_a_task() -> None:
    assert [c.text for c in _run("制定跨境电商发展实施方案")] == ["制定跨境电商发展实施方案"]


# --- 8. a table's deadline column against an annual target in the task cell --------------


def test_deadline_column_wins_over_an_annual_target_in_the_task() -> None:
    rows = [
        ["序号", "工作任务", "牵头单位", "完成时限"],
        ["1", "培育外贸综合服务企业，全年新增10家", "市商务局", "2026年9月底前"],
        ["2", "开通国际货运航线，全年新开2条", "市口岸办", "到2027年"],
        ["3", "推进边民互市贸易，全年交易额突破5亿元", "市商务局", ""],
    ]
    found = decompose_table(rows, doc_date=DOC_DATE, units=[])
    assert [c.deadline for c in found] == [
        dt.date(2026, 9, 30),
        dt.date(2027, 12, 31),
        dt.date(2026, 12, 31),
    ]


# --- 15. clauses that only exhort --------------------------------------------------------


def test_generic_exhortations_are_not_tasks() -> None:
    text = (
        "关于做好2026年促消费工作的通知\n"
        "一、强化组织保障，确保各项措施落到实处\n"
        "（一）市商务局要在4月底前制定汽车消费补贴实施细则。\n"
        "二、各县（市、区）要按照职责分工，认真抓好落实。\n"
        "三、各级各部门要牢固树立“一盘棋”思想，坚决克服形式主义、官僚主义。\n"
        "四、一是要压实属地责任；二是要加强督导检查；三是要营造浓厚氛围。\n"
        "五、市商务局要建立促消费活动台账，每月5日前报送活动开展情况。"
        "要加强统筹协调，确保工作取得实效。（责任单位：市商务局）\n"
        "现将工作任务分解如下，请各责任单位抓好落实。\n"
    )
    candidates = _run(text)
    assert [c.text for c in candidates] == [
        "市商务局要在4月底前制定汽车消费补贴实施细则",
        "市商务局要建立促消费活动台账，每月5日前报送活动开展情况",
    ]


def test_an_exhortation_opening_concrete_measures_is_a_task() -> None:
    """ "各县区要高度重视，把…纳入…，成立工作专班，建立…机制": the exhortation only opens the
    sentence; the measures after it are the task. A sentence of exhortations alone is not."""
    tasks = _run(
        "各县区要高度重视，把外贸稳增长纳入年度重点工作，成立工作专班，建立企业包联机制。\n"
        "各单位要高度重视，提高政治站位，切实加强组织领导，确保各项工作落到实处。"
    )
    assert [t.text for t in tasks] == [
        "各县区要高度重视，把外贸稳增长纳入年度重点工作，成立工作专班，建立企业包联机制"
    ]


def test_a_reporting_task_drops_the_contact_after_it() -> None:
    """A notice ends its reporting duty with whom to call: the contact is no part of the task."""
    [task] = _run(
        "各县（市、区）于每月5日前将上月工作进展报市商务局，联系人：王五，电话：0371-1234567。"
    )
    assert task.text == "各县（市、区）于每月5日前将上月工作进展报市商务局"
    assert task.recurring


def test_a_supervision_notice_lists_its_items_with_their_label_lines() -> None:
    """A 督办通知: "督办事项：…" then "承办单位：…" and "办理时限：…" on their own lines; the
    closing "请承办单位按时限要求办结…" asks whoever handles each item, no task of its own."""
    text = (
        "市商务局、示范海关：\n"
        "现将市长办公会议需要你单位落实的事项督办如下：\n"
        "一、督办事项：加快冷链物流园建设，确保5月底前首批企业入驻。\n"
        "承办单位：市商务局\n"
        "办理时限：2026年5月31日\n"
        "二、督办事项：推进加工贸易保税监管模式改革。\n"
        "承办单位：示范海关\n"
        "办理时限：2026年6月30日\n"
        "请承办单位按时限要求办结，并将办理结果书面报市政府督查室。\n"
    )
    tasks = _run(text)
    assert [(t.text, t.lead_unit, str(t.deadline)) for t in tasks] == [
        ("加快冷链物流园建设，确保5月底前首批企业入驻", "市商务局", "2026-05-31"),
        ("推进加工贸易保税监管模式改革", "示范海关", "2026-06-30"),
    ]


def test_safeguard_items_that_set_up_fund_or_review_are_tasks() -> None:
    """A plan's 保障措施: "成立…领导小组", "市财政每年安排…专项资金", "市商务局每半年对…进行评估"
    are work someone does, on a cycle when the text gives one."""
    text = (
        "三、保障措施\n"
        "（一）加强组织领导。成立市服务贸易发展领导小组，由分管副市长任组长，统筹推进全市服务贸易发展。\n"
        "（二）加强监测评估。市商务局每半年对服务贸易发展情况进行评估，评估结果报市政府。\n"
    )
    group, review = _run(text, doc_date=dt.date(2026, 3, 1))
    assert group.text.startswith("成立市服务贸易发展领导小组")
    assert review.lead_unit == "市商务局"
    assert review.recurring and review.deadline == dt.date(2026, 6, 30)


def test_a_task_ending_with_an_exhortation_is_kept() -> None:
    [task] = _run("市商务局要牵头制定夜间经济扶持办法，确保政策落到实处。")
    assert task.text == "市商务局要牵头制定夜间经济扶持办法，确保政策落到实处"


# --- 13. a paragraph right after a table ---------------------------------------------------


def test_closing_paragraph_after_a_table_is_a_task() -> None:
    table = (
        "序号\t工作任务\t牵头单位\t完成时限\n1\t建设二手车出口服务中心\t市商务局\t2026年9月底前\n"
    )
    for closing in (
        "各牵头单位要于每季度末将任务进展报市商务局。",
        "各牵头单位每月5日前报送进展情况",
    ):
        found = _run("现将任务分解如下：\n" + table + closing)
        assert [c.text for c in found][-1] == closing.rstrip("。")
        assert found[-1].lead_unit == "各牵头单位"


# --- 10. month phrases in a year-end document ---------------------------------------------


def test_year_end_document_speaks_of_next_year() -> None:
    december = dt.date(2026, 12, 18)
    expected = {
        "4月底前完成商圈改造方案": dt.date(2027, 4, 30),
        "上半年建成冷链物流中心": dt.date(2027, 6, 30),
        "三季度末前完成验收": dt.date(2027, 9, 30),
        "年底前完成": dt.date(2026, 12, 31),
        "12月25日前报送总结": dt.date(2026, 12, 25),
        "2026年3月底前": dt.date(2026, 3, 31),
    }
    for phrase, date in expected.items():
        found = parse_deadline(phrase, december)
        assert found is not None and found.date == date, phrase
    november = parse_deadline("9月底前完成", dt.date(2026, 11, 2))
    assert november is not None and november.date == dt.date(2026, 9, 30)


# --- 18. smaller deadline forms ----------------------------------------------------------


def test_quarterly_first_month_half_yearly_standards_and_annual_targets() -> None:
    day = dt.date(2026, 4, 28)
    first_month = parse_deadline("各县区每季度首月15日前报送上季度招商情况", day)
    assert first_month is not None and first_month.recurring
    assert (first_month.date, first_month.recurrence) == (
        dt.date(2026, 7, 15),
        "quarterly:first-15",
    )
    half = parse_deadline("各开发区每半年末报送运行分析", day)
    assert half is not None and half.recurring and half.date == dt.date(2026, 6, 30)
    assert parse_deadline("将工程建设项目审批时间压缩至15个工作日内", day) is None
    assert parse_deadline("不动产登记办理时间缩短至3天内", day) is None
    for target in ("全年新设外资企业40家", "全年实际使用外资2亿美元以上"):
        found = parse_deadline(target, day)
        assert found is not None and found.date == dt.date(2026, 12, 31), target


# --- 9. a two-level table header ---------------------------------------------------------


def test_two_level_header_reads_lead_and_co_columns() -> None:
    rows = [
        ["序号", "重点任务", "责任单位", "责任单位", "完成时限"],
        ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
        ["1", "建设进口商品展销中心", "市商务局", "市财政局、市市场监管局", "2026年10月底前"],
        ["2", "开展外贸主体培育行动", "市商务局", "各县（市、区）政府", "年内"],
    ]
    found = decompose_table(rows, doc_date=DOC_DATE, units=[])
    assert [(c.text, c.lead_unit, c.co_units) for c in found] == [
        ("建设进口商品展销中心", "市商务局", ["市财政局", "市市场监管局"]),
        ("开展外贸主体培育行动", "市商务局", ["各县（市、区）政府"]),
    ]


# --- 19. two addressees in one sentence ----------------------------------------------------


def test_a_clause_with_another_unit_as_subject_is_a_second_task() -> None:
    text = (
        "强化考核评价，市统计局要将消费指标纳入季度监测，"
        "各县（市、区）政府每月5日前将促消费活动开展情况报市商务局。"
    )
    first, second = _run(text)
    assert (first.text, first.lead_unit, first.deadline) == (
        "强化考核评价，市统计局要将消费指标纳入季度监测",
        "市统计局",
        None,
    )
    assert second.text == "各县（市、区）政府每月5日前将促消费活动开展情况报市商务局"
    assert second.lead_unit == "各县（市、区）政府" and second.recurring


def test_helpers_and_annotations_do_not_split() -> None:
    assert len(_run("市商务局牵头，市工商联、市贸促会积极参与，组织企业赴东盟参展。")) == 1
    [ledger] = _run("市招商局要对签约项目逐一梳理，9月底前全部建立台账。")
    assert ledger.lead_unit == "市招商局"
    annotated = (
        "推进口岸提效，海关要压缩通关时间，市口岸办要在6月底前完成收费清理。（牵头单位：市口岸办）"
    )
    assert len(_run(annotated)) == 1


# --- 14. Word's automatic numbering --------------------------------------------------------


def _numbered_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("2026年市商务局工作要点")
    document.add_paragraph("扩大有效投资，增强发展后劲", style="List Number")
    document.add_paragraph("强化项目招引。", style="List Number 2")
    document.add_paragraph("举办跨境电商招商推介会，全年签约项目10个。", style="List Number 3")
    document.add_paragraph("5月底前建成重点项目调度平台。", style="List Number 3")
    document.add_paragraph("加强要素保障。", style="List Number 2")
    document.add_paragraph("建立用地指标周转机制，年内保障项目用地300亩。", style="List Number 3")
    document.add_paragraph("持续优化营商环境", style="List Number")
    document.add_paragraph("推行涉企检查“综合查一次”改革。", style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_word_numbering_gives_the_outline() -> None:
    text = read_docx(_numbered_docx()).text
    assert text.split("\n")[1:8] == [
        "一、扩大有效投资，增强发展后劲",
        "（一）强化项目招引。",
        "1.举办跨境电商招商推介会，全年签约项目10个。",
        "2. 5月底前建成重点项目调度平台。",
        "（二）加强要素保障。",
        "1.建立用地指标周转机制，年内保障项目用地300亩。",
        "二、持续优化营商环境",
    ]
    assert text.endswith("\n推行涉企检查“综合查一次”改革。")  # a bullet has no number
    tasks = _run(text)
    assert not any(c.text in ("扩大有效投资，增强发展后劲", "强化项目招引") for c in tasks)
    assert _find(tasks, "招商推介会").section == "（一）强化项目招引"


def test_group_addressee_keeps_its_department() -> None:
    [report] = _run("各县区商务主管部门每月10日前报送上月消费运行分析。")
    assert report.lead_unit == "各县区商务主管部门"
    [county] = _run("各县（市、区）商务局每月10日前报送上月消费运行分析。")
    assert county.lead_unit == "各县（市、区）商务局"


def test_a_period_before_organise_or_carry_out_is_a_deadline() -> None:
    day = dt.date(2026, 3, 2)
    organised = parse_deadline("二季度组织企业赴东盟开展经贸对接活动", day)
    assert organised is not None and organised.date == dt.date(2026, 6, 30)
    carried = parse_deadline("下半年开展外贸企业合规培训", day)
    assert carried is not None and carried.date == dt.date(2026, 12, 31)
    assert parse_deadline("截至一季度组织企业参展20批次", day) is None
