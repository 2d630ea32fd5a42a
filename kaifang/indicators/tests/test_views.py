"""Pages of indicators: the dashboard's figures equal their drill-downs, district users get
their district's version, entries through the grid, the import page, the scope gate."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal as D
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from kaifang.indicators import dashboard
from kaifang.indicators.models import IndicatorValue, ValueImport
from kaifang.trade.selectors import Query, breakdown, totals_by_flow

pytestmark = pytest.mark.django_db
YI = D(100_000_000)


def test_anonymous_is_sent_to_login(client: Client):
    for name in ("indicators:dashboard", "indicators:indicator_list", "indicators:coverage"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login" in response["Location"]


def test_dashboard_figures_equal_their_drill_downs(trade_data, seeded, city, client: Client):
    data = dashboard.build(city.leader, 2025, 3)
    q = Query(2025, 3, "total", "cny")
    totals = totals_by_flow(viewer=city.leader, q=q)
    assert data.cards[0].ytd * YI == totals["total"].ytd == D(2800)
    assert data.headline is not None and data.headline.figure.ytd * YI == D(2800)
    districts = breakdown(viewer=city.leader, by="district", q=q)
    assert [r.ytd * YI for r in data.districts] == [r.ytd for r in districts.rows]
    assert sum(r.ytd for r in data.districts) * YI == districts.total.ytd
    groups = breakdown(viewer=city.leader, by="group", q=q)
    assert [r.ytd * YI for r in data.groups] == [r.ytd for r in groups.rows]
    client.force_login(city.leader)
    page = client.get(reverse("indicators:dashboard"), {"year": 2025, "month": 3})
    assert page.status_code == 200
    html = page.content.decode()
    assert "全市对外开放驾驶舱" in html
    # the trade tile drills to the analysis overview of the same month, in yuan
    link = re.search(r'href="([^"]+)" data-tile="trade"', html)
    assert link is not None and "year=2025" in link.group(1) and "currency=cny" in link.group(1)
    drilled = client.get(link.group(1).replace("&amp;", "&"))
    assert drilled.status_code == 200
    assert "<script>" not in html  # no inline script: ECharts reads a JSON block


def test_district_user_gets_their_district_version(trade_data, seeded, region_a, city, client):
    a = dashboard.build(city.district_a_user, 2025, 3)
    assert a.region == region_a and not a.sees_all
    assert a.cards[0].ytd * YI == D(2450)  # 350 USD × 7: 东城 only
    assert a.districts_chart["labels"] == [city.district_a.name]
    client.force_login(city.district_b_user)
    html = client.get(reverse("indicators:dashboard"), {"year": 2025, "month": 3}).content.decode()
    assert city.district_a.name not in html
    assert "西城区商务局对外开放驾驶舱" in html or "西城区" in html


def test_cache_hit_gives_the_same_figures_and_a_write_retires_it(trade_data, seeded, city):
    first = dashboard.build(city.leader, 2025, 3)
    again = dashboard.build(city.leader, 2025, 3)
    assert again.cards == first.cards
    before = dashboard.data_version()
    from kaifang.indicators import actions
    from kaifang.indicators.models import Indicator, Region

    actions.value_save(
        actor=city.officer,
        indicator=Indicator.objects.get(code="retail"),
        region=Region.objects.get(code="city"),
        period=dt.date(2025, 3, 1),
        values={"ytd_value": D(10)},
        source="录入",
    )
    assert dashboard.data_version() != before


def _trade_rollup_reads(queries: list[dict[str, str]]) -> list[str]:
    """Reads of the rollups only the dashboard's trade part asks (partner and HS chapter: the
    indicator lines may read the district totals)."""
    return [
        q["sql"]
        for q in queries
        if "rollup" in q["sql"] and ("'partner'" in q["sql"] or "'hs2'" in q["sql"])
    ]


def test_an_entered_value_rebuilds_the_lines_but_not_the_trade_figures(trade_data, seeded, city):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kaifang.indicators import actions
    from kaifang.indicators.models import Indicator, Region

    first = dashboard.build(city.leader, 2025, 3)
    actions.value_save(
        actor=city.officer,
        indicator=Indicator.objects.get(code="retail"),
        region=Region.objects.get(code="city"),
        period=dt.date(2025, 3, 1),
        values={"month_value": D(4), "ytd_value": D(10)},
        source="录入",
    )
    with CaptureQueriesContext(connection) as ctx:
        again = dashboard.build(city.leader, 2025, 3)
    assert not _trade_rollup_reads(ctx.captured_queries)  # the trade part came from the cache
    fresh = dashboard._build(city.leader, 2025, 3)
    for name in ("cards", "groups", "partners", "industries", "chapters", "districts"):
        assert getattr(again, name) == getattr(first, name) == getattr(fresh, name)
    assert again.districts_chart == fresh.districts_chart
    retail = next(x for x in again.consumption if x.indicator.code == "retail")
    assert retail.figure.ytd == D(10)  # the indicator lines were rebuilt


def test_refill_leaves_the_city_and_district_dashboards_cached(trade_data, seeded, city):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kaifang.trade.signals import version_bumped

    assert any("dashboard_refill" in str(r[0]) for r in version_bumped.receivers)
    cache.clear()
    assert dashboard.refill() >= 2  # the city, and each user of a district's unit
    for user in (city.leader, city.district_a_user, city.district_b_user):
        year, month = dashboard.default_period(user)
        with CaptureQueriesContext(connection) as ctx:
            cached = dashboard.build(user, year, month)
        assert not _trade_rollup_reads(ctx.captured_queries), user.username
        assert cached.cards == dashboard._build(user, year, month).cards


def test_an_official_import_retires_the_cached_official_figures(trade_data, seeded, city):
    from kaifang.indicators import actions

    before = dashboard.build(city.leader, 2025, 3)
    assert before.headline is not None and before.headline.figure.source == "企业进出口记录"
    rows = [
        actions.OfficialRow(dt.date(y, 3, 1), "export", "84", "502", "", None, D(v))
        for y, v in ((2025, 3000), (2024, 2000))
    ]
    actions.official_import(
        actor=None, filename="海关统计.csv", data=b"x", flow="export", rows=rows, rows_read=2
    )
    after = dashboard.build(city.leader, 2025, 3)
    assert after.headline is not None and after.headline.figure.source == "海关统计"
    assert after.headline.figure.month == D(3000) / YI
    assert after.cards == before.cards  # the records' own figures did not change


def test_peer_value_entered_in_the_grid(seeded, city, client: Client):
    client.force_login(city.officer)
    url = reverse("indicators:value_grid", args=["trade_total"])
    page = client.get(url, {"year": 2025, "month": 3})
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        "武汉" in html
        and "本市"
        not in re.sub(r"<title>.*?</title>", "", html).split("value-grid")[1].split("</table>")[0]
    )  # the city's 进出口 is computed, not entered
    wuhan = seeded["wuhan"]
    response = client.post(
        url + "?year=2025&month=3",
        {
            "year": 2025,
            "month": 3,
            "source": "武汉市统计局",
            f"r{wuhan.pk}-ytd_value": "3000.5",
            f"r{wuhan.pk}-ytd_yoy_pct": "9.1",
        },
    )
    assert response.status_code == 302
    value = IndicatorValue.objects.get(region=wuhan)
    assert value.ytd_value == D("3000.5") and value.source == "武汉市统计局"
    detail = client.get(response["Location"]).content.decode()
    assert "3,000.5" in detail


def test_district_b_cannot_enter_or_see_district_a(seeded, city, region_a, client: Client):
    client.force_login(city.district_b_user)
    html = client.get(reverse("indicators:value_grid", args=["retail"])).content.decode()
    assert region_a.name not in html
    response = client.post(
        reverse("indicators:value_grid", args=["retail"]) + "?year=2025&month=3",
        {"year": 2025, "month": 3, "source": "x", f"r{region_a.pk}-ytd_value": "1"},
    )
    assert not IndicatorValue.objects.filter(region=region_a).exists()
    assert response.status_code in (200, 302)
    detail = client.get(reverse("indicators:indicator_detail", args=["retail"])).content.decode()
    assert region_a.name not in detail


def _upload_file() -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["2025年3月主要指标"])
    ws.append(["指标名称", "计量单位", "本月", "累计", "累计同比(%)"])
    ws.append(["社会消费品零售总额", "亿元", 40, 120, 5.5])
    ws.append(["不存在的指标", "亿元", 1, 1, 1])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_import_flow_reports_rows_and_commits_good_rows_on_request(seeded, city, client):
    client.force_login(city.officer)
    response = client.post(
        reverse("indicators:import_upload"),
        {"file": SimpleUploadedFile("统计月报.xlsx", _upload_file()), "region": seeded["city"].pk},
    )
    assert response.status_code == 302
    staged = ValueImport.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "未知的指标" in page and "第" not in page.split("import-errors")[0][-5:]
    client.post(reverse("indicators:import_commit", args=[staged.pk]))
    assert not IndicatorValue.objects.exists()
    client.post(reverse("indicators:import_commit", args=[staged.pk]), {"good_rows_only": "1"})
    assert IndicatorValue.objects.get().ytd_value == D(120)
    client.force_login(city.district_b_user)
    assert client.get(reverse("indicators:import_detail", args=[staged.pk])).status_code == 404


def test_export_is_audited_and_scoped(trade_data, seeded, city, region_a, client: Client):
    from kaifang.core.models import AuditEntry

    client.force_login(city.district_b_user)
    response = client.get(
        reverse("indicators:indicator_export", args=["trade_total"]), {"year": 2025, "month": 3}
    )
    assert response.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    assert region_a.name not in text
    assert AuditEntry.objects.filter(action="export.indicator").exists()
    disposition = unquote(response["Content-Disposition"])
    assert "进出口总额-2025年1-3月.xlsx" in disposition


def test_dashboard_and_workbench_open_before_any_indicator_is_loaded(trade_data, city, client):
    # no `load-indicators` yet: no headline line, the records' own figures instead
    for user in (city.leader, city.district_a_user, city.liaison):
        client.force_login(user)
        assert client.get(reverse("indicators:dashboard")).status_code == 200
        assert client.get(reverse("core:workbench")).status_code == 200


def test_indicator_list_reads_the_district_sums_once_per_rebuild(
    trade_data, seeded, region_a, city, client: Client
):
    """Every customs indicator on the list asks for the city's district sums in its flow and
    currency; they are cached per rollup version, so a second view reads no rollup, and an
    import's new figures show at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kaifang.indicators import selectors
    from kaifang.trade.models import CustomsRecord
    from kaifang.trade.rollups import rebuild_rollups

    def without_tokens(html: str) -> str:
        return re.sub(r"[A-Za-z0-9]{64}", "", html)  # CSRF tokens change per response

    client.force_login(city.district_a_user)
    url = reverse("indicators:indicator_list") + "?year=2025&month=3"
    first = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(url).content.decode()
    assert without_tokens(again) == without_tokens(first)
    assert not [q for q in ctx.captured_queries if "trade_traderollup" in q["sql"]]
    trade_total = selectors.indicator_get("trade_total")
    before = selectors.figure(trade_total, region_a, 2025, 3).ytd
    assert before is not None and before * YI == D(2450)  # 350 USD × 7: 东城 only
    record = CustomsRecord.objects.filter(enterprise__district=city.district_a).first()
    assert record is not None
    CustomsRecord.objects.filter(pk=record.pk).update(value_cny=record.value_cny + 700)
    rebuild_rollups([record.period])
    after = selectors.figure(trade_total, region_a, 2025, 3).ytd
    assert after is not None and after * YI == D(2450) + 700


def test_data_version_is_one_statement(city):
    """The dashboard's key is read on every workbench: the indicators' part of it is one
    statement (a write changing it: test_cache_hit_gives_the_same_figures_and_a_write_...)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = dashboard.data_version()
    with CaptureQueriesContext(connection) as queries:
        assert dashboard.data_version() == first
    reads = [q["sql"] for q in queries if "indicators_" in q["sql"]]
    assert len(reads) == 1, reads


def test_the_entry_button_shows_only_where_the_grid_has_rows(seeded, region_a, city, client):
    """A district user has no row to enter for a computed indicator: no "录入数值" that would
    answer 403 (found by the QA crawl, session 37)."""
    detail = reverse("indicators:indicator_detail", args=["trade_total"])
    grid = reverse("indicators:value_grid", args=["trade_total"])
    client.force_login(city.district_a_user)
    assert client.get(grid).status_code == 403
    assert grid not in client.get(detail, {"year": 2025, "month": 3}).content.decode()
    client.force_login(city.officer)
    assert client.get(grid).status_code == 200
    assert grid in client.get(detail, {"year": 2025, "month": 3}).content.decode()


def test_a_count_indicator_shows_whole_numbers(seeded, city, client: Client):
    """新设外资企业数 counts firms: its pages print 51 家, where an amount keeps one decimal."""
    from django.utils import timezone

    from kaifang.indicators.models import Indicator

    IndicatorValue.objects.create(
        indicator=Indicator.objects.get(code="new_fie"),
        region=seeded["city"],
        period=dt.date(2025, 3, 1),
        month_value=D("17"),
        ytd_value=D("51"),
        entered_at=timezone.now(),
    )
    client.force_login(city.officer)
    url = reverse("indicators:indicator_detail", args=["new_fie"]) + "?year=2025&month=3"
    detail = client.get(url).content.decode()
    assert re.search(r"累计</dt><dd class=\"num\">51 家", detail), detail
    listing = client.get(reverse("indicators:indicator_list") + "?year=2025&month=3")
    row = re.search(r"新设外资企业数.*?</tr>", listing.content.decode(), re.S)
    assert row and ">51<" in row.group(0) and "51.0" not in row.group(0)


def test_a_liaison_officers_trade_panel_says_it_is_his_firms(trade_data, seeded, city, client):
    """A liaison officer's figures are his firms', so his workbench and dashboard say 我包联企业
    where a district user's say the district (never 本辖区 for what is not the district)."""
    from kaifang.enterprises.models import Enterprise
    from kaifang.trade.models import CustomsRecord
    from kaifang.trade.rollups import rebuild_rollups

    Enterprise.objects.filter(district=city.district_a).update(liaison=city.liaison)
    rebuild_rollups(set(CustomsRecord.objects.values_list("period", flat=True)))
    client.force_login(city.liaison)
    workbench = client.get(reverse("core:workbench")).content.decode()
    assert "我包联企业外贸" in workbench and "本辖区外贸" not in workbench
    dashboard = client.get(reverse("indicators:dashboard")).content.decode()
    assert "我包联企业对外开放驾驶舱" in dashboard
    client.force_login(city.district_a_user)
    workbench = client.get(reverse("core:workbench")).content.decode()
    assert "我包联企业" not in workbench and "东城" in workbench
