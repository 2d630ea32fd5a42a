"""Tests for kaifang.supervision.decompose.cleanup."""

from __future__ import annotations

import datetime as dt
import re

from kaifang.supervision.decompose import decompose
from kaifang.supervision.decompose.cleanup import clean_text, fold, is_scraped, rejoin_scraped


def test_sample_header_removed(speech_raw: str) -> None:
    cleaned = rejoin_scraped(speech_raw)
    assert "由会员分享" not in cleaned
    assert "第壹文秘" not in cleaned
    assert cleaned.startswith("某某市委书记在商务局调研全市对外开放工作座谈会上的讲话")


def test_sample_page_markers_removed_and_words_rejoined(speech_raw: str) -> None:
    cleaned = rejoin_scraped(speech_raw)
    assert re.search(r"\d、", cleaned) is None
    assert "完善口岸功能" in cleaned
    assert "商务局在优化营商环境方面" in cleaned
    assert "在开放视野格局、能力素养等方面" in cleaned
    assert "既善于当“老板”抓统筹、也善于当“伙计”搞配合" in cleaned
    assert "\n" not in cleaned  # eight fragments of one flowing text


def test_sample_is_scraped_and_cleaning_is_idempotent(speech_raw: str) -> None:
    assert is_scraped(speech_raw)
    cleaned = clean_text(speech_raw)
    assert clean_text(cleaned) == cleaned
    assert not is_scraped(cleaned)


def test_two_digit_pages_separated_by_blank_lines() -> None:
    fragments = [f"第{i}页的内容接着写" for i in range(1, 13)]
    raw = "\n\n".join(f"{i}、{text}" for i, text in enumerate(fragments, start=1))
    assert is_scraped(raw)
    assert clean_text(raw) == "".join(fragments)


def test_page_break_inside_a_word_without_header() -> None:
    raw = "1、要加快推进铁路口岸建设,完善口岸功\n2、能。要加快推进跨境电商\n3、通道建设。"
    assert clean_text(raw) == "要加快推进铁路口岸建设,完善口岸功能。要加快推进跨境电商通道建设。"


def test_real_numbered_list_is_kept() -> None:
    raw = "今年的工作要点：\n1、加快推进综保区申建。\n2、推动自贸大厦投用。\n3、培育外向型企业。"
    assert not is_scraped(raw)
    assert clean_text(raw) == raw


def test_list_with_header_only_drops_header() -> None:
    header = "《工作要点.docx》由会员分享,可在线阅读,更多相关请在第壹文秘上搜索。"
    raw = header + "\n一、加快推进综保区申建。"
    assert clean_text(raw) == "一、加快推进综保区申建。"


def test_whitespace_normalised() -> None:
    raw = "\ufeff\u3000\u3000第一段。  \r\n\r\n\r\n\r\n\u3000\u3000第二段。\r\n"
    assert clean_text(raw) == "第一段。\n\n第二段。"


def test_table_tabs_kept() -> None:
    raw = "序号\t任务\t牵头单位\n1\t推进综保区申建\t市商务局"
    assert clean_text(raw) == raw


def test_fold_keeps_length_and_unifies_punctuation() -> None:
    text = "完成时限:2026年6月底前(牵头单位;市商务局)，\uff11\uff12\uff13"  # full-width 123
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded == "完成时限：2026年6月底前（牵头单位；市商务局），123"


PDF_PASTE = (
    "关于进一步提升跨境贸易便利化水平的实施意见\n"
    "各县区人民政府，市政府各部门：\n"
    "一、压缩整体通关时间。海关要深化“提前申报”“两段准\n"
    "入”等改革，年底前进口整体通关时间压缩至30小时以内\n"
    "。市口岸办要会同海关、海事等部门建立通关时效监测制\n"
    "度，每季度通报一次。\n"
    "二、提升口岸信息化水平。市口岸办负责推进“智慧口岸”\n"
    "建设，11月底前完成口岸物流信息平台上线运行。\n"
)


def test_lines_hard_wrapped_by_a_pdf_are_rejoined() -> None:
    """Text copied from a PDF breaks every line at the page's width, mid-word: the sentences are
    whole again, and cleaning stays idempotent."""
    cleaned = clean_text(PDF_PASTE)
    assert cleaned.split("\n") == [
        "关于进一步提升跨境贸易便利化水平的实施意见",
        "各县区人民政府，市政府各部门：",
        "一、压缩整体通关时间。海关要深化“提前申报”“两段准入”等改革，年底前进口整体通关时间"
        "压缩至30小时以内。市口岸办要会同海关、海事等部门建立通关时效监测制度，每季度通报一次。",
        "二、提升口岸信息化水平。市口岸办负责推进“智慧口岸”建设，11月底前完成口岸物流信息平台"
        "上线运行。",
    ]
    assert clean_text(cleaned) == cleaned
    found = decompose(PDF_PASTE, doc_date=dt.date(2026, 5, 20), units=[])
    assert [(c.lead_unit, str(c.deadline)) for c in found] == [
        ("海关", "2026-12-31"),
        ("市口岸办", "2026-06-30"),  # 每季度通报一次: quarterly, due at quarter end
        ("市口岸办", "2026-11-30"),
    ]


def test_short_unpunctuated_headings_are_not_joined() -> None:
    text = (
        "2026年全市开放型经济工作要点\n"
        "一、稳外贸促升级\n"
        "（一）稳住外贸基本盘\n"
        "1.实施外贸主体培育行动，全年新增有进出口实绩企业100家以上。\n"
        "（二）加快发展外贸新业态新模式\n"
        "2.推进跨境电商综试区建设，全年跨境电商交易额增长20%以上。\n"
        "二、稳外资扩开放\n"
        "（三）提升招商引资实效\n"
        "3.开展外资招商专题活动，全年举办专题招商活动10场以上。"
    )
    assert clean_text(text) == text


def test_a_pdfs_page_footer_between_two_halves_of_a_sentence_is_dropped() -> None:
    text = PDF_PASTE.replace("入”等改革，年底前", "— 2 —\n入”等改革，年底前")
    assert clean_text(text) == clean_text(PDF_PASTE)
