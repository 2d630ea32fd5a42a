"""Figures computed from the customs records and from the official series; 拉动 of the
districts; targets and 序时进度; peers ranked with their gaps; coverage — on hand-checked
numbers (CNY = USD × 7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from kaifang.core.models import User
from kaifang.indicators import actions, selectors
from kaifang.indicators.models import Indicator, IndicatorValue, OfficialTrade, Region
from kaifang.trade.selectors import Query, breakdown

pytestmark = pytest.mark.django_db
YI = D(100_000_000)


def _ind(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def test_city_figure_from_records_equals_trade_breakdown(trade_data, seeded):
    fig = selectors.figure(_ind("trade_total"), seeded["city"], 2025, 3)
    assert fig.ytd == D(2800) / YI
    assert fig.ytd_prev == D(1540) / YI
    assert round(fig.ytd_yoy, 4) == D("81.8182")
    assert fig.source == "企业进出口记录"
    table = breakdown(viewer=None, by="district", q=Query(2025, 3, "total", "cny"))
    assert fig.ytd * YI == table.total.ytd
    export = selectors.figure(_ind("export"), seeded["city"], 2025, 3)
    assert export.ytd == D(1400) / YI  # 200 USD


def test_districts_contribution_sums_to_city_growth(trade_data, seeded, region_a, region_b, city):
    rows = selectors.districts(_ind("trade_total"), 2025, 3, user=city.leader)
    by = {r.region.pk: r for r in rows}
    a, b = by[region_a.pk], by[region_b.pk]
    assert a.figure.ytd == D(2450) / YI and b.figure.ytd == D(350) / YI
    assert round(a.contribution_pp, 4) == D("77.2727")  # (350 − 180) / 220
    assert round(b.contribution_pp, 4) == D("4.5455")  # (50 − 40) / 220
    assert round(a.contribution_pp + b.contribution_pp, 4) == D("81.8182")
    assert a.share_pct == D("87.5")
    assert [r.region for r in rows] == [region_a, region_b]  # ranked by 累计


def test_district_user_sees_only_own_district_row(trade_data, seeded, region_a, city):
    rows = selectors.districts(_ind("trade_total"), 2025, 3, user=city.district_a_user)
    assert [r.region for r in rows] == [region_a]
    # shares stay against the whole city, as on the leader's page
    assert rows[0].share_pct == D("87.5")


def test_target_progress_against_elapsed_months(trade_data, seeded, city):
    actions.target_save(
        actor=city.officer,
        indicator=_ind("trade_total"),
        region=seeded["city"],
        year=2025,
        value=D(10000) / YI,
    )
    line = selectors.line(_ind("trade_total"), seeded["city"], 2025, 3)
    assert line.progress.done_pct == D(28)  # 2800 / 10000
    assert line.progress.elapsed_pct == D(25)
    assert line.progress.ahead_pp == D(3)
    assert line.progress.label == "快于序时进度3.0个百分点"


def test_official_series_is_the_headline_and_coverage_is_shown(trade_data, seeded):
    for period, flow, value in (
        (dt.date(2025, 3, 1), "export", D(1000)),
        (dt.date(2025, 3, 1), "import", D(2000)),
        (dt.date(2025, 1, 1), "export", D(500)),
        (dt.date(2024, 3, 1), "export", D(1000)),
        (dt.date(2024, 3, 1), "import", D(1000)),
    ):
        OfficialTrade.objects.create(
            period=period, flow=flow, hs_code="84", partner_code="502", value_cny=value
        )
    fig = selectors.figure(_ind("trade_total"), seeded["city"], 2025, 3)
    assert fig.source == "海关统计"
    assert fig.ytd == D(3500) / YI
    assert fig.ytd_prev == D(2000) / YI
    assert fig.ytd_yoy == D(75)
    cov = selectors.coverage(2025, 3)
    assert cov.total is not None
    assert cov.total.official == D(3500)
    assert cov.total.records == D(2800)
    assert cov.total.coverage_pct == D(80)
    march = next(r for r in cov.by_month if r.key == "2025-03")
    assert march.official == D(3000)
    assert march.records == D(2240)  # r1 100 + r6 20 + r8 200 USD, ×7
    us = next(r for r in cov.by_partner if r.key == "502")
    assert us.records == D(2100)  # r1 100 + r8 200
    chapter = next(r for r in cov.by_chapter if r.key == "84")
    assert chapter.records == D(1050)  # r1 + r2


def test_official_in_dollars_does_not_replace_a_yuan_figure(trade_data, seeded):
    for period in (dt.date(2025, 3, 1), dt.date(2024, 3, 1)):
        OfficialTrade.objects.create(period=period, flow="export", value_usd=D(1))
    assert selectors.figure(_ind("trade_total"), seeded["city"], 2025, 3).source == "企业进出口记录"


def _enter(user: User, code: str, region: Region, value: str, yoy: str) -> None:
    actions.value_save(
        actor=user,
        indicator=_ind(code),
        region=region,
        period=dt.date(2025, 3, 1),
        values={"ytd_value": D(value), "ytd_yoy_pct": D(yoy)},
        source="统计月报",
    )


def test_peers_ranked_by_growth_with_gaps(trade_data, seeded, city):
    # the city's own 进出口 growth is 81.8182% (records); peers entered.
    _enter(city.officer, "trade_total", seeded["wuhan"], "3000", "90.5")
    _enter(city.officer, "trade_total", seeded["zhengzhou"], "2500", "60")
    _enter(city.officer, "trade_total", seeded["xuzhou"], "600", "85")
    _enter(city.officer, "trade_total", seeded["province"], "9000", "70.2")
    table = selectors.peers(_ind("trade_total"), 2025, 3)
    city_row = table.city
    assert city_row is not None and city_row.rank is not None
    assert city_row.rank.rank == 3
    assert city_row.rank.above == "徐州"
    assert round(city_row.rank.gap_to_above, 4) == D("3.1818")  # 85 − 81.8182
    assert round(city_row.rank.gap_to_best, 4) == D("8.6818")  # 90.5 − 81.8182
    assert round(table.above_province_pp, 4) == D("11.6182")
    province = next(r for r in table.rows if r.region.code == "province")
    assert province.rank is None  # a reference row, not ranked among cities


def test_entered_value_keeps_source_and_entry_and_is_audited(seeded, city):
    from kaifang.core.models import AuditEntry

    _enter(city.officer, "retail", seeded["city"], "120.5", "6.1")
    value = IndicatorValue.objects.get()
    assert value.source == "统计月报" and value.entered_by == city.officer
    assert value.entered_at is not None
    entry = AuditEntry.objects.get(action="indicators.value_save")
    assert entry.changes["ytd_value"] == [None, "120.5"]


def test_computed_indicator_cannot_be_entered_for_the_city(seeded, city):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _enter(city.officer, "trade_total", seeded["city"], "1", "1")


def test_district_user_writes_own_district_only(seeded, city, region_a, region_b):
    from django.core.exceptions import PermissionDenied

    _enter(city.district_a_user, "retail", region_a, "10", "1")
    with pytest.raises(PermissionDenied):
        _enter(city.district_a_user, "retail", region_b, "10", "1")
    with pytest.raises(PermissionDenied):
        _enter(city.leader, "retail", seeded["city"], "10", "1")  # leaders read
