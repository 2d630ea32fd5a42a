"""The monthly briefing: read back with python-docx, its headline equal to `kaifang
trade-stats`; the official layout; archived versions; download through the gate; LibreOffice
converts it."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from decimal import ROUND_HALF_UP
from decimal import Decimal as D
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from kaifang.reports.actions import briefing_generate
from kaifang.reports.briefing import change
from kaifang.reports.models import Briefing

pytestmark = pytest.mark.django_db


def _stats(flow: str) -> dict[str, object]:
    out = StringIO()
    call_command(
        "trade-stats",
        "--year",
        "2025",
        "--month",
        "3",
        "--by",
        "district",
        "--currency",
        "cny",
        "--flow",
        flow,
        "--json",
        stdout=out,
    )
    return json.loads(out.getvalue())["total"]


def _yi(text: object) -> str:
    value = (D(str(text)) / D(100_000_000)).quantize(D("0.1"), rounding=ROUND_HALF_UP)
    return f"{value:.1f}"


def _pct(text: object) -> str:
    return change(D(str(text)))


def test_change_phrases():
    assert change(D("12.34")) == "增长12.3%"
    assert change(D("-5.06")) == "下降5.1%"
    assert change(D("0.04")) == "与上年同期持平"


def test_command_writes_a_briefing_whose_headline_equals_trade_stats(
    trade_data, seeded, tmp_path: Path
):
    out_file = tmp_path / "月报.docx"
    annex = tmp_path / "附表.xlsx"
    call_command(
        "briefing",
        "--year",
        "2025",
        "--month",
        "3",
        "--out",
        str(out_file),
        "--annex",
        str(annex),
        stdout=StringIO(),
    )
    document = Document(str(out_file))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "对外开放工作月报"
    assert texts[1].startswith("2025年第3期")
    lead = texts[2]
    total, export, import_ = _stats("total"), _stats("export"), _stats("import")
    expected = f"1—3月，全市进出口总值{_yi(total['ytd'])}亿元，同比{_pct(total['yoy_pct'])}"
    assert lead.startswith(expected)
    assert f"其中，出口{_yi(export['ytd'])}亿元，{_pct(export['yoy_pct'])}；" in lead
    assert f"进口{_yi(import_['ytd'])}亿元，{_pct(import_['yoy_pct'])}。" in lead
    assert total["yoy_pct"].startswith("81.81")  # 400 vs 220 USD
    headings = [
        t for t in texts if t[:2] in ("一、", "二、", "三、", "四、", "五、", "九、", "十、")
    ]
    assert "一、外贸进出口" in headings and "十、督查督办" in headings
    assert any(t.startswith("十一、企业诉求办理") for t in texts)
    # fonts: body 仿宋, headings 黑体, the number line under a red rule, page numbers
    body = document.paragraphs[2].runs[0]
    assert body.font.name == "仿宋_GB2312"
    heading = next(p for p in document.paragraphs if p.text == "一、外贸进出口")
    assert heading.runs[0].font.name == "黑体"
    footer_xml = document.sections[0].footer._element.xml
    assert "PAGE" in footer_xml
    assert len(document.tables) >= 8
    # the charts, as pictures with their captions below: months, markets, districts, peers
    captions = [t for t in texts if t.startswith("图")]
    assert captions == [
        "图1　1—3月全市月度进出口",
        "图2　1—3月分国别（地区）分组进出口",
        "图3　1—3月各县区进出口",
        "图4　1—3月对标地区进出口增速",
    ]
    assert len(document.inline_shapes) == 4
    # the annex holds every table of the document
    book = load_workbook(str(annex))
    assert len(book.sheetnames) == len(document.tables)
    first = book[book.sheetnames[0]]
    assert str(first.cell(row=1, column=1).value).startswith("表1")


def test_official_series_is_the_briefing_headline_when_present(trade_data, seeded, tmp_path):
    import datetime as dt

    from kaifang.indicators.models import OfficialTrade

    for period, value in (
        (dt.date(2025, 3, 1), D(300_000_000)),
        (dt.date(2024, 3, 1), D(200_000_000)),
    ):
        OfficialTrade.objects.create(period=period, flow="export", value_cny=value)
    out_file = tmp_path / "b.docx"
    call_command(
        "briefing", "--year", "2025", "--month", "3", "--out", str(out_file), stdout=StringIO()
    )
    lead = Document(str(out_file)).paragraphs[2].text
    assert lead.startswith("1—3月，全市进出口总值3.0亿元，同比增长50.0%")


def test_regenerating_keeps_the_previous_version_and_download_is_gated(
    trade_data, seeded, city, client: Client
):
    first = briefing_generate(year=2025, month=3, actor=city.officer)
    second = briefing_generate(year=2025, month=3, actor=city.officer)
    first.refresh_from_db()
    assert (first.version, first.is_current) == (1, False)
    assert (second.version, second.is_current) == (2, True)
    assert Briefing.objects.count() == 2
    client.force_login(city.leader)
    response = client.get(reverse("reports:briefing_download", args=[second.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert Document(io.BytesIO(content)).paragraphs[0].text == "对外开放工作月报"
    assert "filename*=utf-8''" in response["Content-Disposition"]
    client.force_login(city.district_b_user)
    assert client.get(reverse("reports:briefing_download", args=[second.pk])).status_code == 404
    assert client.get(reverse("reports:briefing_annex", args=[first.pk])).status_code == 404
    listing = client.get(reverse("reports:briefing_list")).content.decode()
    assert "第2版" not in listing
    assert (
        client.post(reverse("reports:briefing_generate"), {"year": 2025, "month": 3}).status_code
        == 403
    )
    client.logout()
    assert client.get(reverse("reports:briefing_list")).status_code == 302


def test_generate_runs_as_a_job(trade_data, seeded, city, client: Client, settings):
    from kaifang.core import jobs
    from kaifang.core.models import Job

    client.force_login(city.officer)
    response = client.post(reverse("reports:briefing_generate"), {"year": 2025, "month": 3})
    assert response.status_code == 302
    job = Job.objects.get(kind="reports.briefing")
    jobs.run(str(job.pk))
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert Briefing.objects.get().created_by == city.officer


LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")


@pytest.mark.skipif(
    LIBREOFFICE is None, reason="LibreOffice 未安装（apt-get install libreoffice-writer）"
)
def test_libreoffice_converts_the_briefing_to_pdf(trade_data, seeded, tmp_path: Path):
    out_file = tmp_path / "briefing.docx"
    call_command(
        "briefing", "--year", "2025", "--month", "3", "--out", str(out_file), stdout=StringIO()
    )
    profile = tmp_path / "lo-profile"
    result = subprocess.run(  # noqa: S603 (a fixed binary and our own file)
        [
            str(LIBREOFFICE),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(out_file),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    pdf = tmp_path / "briefing.pdf"
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")


def test_platforms_and_parks_section_and_numbering(trade_data, seeded, city, tmp_path: Path):
    import datetime as dt

    import time_machine

    from kaifang.zones import actions as zone_actions
    from kaifang.zones.actions import parks as park_actions
    from kaifang.zones.tests.conftest import make_zone

    zone = make_zone(city)
    zone_actions.milestone_add(
        actor=city.officer, platform=zone.platform, title="海关验收", due=dt.date(2025, 3, 1)
    )
    park_actions.park_output_set(
        actor=city.officer, park=zone.park, year=2025, output=D("120"), target=D("150")
    )
    zone_actions.platform_create(
        actor=city.officer,
        name="西城保税物流中心",
        kind=zone.platform.kind,
        status="suspended",
        status_on=dt.date(2025, 2, 1),
        district=city.district_a,
    )
    dropped = zone_actions.project_create(
        actor=city.officer,
        name="西城外资物流项目",
        direction="inbound",
        investor="某某物流集团",
        district=city.district_a,
        officer=city.officer,
        lead_on=dt.date(2025, 1, 6),
    )
    zone_actions.project_move(
        actor=city.officer,
        project=dropped,
        stage="terminated",
        on=dt.date(2025, 2, 3),
        note="投资方战略调整",
    )
    out_file = tmp_path / "b.docx"
    with time_machine.travel(dt.datetime(2025, 4, 10, 9, tzinfo=dt.UTC), tick=False):
        call_command(
            "briefing", "--year", "2025", "--month", "3", "--out", str(out_file), stdout=StringIO()
        )
    document = Document(str(out_file))
    texts = [p.text for p in document.paragraphs]
    start = texts.index("八、开放平台和园区")
    section = texts[start : texts.index("九、与对标城市比较")]
    assert section[1] == (
        "截至4月10日，全市开放平台2个，其中运营0个、建设0个、获批0个、申建0个、谋划1个、"
        "暂缓1个；"
        "今年完成节点0个，逾期未完成1个。"
    )
    assert section[2] == (
        "全市园区1个，其中千亿级目标园区0个（已达0个）、百亿级目标园区1个（已达1个）；"
        "2025年已报营业收入/产值120.0亿元，完成目标150.0亿元的80.0%。"
    )
    # the stages add up to the total (终止 named); 停滞 counts among the projects still pushed
    assert section[3] == (
        "招商项目2个，其中线索和洽谈1个、签约和注册0个、开工0个、投产/运营0个、终止1个；"
        "在推进的1个项目中停滞0个。"
    ), section[3]
    platforms = next(t for t in document.tables if t.rows[0].cells[0].text == "平台")
    assert [c.text for c in platforms.rows[1].cells] == [
        "东城中欧班列集结中心",
        "谋划",
        "海关验收",
        "2025-03-01",
        "逾期",
    ]
    # 表1, 表2 … numbered in print order, with no gap
    captions = [t for t in texts if t.startswith("表")]
    assert [c.split("　")[0] for c in captions] == [f"表{i}" for i in range(1, len(captions) + 1)]
    assert "表11　开放平台及下一节点" in captions and "表12　园区2025年营业收入/产值" in captions


def test_yoy_clause_does_not_say_tongbi_twice():
    from kaifang.reports.briefing import yoy

    assert yoy(D("7.46")) == "同比增长7.5%"
    assert yoy(D("-2")) == "同比下降2.0%"
    assert yoy(D("0")) == "与上年同期持平"
    assert yoy(None) == "上年同期无可比数据"


def test_a_count_indicator_prints_whole_and_a_missing_yoy_reads_plainly(
    trade_data, seeded, tmp_path: Path
):
    """新设外资企业 is counted in 家: 51家, never 51.0家; with no figure a year before the
    sentence says 上年同期无可比数据, not 同比上年同期无可比数据."""
    import datetime as dt

    from django.utils import timezone

    from kaifang.indicators.models import Indicator, IndicatorValue

    new_fie = Indicator.objects.get(code="new_fie")
    retail = Indicator.objects.get(code="retail")
    city_region = seeded["city"]
    for indicator, ytd, yoy in ((new_fie, D("51"), None), (retail, D("1542.04"), D("8.26"))):
        IndicatorValue.objects.create(
            indicator=indicator,
            region=city_region,
            period=dt.date(2025, 3, 1),
            month_value=ytd / 3,
            ytd_value=ytd,
            ytd_yoy_pct=yoy,
            entered_at=timezone.now(),
        )
    out_file = tmp_path / "b.docx"
    call_command(
        "briefing", "--year", "2025", "--month", "3", "--out", str(out_file), stdout=StringIO()
    )
    document = Document(str(out_file))
    texts = [p.text for p in document.paragraphs]
    assert "1—3月，全市新设外资企业数51家，上年同期无可比数据。" in texts
    assert "1—3月，全市社会消费品零售总额1542.0亿元，同比增长8.3%。" in texts
    table = next(
        t
        for t in document.tables
        if t.rows[0].cells[0].text == "指标"
        and any(r.cells[0].text == "新设外资企业数" for r in t.rows)
    )
    row = next(r for r in table.rows if r.cells[0].text == "新设外资企业数")
    assert [c.text for c in row.cells][1:4] == ["家", "17", "51"]
