"""Measures closed by a responsibility bracket, on text we wrote: a State Council style plan puts
"（X负责）" after each measure, and the sentences the bracket closes are that one measure (its
title, its details, its dated step), not one task per sentence. Pure: no database."""

from __future__ import annotations

import datetime as dt

from kaifang.supervision.decompose import Candidate, UnitRef, decompose

DOC = dt.date(2026, 3, 20)
TREE = [UnitRef("示范市商务局", ("市商务局",)), UnitRef("示范海关", ())]


def run(text: str) -> list[Candidate]:
    return decompose(text, doc_date=DOC, units=TREE)


PLAN = (
    "二、重点任务\n"
    "（一）推动外贸提质升级，培育竞争新优势。壮大外贸经营主体，提升企业国际化经营能力。"
    "实施外贸主体培育行动，建立重点企业联系清单。2026年9月底前，完成首批外贸综合服务企业认定。"
    "（市商务局牵头，示范海关参与）\n"
    "完善跨境电商服务体系，拓展线上销售渠道。对新设跨境电商企业，逐户上门指导备案登记。"
    "支持企业在重点市场建设海外仓。（市商务局负责）推广“跨境电商+产业带”模式，培育一批出口品牌。"
    "（市商务局、市市场监管局负责）\n"
)


def test_the_sentences_a_bracket_closes_are_one_measure() -> None:
    first, second, third = run(PLAN)
    assert first.text.startswith("壮大外贸经营主体，提升企业国际化经营能力：实施外贸主体培育行动")
    assert "完成首批外贸综合服务企业认定" in first.text
    assert (first.lead_unit, first.co_units) == ("示范市商务局", ["示范海关"])
    assert first.deadline == dt.date(2026, 9, 30)
    assert first.section == "（一）推动外贸提质升级，培育竞争新优势"
    assert second.text.startswith("完善跨境电商服务体系，拓展线上销售渠道：")
    assert "逐户上门指导备案登记" in second.text and "海外仓" in second.text
    assert "负责" not in second.text
    assert second.lead_unit == "示范市商务局" and second.co_units == []
    assert third.text == "推广“跨境电商+产业带”模式，培育一批出口品牌"
    assert (third.lead_unit, third.co_units) == ("示范市商务局", ["市市场监管局"])


def test_each_bracket_of_a_paragraph_closes_its_own_measure() -> None:
    text = (
        "夯实口岸通关基础。推行“提前申报”模式。压缩整体通关时间。（示范海关负责）"
        "建设国际贸易“单一窗口”地方特色应用。（市商务局负责）"
    )
    tasks = run(text)
    assert [t.lead_unit for t in tasks] == ["示范海关", "示范市商务局"]
    assert tasks[0].text == "推行“提前申报”模式。压缩整体通关时间"
    assert tasks[0].section == "夯实口岸通关基础"


def test_a_numbered_item_with_a_short_title_still_lists_its_measures() -> None:
    text = "3.优化市场准入。推进经营主体服务码应用。推行市场准入一体化登记。（牵头单位：市商务局）"
    assert [t.text[:6] for t in run(text)] == ["推进经营主体", "推行市场准入"]
