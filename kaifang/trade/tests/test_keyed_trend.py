"""Issue 17: a breakdown within a key charts 36 months and shows its cards from the rollups,
with the same figures as the records it selects (3.1 s from the records within a district at
5.6 M records, found by bench/bench_crawl.py in session 40)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaifang.core.models import PartnerGroup
from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import rebuild_rollups
from kaifang.trade.selectors import Keys, Query, totals_by_flow, trend
from kaifang.trade.selectors.base import apply_keys, facts
from kaifang.trade.tests.conftest import d
from kaifang.trade.tests.factories import CustomsRecordFactory

pytestmark = pytest.mark.django_db

END = dt.date(2025, 3, 1)


def _from_records(viewer, keys: Keys) -> dict[tuple[dt.date, str], Decimal]:
    rows = (
        apply_keys(facts(viewer), keys)
        .values("period", "flow")
        .annotate(v=Sum("value_usd"))
        .order_by()
    )
    found: dict[tuple[dt.date, str], Decimal] = defaultdict(Decimal)
    for row in rows:
        found[(row["period"], row["flow"])] += row["v"]
    return found


def test_a_keyed_trend_and_its_cards_equal_the_records_and_read_no_records(trade_data, city):
    trade_data.e2.liaison = city.liaison  # outside the liaison officer's district
    trade_data.e2.save()
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    groups = [{"group": code} for code in PartnerGroup.objects.values_list("code", flat=True)]
    firm_keys = [
        {"district": str(trade_data.e1.district_id)},
        {"park": "-"},
        {"industry": "C"},
    ]
    simple = [{"partner": "502"}, {"partner": "-"}, {"mode": "10"}, {"hs": "84"}, {"hs": "8471"}]
    checked = 0
    for viewer in (city.leader, city.district_a_user, city.liaison):
        for params in [*simple, *groups, *firm_keys, {"enterprise": str(trade_data.e1.pk)}]:
            keys = Keys(**params)
            expected = _from_records(viewer, keys)
            with CaptureQueriesContext(connection) as read:
                points = trend(viewer=viewer, end=END, currency="usd", keys=keys, months=36)
                cards = totals_by_flow(viewer=viewer, q=Query(year=2025, month=3), keys=keys)
            assert not any("trade_customsrecord" in q["sql"] for q in read.captured_queries), (
                viewer,
                params,
            )
            for point in points:
                assert point.export == expected.get((point.period, "export"), 0), (viewer, params)
                assert point.import_ == expected.get((point.period, "import"), 0), (viewer, params)
            ytd = sum(
                (
                    v
                    for (period, flow), v in expected.items()
                    if period.year == 2025 and flow == "export"
                ),
                Decimal(0),
            )
            assert cards["export"].ytd == ytd, (viewer, params)
            checked += sum(1 for v in expected.values() if v)
    assert checked > 20  # the keys select records for these viewers: not a test of zeros


def test_two_keys_still_read_the_records(trade_data, city):
    keys = Keys(partner="502", mode="10")
    points = trend(viewer=city.leader, end=END, currency="usd", keys=keys, months=36)
    expected = _from_records(city.leader, keys)
    assert sum(p.total for p in points) == sum(expected.values()) > 0


def test_a_keyed_chart_from_the_records_is_kept_until_the_next_rebuild(trade_data, city, client):
    """A district user's chart within a partner and an HS heading (no rollup of his selects
    them: the pair × partner × chapter rollup holds a chapter, decision 0043) reads the records
    once per rollup version, not on every view (170–250 ms at 5.6 M records, session 41); a
    rebuild retires it."""
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    user = city.district_a_user
    client.force_login(user)
    url = reverse("trade:analysis_breakdown", args=["hs2"])
    params = {"year": 2025, "month": 3, "currency": "usd", "partner": "502", "hs": "8471"}

    def view() -> tuple[list[float], int]:
        with CaptureQueriesContext(connection) as read:
            response = client.get(url, params)
        assert response.status_code == 200
        exports = response.context["chart"]["series"][0]["values"]
        return exports, sum("trade_customsrecord" in q["sql"] for q in read.captured_queries)

    first, first_reads = view()
    second, second_reads = view()
    assert first_reads and not second_reads
    assert second == first and first[-1] > 0  # March 2025 of the user's firms: not zeros
    mine = apply_keys(facts(user), Keys(partner="502", hs="8471")).first()
    assert mine is not None
    CustomsRecordFactory(
        enterprise=mine.enterprise,
        period=d(2025, 3),
        flow="export",
        partner_code="502",
        hs_code="84719000",
        trade_mode="10",
        value_usd=Decimal(10_000),
    )
    rebuild_rollups([d(2025, 3)])
    third, _ = view()
    assert third[-1] == first[-1] + 1  # 万美元


@pytest.mark.parametrize(
    "params",
    [
        {"partner": "502", "hs": "61", "mode": "10"},
        {"partner": "502", "hs": "8471"},
        {"group": "rcep", "mode": "10"},
        {"partner": "-", "hs": "61", "mode": "10"},
    ],
)
def test_a_scoped_viewers_chart_within_trade_keys_reads_as_his_table(trade_data, city, params):
    """A scoped viewer's chart and cards within several trade keys read the records as his
    table does (`keyed.window_facts`): a district user's chart within partner 112, HS 85 and
    一般贸易 read the partner's records across the city (580 ms at 5.6 M records) where his
    table read the firms that hold all three. The same figures as the records, for every
    persona."""
    from kaifang.trade.selectors import breakdown

    keys = Keys(**params)
    for viewer in (city.leader, city.district_a_user, city.liaison):
        expected = _from_records(viewer, keys)
        points = trend(viewer=viewer, end=END, currency="usd", keys=keys, months=36)
        cards = totals_by_flow(viewer=viewer, q=Query(year=2025, month=3), keys=keys)
        for point in points:
            assert point.export == expected.get((point.period, "export"), 0), (viewer, params)
            assert point.import_ == expected.get((point.period, "import"), 0), (viewer, params)
        in_2025 = [v for (period, flow), v in expected.items() if period.year == 2025]
        assert cards["total"].ytd == sum(in_2025, Decimal(0)), (viewer, params)
    q = Query(year=2025, month=3)
    with CaptureQueriesContext(connection) as table_read:
        breakdown(viewer=city.district_a_user, by="hs4", q=q, keys=keys)
    with CaptureQueriesContext(connection) as chart_read:
        trend(viewer=city.district_a_user, end=END, currency="usd", keys=keys, months=36)
    firms = '"trade_customsrecord"."enterprise_id" IN ('
    table_sql = [x["sql"] for x in table_read.captured_queries if "trade_customsrecord" in x["sql"]]
    chart_sql = [x["sql"] for x in chart_read.captured_queries if "trade_customsrecord" in x["sql"]]
    assert any(firms in x for x in table_sql) == any(firms in x for x in chart_sql), params
