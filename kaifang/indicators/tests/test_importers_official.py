"""The customs statistics platform's export: recognised from its headers (with and without
the optional columns), aggregated, routed away from the enterprise customs import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from kaifang.indicators.importers.official import OfficialError, parse_official
from kaifang.indicators.models import OfficialImport, OfficialTrade
from kaifang.trade.importers.official import OFFICIAL_MESSAGE, is_official_layout

FIXTURES = Path(__file__).parent / "fixtures"
FULL = FIXTURES / "海关统计_出口_202503.csv"
SHORT = FIXTURES / "official_import_2025.csv"


def test_layout_recognised_with_and_without_optional_columns():
    full = (
        "数据年月,商品编码,商品名称,贸易伙伴编码,贸易伙伴名称,注册地编码,注册地名称,"
        "贸易方式编码,贸易方式名称,第一数量,第一计量单位,第二数量,第二计量单位,美元"
    )
    short = (
        "数据年月,商品编码,商品名称,贸易伙伴编码,贸易伙伴名称,"
        "第一数量,第一计量单位,第二数量,第二计量单位,人民币"
    )
    assert is_official_layout(full.split(","))
    assert is_official_layout(short.split(","))
    # an enterprise column makes it enterprise records, not the official series
    assert not is_official_layout([*short.split(","), "企业名称"])
    assert not is_official_layout(["数据年月", "商品编码", "贸易伙伴编码"])  # no amount


def test_full_layout_aggregates_and_reports_bad_rows():
    result = parse_official(FULL.read_bytes(), FULL.name)
    assert result.flow == "export"  # from 出口 in the file name
    assert result.currency == "usd"
    assert result.has_mode and result.has_region
    assert result.rows_read == 5
    assert [(e.row, e.column, e.value) for e in result.errors] == [(6, "美元", "不详")]
    key = (dt.date(2025, 3, 1), "84713000", "502", "0110")
    assert result.sums[key] == D(2_000_000)  # two rows of one key summed
    assert result.total == D("2370000.5")
    assert result.periods == [dt.date(2025, 2, 1), dt.date(2025, 3, 1)]


def test_short_layout_needs_a_flow():
    with pytest.raises(OfficialError, match="进出口方向"):
        parse_official(SHORT.read_bytes(), SHORT.name)
    result = parse_official(SHORT.read_bytes(), SHORT.name, flow="import")
    assert result.currency == "cny" and not result.has_mode
    assert result.sums[(dt.date(2025, 3, 1), "85423100", "502", "")] == D(10_000_000)


@pytest.mark.django_db
def test_command_imports_and_reimport_replaces(city):
    out = StringIO()
    call_command("import-official", str(SHORT), "--flow", "import", stdout=out)
    assert OfficialTrade.objects.count() == 2
    call_command("import-official", str(SHORT), "--flow", "import", stdout=out)
    assert OfficialTrade.objects.count() == 2  # replaced, not added
    total = sum(r.value_cny for r in OfficialTrade.objects.all())
    assert total == D(16_000_000)
    assert OfficialImport.objects.count() == 2


@pytest.mark.django_db
def test_command_refuses_a_file_with_errors(city):
    with pytest.raises(CommandError, match="1 行错误"):
        call_command("import-official", str(FULL), stdout=StringIO())
    assert not OfficialTrade.objects.exists()


@pytest.mark.django_db
def test_import_customs_routes_the_official_file_here(city, trade_reference):
    with pytest.raises(CommandError) as caught:
        call_command("import-customs", str(SHORT), "--flow", "import", stdout=StringIO())
    assert str(caught.value) == OFFICIAL_MESSAGE
    assert "未找到企业标识列" not in str(caught.value)
    assert "kaifang import-official" in str(caught.value)


@pytest.mark.django_db
def test_trade_import_page_says_where_the_official_file_goes(
    city, trade_reference, client, django_capture_on_commit_callbacks
):
    from kaifang.core.tests.queue import run_queued_tasks
    from kaifang.trade.models import ImportBatch, ImportStatus

    client.force_login(city.officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/trade/imports/",
            {
                "kind": "customs",
                "file": SimpleUploadedFile(FULL.name, FULL.read_bytes()),
                "file_flow": "export",
                "source": "customs",
            },
        )
    run_queued_tasks()
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.FAILED
    page = client.get(f"/trade/imports/{batch.pk}/").content.decode()
    assert "海关统计数据平台导出的全市汇总数据" in page
    assert "未找到企业标识列" not in page
