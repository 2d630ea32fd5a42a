"""Decomposition on documents it was not built from, through `kaifang decompose --json` with the
demo city's unit directory: a bureau's 局长办公会 minutes, a city work plan with （一）…（六） and
1. 2. items, a vice-mayor's two-sentence 批示, and a .docx 任务分解表 built here.

The texts are written for these tests in the official style (not copies of real documents)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest
from django.core.management import call_command

from kaifang.core import demo

FIXTURES = Path(__file__).parent / "fixtures"
EXHORTATIONS = ("提高认识", "责任感", "政治站位", "高度重视", "使命感")

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_units(db: None) -> None:
    demo.run(only={"city"}, log=lambda _: None)


def run(path: Path, date: str) -> list[dict]:
    out = io.StringIO()
    call_command("decompose", str(path), "--date", date, "--json", stdout=out)
    rows = json.loads(out.getvalue())
    for row in rows:
        assert set(row) == {
            "text", "source_sentence", "lead_unit", "co_units", "deadline", "deadline_text",
            "recurring", "units_in_tree", "milestones", "warnings",
        }  # fmt: skip
        names = [row["lead_unit"], *row["co_units"]]
        assert set(row["units_in_tree"]) <= set(names)
        assert not any(word in row["text"] for word in EXHORTATIONS), row["text"]
    return rows


def find(rows: list[dict], words: str) -> dict:
    hits = [row for row in rows if words in row["text"]]
    assert len(hits) == 1, (words, [r["text"] for r in rows])
    return hits[0]


def test_bureau_meeting_minutes(demo_units):
    rows = run(FIXTURES / "minutes-bureau-office-meeting.txt", "2026-04-09")
    texts = " ".join(r["text"] for r in rows)
    # Lead-ins, the retrospective report and the closing exhortation are not tasks.
    assert "纪要如下" not in texts and "以下事项" not in texts
    assert "同比增长" not in texts and "各科室" not in texts
    orders = find(rows, "重点企业订单")
    assert orders["lead_unit"] == "外贸科"
    assert "示范海关" in orders["co_units"]
    assert orders["recurring"] is True and orders["deadline_text"] == "每月10日前"
    zone = find(rows, "申报材料")
    assert zone["lead_unit"] == "开放平台科"
    assert zone["co_units"] == ["示范市发展和改革委员会", "示范市自然资源和规划局"]
    assert (zone["deadline"], zone["deadline_text"]) == ("2026-06-30", "6月底前")
    # Item 三 holds two tasks split at "；": the closing annotation covers both.
    plan = find(rows, "消费季活动方案")
    trade_in = find(rows, "以旧换新")
    for row in (plan, trade_in):
        assert row["lead_unit"] == "消费促进科"
        assert row["co_units"] == ["东城区商务局", "西城区商务局", "南湖区商务局"]
    assert plan["deadline"] == "2026-04-25"
    ecommerce = find(rows, "跨境电商产业园招商")
    assert ecommerce["lead_unit"] == "电子商务科"
    assert ecommerce["co_units"] == ["高新区经济发展局"]
    assert ecommerce["deadline"] == "2026-12-31"
    assert len(rows) == 5


def test_city_work_plan(demo_units):
    rows = run(FIXTURES / "plan-city-opening-up.txt", "2026-03-20")
    texts = " ".join(r["text"] for r in rows)
    assert "制定本方案" not in texts  # the purpose clause
    assert "组织领导" not in texts  # an exhortation under 保障措施
    # One task per numbered item: its short title and the details on the same line.
    zone = find(rows, "加快综合保税区申建")
    assert zone["text"].startswith("加快综合保税区申建：完善申报材料")
    assert zone["lead_unit"] == "示范综合保税区管委会"
    assert zone["co_units"] == ["示范市商务局", "示范海关"]
    assert (zone["deadline"], zone["deadline_text"]) == ("2026-09-30", "2026年9月底前")
    expected = {
        "提升口岸功能": ("示范市口岸和物流办公室", "2026-12-31", "年内"),
        "扩大跨境电商规模": ("示范市商务局", "2026-06-30", "上半年"),
        "开展产业链精准招商": ("中德产业园管委会", "2026-12-31", "下半年"),
        "健全境外投资服务体系": ("示范市商务局", "2027-03-31", "明年3月底前"),
        "提升通关便利化水平": ("示范海关", "2026-12-31", "2026年12月31日前"),
        "打造城市消费新场景": ("示范市商务局", "2026-09-30", "三季度末前"),
    }
    for title, (lead, deadline, phrase) in expected.items():
        row = find(rows, title)
        assert (row["lead_unit"], row["deadline"], row["deadline_text"]) == (
            lead,
            deadline,
            phrase,
        ), row
    assert find(rows, "健全境外投资服务体系")["co_units"] == ["国家外汇管理局示范市分局"]
    reporting = find(rows, "每月23日前")
    assert reporting["recurring"] is True
    # The overall target has a deadline and is kept for review, without a unit.
    target = find(rows, "进出口总额突破600亿元")
    assert (target["deadline"], target["lead_unit"]) == ("2026-12-31", None)
    assert len(rows) == 10


def test_leaders_instruction(demo_units):
    rows = run(FIXTURES / "instruction-vice-mayor.txt", "2026-04-20")
    assert len(rows) == 2
    study, approval = rows
    assert study["text"].startswith("请市商务局会同市发改委")
    assert study["lead_unit"] == "示范市商务局"
    assert study["co_units"] == ["示范市发展和改革委员会"]
    assert (study["deadline"], study["deadline_text"]) == ("2026-05-15", "5月15日前")
    # The second sentence is addressed to the same units as the first.
    assert approval["lead_unit"] == "示范市商务局"
    assert (approval["deadline"], approval["deadline_text"]) == ("2026-12-31", "年内")


def test_docx_decomposition_table(demo_units, tmp_path: Path):
    document = docx.Document()
    document.add_paragraph("2026年全市开放型经济重点任务分解表")
    rows = [
        ["序号", "重点任务", "牵头单位", "责任单位", "完成时限"],
        ["1", "推进示范综合保税区申建并通过验收", "市商务局", "综保区管委会、市发改委",
         "2026年9月底前"],
        ["2", "实现中亚班列常态化运行", "市口岸办", "市交通运输局\n示范海关", "年底前"],
        ["3", "组织外贸企业参加广交会等重点展会", "外贸科", "东城区商务局、西城区商务局",
         "10月15日前"],
        ["4", "报送外贸运行监测数据", "外贸科", "各县区商务局", "每月23日前"],
    ]  # fmt: skip
    table = document.add_table(rows=len(rows), cols=5)
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    document.add_paragraph("各责任单位要高度重视，切实增强责任感。")
    path = tmp_path / "分解表.docx"
    document.save(str(path))

    found = run(path, "2026-03-20")
    assert [r["text"] for r in found] == [row[1] for row in rows[1:]]
    zone, rail, fair, data = found
    assert zone["lead_unit"] == "示范市商务局"
    assert zone["co_units"] == ["示范综合保税区管委会", "示范市发展和改革委员会"]
    assert zone["deadline"] == "2026-09-30"
    assert rail["lead_unit"] == "示范市口岸和物流办公室"
    assert rail["co_units"] == ["示范市交通运输局", "示范海关"]
    assert (rail["deadline"], rail["deadline_text"]) == ("2026-12-31", "年底前")
    assert fair["lead_unit"] == "外贸科" and fair["deadline"] == "2026-10-15"
    assert data["recurring"] is True and data["deadline"] == "2026-03-23"
    assert all("推进示范综合保税区申建" in r["source_sentence"] for r in found[:1])


def test_human_output_lists_units_and_deadlines(demo_units):
    out = io.StringIO()
    call_command(
        "decompose", str(FIXTURES / "instruction-vice-mayor.txt"), "--date", "2026-04-20",
        stdout=out,
    )  # fmt: skip
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("1. 请市商务局") and "[2026-05-15]" in lines[0]
    assert "示范市发展和改革委员会" in lines[0]
