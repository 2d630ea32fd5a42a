"""Issue 17: a liaison officer's drill-down within two keys (a partner or group and a
district, park or group: the links of his breakdowns within a key), on the plan the model
chooses and on every plan forced, is the plain sorted list of his records; on PostgreSQL the
page reads his firms' records through the unique key (its own plan) where the value walk,
which joins every entry to its firm, costs more (session 41)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.urls import reverse

from kaifang.core.models import Partner, PartnerGroup
from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import rebuild_rollups
from kaifang.trade.selectors import Keys, Query, drill_records, drill_summary
from kaifang.trade.selectors.base import apply_keys, facts
from kaifang.trade.selectors.plans import FREE, MONTHS, SCOPE, WALK, drill_plan
from kaifang.trade.tests.drill_helpers import add_one_without_dollars, record_ids

pytestmark = pytest.mark.django_db

Q_YTD = Query(year=2025, month=3)


@pytest.fixture
def within_partner(liaison_firms, city):
    """The liaison officer's large firm (district A) also trades with Japan (116): 120
    records this year, worth about 1.25 times a record of the table on average, so that a
    walk of the value index finds his page within 116 and district A in fewer entries than
    his 930 records (PostgreSQL's old price of narrowing to them) but more than the
    district's records tested on the unique key and the matching fetched."""
    big = liaison_firms["big"]
    CustomsRecord.objects.bulk_create(
        CustomsRecord(
            enterprise=big,
            period=dt.date(2025, i % 3 + 1, 1),
            flow="export" if i % 2 else "import",
            hs_code=f"85{i:06d}",
            partner_code="116",
            trade_mode="10",
            value_usd=Decimal(i % 23 * 10 + 140),  # ties
            value_cny=Decimal(i % 23 * 70 + 980),
        )
        for i in range(120)
    )
    rebuild_rollups([dt.date(2025, m, 1) for m in (1, 2, 3)])
    group = PartnerGroup.objects.create(code="g-j", name="日俄组", order=3)
    group.members.set(Partner.objects.filter(code__in=["116", "344"]))
    return liaison_firms


def _plain(viewer, q, span, keys):
    """The plain sorted query: the records the viewer sees within the keys, months and flow,
    largest first (ties by month, then id), with no plan."""
    qs = apply_keys(facts(viewer), keys).filter(period__in=q.span_months(span))
    if q.flow != "total":
        qs = qs.filter(flow=q.flow)
    return record_ids(qs.order_by(f"-{q.field}", "period", "id"))


def _two_keys(city):
    district_a, district_b = str(city.district_a.pk), str(city.district_b.pk)
    return [
        {"partner": "116", "district": district_a},
        {"partner": "116", "park": "-"},
        {"partner": "116", "group": "g-j"},
        {"partner": "344", "district": district_b},
        {"group": "g-j", "district": district_a},
        {"group": "g-j", "park": "-"},
    ]


@pytest.mark.parametrize(
    ("flow", "currency"), [("total", "usd"), ("export", "usd"), ("total", "cny")]
)
def test_a_liaison_officers_pages_within_two_keys_are_the_plain_sorted_list(
    within_partner, city, client, flow, currency
):
    """Every page the records view shows, and every page of each plan forced, equals the same
    slice of the plain sorted query, ties and a record without a dollar value included."""
    add_one_without_dollars(within_partner["big"], "import" if flow == "total" else flow, "116")
    q = Query(year=2025, month=3, flow=flow, currency=currency)
    client.force_login(city.liaison)
    seen = 0
    for params in _two_keys(city):
        keys = Keys(**params)
        for span in ("ytd", "month"):
            rows = _plain(city.liaison, q, span, keys)
            summary = drill_summary(viewer=city.liaison, q=q, span=span, keys=keys)
            assert summary is not None and summary.count == len(rows), (params, span)
            for depth in (50, 100, 150):
                start = depth - 50
                chosen = drill_records(viewer=city.liaison, q=q, span=span, keys=keys, depth=depth)
                assert record_ids(chosen[start:depth]) == rows[start:depth], (params, span)
                for plan in (WALK, SCOPE, MONTHS, FREE):
                    forced = drill_records(
                        viewer=city.liaison, q=q, span=span, keys=keys, depth=depth, plan=plan
                    )
                    assert record_ids(forced[start:depth]) == rows[start:depth], (
                        params,
                        span,
                        plan,
                        depth,
                    )
            for page in (1, 2, 3):
                query = {"year": 2025, "month": 3, "flow": flow, "currency": currency}
                query |= {"span": span, "page": page, **params}
                response = client.get(f"{reverse('trade:analysis_records')}?{urlencode(query)}")
                assert response.status_code == 200
                shown = [r.pk for r, _name in response.context["rows"]]
                last = max((len(rows) - 1) // 50 + 1, 1)  # past the end: the last page
                number = min(page, last)
                assert shown == rows[(number - 1) * 50 : number * 50], (params, span, page)
            seen += len(rows)
    assert seen > 300


def test_postgresql_narrows_to_his_firms_where_the_walk_joins_more_entries(within_partner, city):
    """His year within Japan and district A: 120 of the table's 4,530 records, so a walk of
    the value index passes about 780 entries (priced at PostgreSQL's 0.5 each, by the values'
    skew), every one joined to its firm for the gate and the district. His own plan reads
    the district's firms' 920 records on the unique key, testing the partner there, and
    sorts the 120 (about 580): PostgreSQL takes its own plan (FREE), where it walked when the
    narrowing was priced at all his 930 records. SQLite, whose walk weighs twice as much,
    narrows to his firms' records (its scope plan) as before."""
    keys = Keys(partner="116", district=str(city.district_a.pk))
    matching, plan = _costs(city.liaison, keys, 50)
    assert matching == 120
    assert plan == (SCOPE if connection.vendor == "sqlite" else FREE)
    # a district alone (no key tested on the unique key) and his whole year keep their plans
    for params in ({"district": str(city.district_a.pk)}, {}):
        summary = drill_summary(viewer=city.liaison, q=Q_YTD, span="ytd", keys=Keys(**params))
        assert summary is not None
        assert drill_plan(
            viewer=city.liaison,
            q=Q_YTD,
            span="ytd",
            keys=Keys(**params),
            depth=50,
            matching=summary.count,
        ) not in (FREE, SCOPE), params


def _costs(viewer, keys, depth):
    summary = drill_summary(viewer=viewer, q=Q_YTD, span="ytd", keys=keys)
    assert summary is not None
    return summary.count, drill_plan(
        viewer=viewer, q=Q_YTD, span="ytd", keys=keys, depth=depth, matching=summary.count
    )
