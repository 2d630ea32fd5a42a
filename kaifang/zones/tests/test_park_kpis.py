"""A park's monthly KPIs against its annual targets: the month's grid, the Excel import (all
or nothing, row-level Chinese errors), progress and charts on the park page, the scope gate."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kaifang.core.models import AuditEntry
from kaifang.zones import selectors
from kaifang.zones.actions import parks as actions_parks
from kaifang.zones.importers.kpi import match_kpi_rows
from kaifang.zones.models import ParkKpiDefinition, ParkKpiValue, ZoneEvent

pytestmark = pytest.mark.django_db
JUNE = time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC))


def _workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "园区指标.xlsx",
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def test_rows_are_matched_to_the_kpis_with_a_reason_per_bad_row():
    rows = [
        (2, "营业收入", dt.date(2026, 1, 1), Decimal(5)),
        (3, "班列开行列数", dt.date(2026, 1, 1), Decimal(1)),
        (4, "营业收入", dt.date(2026, 7, 1), Decimal(1)),
    ]
    values, errors = match_kpi_rows(
        rows, {"营业收入": 1, "进出口额": 2}, this_month=dt.date(2026, 6, 1), owner="园区"
    )
    assert values == {(1, dt.date(2026, 1, 1)): Decimal(5)}
    assert errors == [
        "第3行：指标“班列开行列数”不是园区的指标（可用：营业收入、进出口额）",
        "第4行：2026-07 是未来月份，不能填报",
    ]


@JUNE
def test_park_kpi_progress_against_target(city, zone):
    revenue = ParkKpiDefinition.objects.get(name="营业收入")
    for month, value in [(1, 8), (2, 9), (3, 11), (4, 12)]:
        actions_parks.park_kpi_month_save(
            actor=city.district_a_user,
            park=zone.park,
            period=dt.date(2026, month, 1),
            values={revenue.pk: Decimal(value)},
        )
    actions_parks.park_kpi_month_save(
        actor=city.district_a_user,
        park=zone.park,
        period=dt.date(2025, 1, 1),
        values={revenue.pk: Decimal(10)},
    )
    actions_parks.park_kpi_target_set(
        actor=city.district_a_user,
        park=zone.park,
        definition=revenue,
        year=2026,
        target=Decimal(160),
    )
    row = next(r for r in selectors.park_kpi_progress(zone.park, 2026) if r.definition == revenue)
    assert row.ytd == 40
    assert row.progress_pct == Decimal("25.0")
    assert row.behind  # 4 of 12 months gone (33.3%), a quarter done
    assert row.previous_ytd == 10
    assert selectors.kpi_chart(row)["cumulative"][:5] == [8.0, 17.0, 28.0, 40.0, None]
    assert selectors.kpi_years(zone.park) == [2026, 2025]
    assert AuditEntry.objects.filter(action="zones.park.kpi_month").count() == 5
    assert AuditEntry.objects.filter(action="zones.park.kpi_target").count() == 1
    assert ZoneEvent.objects.filter(park=zone.park, kind="kpi").count() == 5
    with pytest.raises(ValidationError, match="未来月份"):
        actions_parks.park_kpi_month_save(
            actor=city.district_a_user,
            park=zone.park,
            period=dt.date(2026, 7, 1),
            values={revenue.pk: Decimal(1)},
        )
    with pytest.raises(ValidationError, match="负数"):
        actions_parks.park_kpi_month_save(
            actor=city.district_a_user,
            park=zone.park,
            period=dt.date(2026, 5, 1),
            values={revenue.pk: Decimal(-1)},
        )


@JUNE
def test_park_kpi_grid_and_page(city, zone, client: Client):
    revenue = ParkKpiDefinition.objects.get(name="营业收入")
    client.force_login(city.district_a_user)
    url = reverse("zones:park_kpi", args=[zone.park.pk])
    page = client.get(url + "?month=2026-05").content.decode()
    assert "营业收入" in page and "实际使用外资" in page
    response = client.post(url, {"month": "2026-05", f"kpi_{revenue.pk}": "十二"})
    assert "营业收入：“十二”不是数字" in response.content.decode()
    assert not ParkKpiValue.objects.exists()
    client.post(url, {"month": "2026-05", f"kpi_{revenue.pk}": "1,234.5"})
    assert ParkKpiValue.objects.get(definition=revenue).value == Decimal("1234.5")
    target = reverse("zones:park_target", args=[zone.park.pk])
    client.post(target, {"definition": revenue.pk, "year": 2026, "target": "5000"})
    detail = client.get(reverse("zones:park_detail", args=[zone.park.pk])).content.decode()
    assert 'id="kpi-table"' in detail and 'data-chart="kpi"' in detail
    assert "24.7%" in detail  # 1234.5 of 5000
    # a leader reads the grid but cannot write it
    client.force_login(city.leader)
    assert client.post(url, {"month": "2026-05", f"kpi_{revenue.pk}": "1"}).status_code == 403
    assert ParkKpiValue.objects.get(definition=revenue).value == Decimal("1234.5")


@JUNE
def test_park_kpi_import_writes_all_or_nothing(city, zone, client: Client):
    client.force_login(city.district_a_user)
    url = reverse("zones:park_kpi_import", args=[zone.park.pk])
    bad = _workbook(
        [
            ["年月", "指标", "数值"],
            ["2026-01", "营业收入", 9],
            ["2026-02", "班列货值", 5],
            ["2026-02", "进出口额", "五"],
        ]
    )
    text = client.post(url, {"file": _upload(bad)}, follow=True).content.decode()
    assert "第4行：数值“五”不是数字" in text
    assert "未导入任何数据" in text
    assert not ParkKpiValue.objects.exists()
    unknown = _workbook(
        [["年月", "指标", "数值"], ["2026-01", "营业收入", 9], ["2026-02", "班列货值", 5]]
    )
    text = client.post(url, {"file": _upload(unknown)}, follow=True).content.decode()
    assert "第3行：指标“班列货值”不是园区的指标" in text
    assert not ParkKpiValue.objects.exists()
    good = _workbook(
        [["年月", "指标", "数值"], ["2026-01", "营业收入", 9], ["2026年2月", "进出口额", 5]]
    )
    client.post(url, {"file": _upload(good)})
    assert ParkKpiValue.objects.count() == 2
    assert AuditEntry.objects.filter(action="zones.park.kpi_import").count() == 1
    # the export is the import's template
    exported = client.get(reverse("zones:park_kpi_export", args=[zone.park.pk]) + "?year=2026")
    sheet = load_workbook(io.BytesIO(exported.content)).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r and r[0] == "年月")
    assert rows[header][:3] == ["年月", "指标", "数值"]
    assert ["2026-01", "营业收入", 9] in [r[:3] for r in rows]


@JUNE
def test_park_kpi_import_refuses_nan_infinite_huge_values_and_year_zero(city, zone, client: Client):
    """NaN used to answer 500 and 1e30 was stored where the ORM could not read it back, so the
    park's KPI page failed; each is now a row error naming the row, and nothing is written."""
    client.force_login(city.district_a_user)
    url = reverse("zones:park_kpi_import", args=[zone.park.pk])
    bad = _workbook(
        [
            ["年月", "指标", "数值"],
            ["2026-01", "营业收入", "NaN"],
            ["2026-02", "营业收入", "Infinity"],
            ["2026-03", "营业收入", "1e30"],
            ["2026-04", "营业收入", 1e30],
            ["0000-03", "营业收入", 1],
        ]
    )
    response = client.post(url, {"file": _upload(bad)}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "第2行：数值“NaN”不是数字" in text
    assert "第3行：数值“Infinity”不是数字" in text
    assert "第4行：数值“1e30”过大" in text
    assert "第5行：数值“1e+30”过大" in text
    assert "第6行：年月无法识别" in text
    assert not ParkKpiValue.objects.exists()
    page = client.get(reverse("zones:park_kpi", args=[zone.park.pk]) + "?period=2026-03")
    assert page.status_code == 200


@JUNE
def test_park_kpi_month_written_as_a_date(city, zone, client: Client):
    client.force_login(city.district_a_user)
    url = reverse("zones:park_kpi_import", args=[zone.park.pk])
    dated = _workbook([["年月", "指标", "数值"], ["2026-03-01", "营业收入", 9]])
    client.post(url, {"file": _upload(dated)})
    assert ParkKpiValue.objects.get().period == dt.date(2026, 3, 1)


@JUNE
def test_park_kpis_are_scoped(city, zone, client: Client):
    revenue = ParkKpiDefinition.objects.get(name="营业收入")
    actions_parks.park_kpi_month_save(
        actor=city.district_a_user,
        park=zone.park,
        period=dt.date(2026, 1, 1),
        values={revenue.pk: Decimal(7)},
    )
    client.force_login(city.district_b_user)
    for name in ("zones:park_kpi", "zones:park_kpi_export"):
        assert client.get(reverse(name, args=[zone.park.pk])).status_code == 404
    for name in ("zones:park_kpi", "zones:park_kpi_import", "zones:park_target"):
        response = client.post(
            reverse(name, args=[zone.park.pk]),
            {"month": "2026-01", f"kpi_{revenue.pk}": "99", "definition": revenue.pk, "year": 2026},
        )
        assert response.status_code == 404
    assert ParkKpiValue.objects.get().value == 7
    client.force_login(city.district_a_user)
    assert client.get(reverse("zones:park_kpi_export", args=[zone.park.pk])).status_code == 200


@JUNE
def test_park_kpi_table_prints_figures_with_separators_and_whole_counts(city, zone, client: Client):
    """The KPI table read 实际使用外资 1020.51 and 新签约项目 9.00 (UX review, 2026-12-05):
    thousands separators as every other table, and no decimals on a whole number."""
    fdi = ParkKpiDefinition.objects.get(name="实际使用外资")
    signed = ParkKpiDefinition.objects.get(name="新签约项目")
    actions_parks.park_kpi_month_save(
        actor=city.district_a_user,
        park=zone.park,
        period=dt.date(2026, 5, 1),
        values={fdi.pk: Decimal("1020.51"), signed.pk: Decimal(9)},
    )
    client.force_login(city.district_a_user)
    detail = client.get(reverse("zones:park_detail", args=[zone.park.pk])).content.decode()
    table = detail[
        detail.index('id="kpi-table"') : detail.index("</table>", detail.index('id="kpi-table"'))
    ]
    assert '<td class="num">1,020.51</td>' in table and '<td class="num">9</td>' in table
    assert "9.00" not in table and "1020.51" not in table
