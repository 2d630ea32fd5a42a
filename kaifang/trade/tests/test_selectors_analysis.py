"""The measures on hand-computed numbers (see the table in conftest.trade_data)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import F, Sum

from kaifang.trade.models import CustomsRecord
from kaifang.trade.selectors import (
    Keys,
    Query,
    breakdown,
    concentration,
    drill_records,
    enterprise_concentration,
    markets,
    new_exporters,
    records_total,
    stopped_traders,
    totals_by_flow,
    trend,
)
from kaifang.trade.selectors.base import as_decimal, grouped_rows, grouped_sums, summed
from kaifang.trade.selectors.measures import contribution_pp, growth_pct, hhi, top_share_pct
from kaifang.trade.tests.factories import CustomsRecordFactory

EXPORT = Query(year=2025, month=3, flow="export", currency="usd")


def approx(value: Decimal | None, expected: str) -> bool:
    return value is not None and abs(value - Decimal(expected)) < Decimal("0.0001")


def test_measures_are_exact_decimals_and_none_on_zero_base():
    assert growth_pct(Decimal(150), Decimal(100)) == Decimal(50)
    assert growth_pct(Decimal(5), Decimal(0)) is None
    assert contribution_pp(Decimal(100), Decimal(80), Decimal(120)) == Decimal(20) / 120 * 100
    assert hhi([Decimal(1), Decimal(1)]) == Decimal(5000)
    assert hhi([Decimal(7)]) == Decimal(10000)
    assert hhi([]) is None
    assert top_share_pct([Decimal(v) for v in (5, 4, 3, 2, 1, 5)], n=5) == Decimal(19) / 20 * 100


def test_partner_breakdown_month_ytd_yoy_share_contribution(trade_data, city):
    table = breakdown(viewer=city.leader, by="partner", q=EXPORT)
    assert table.source == "rollup"
    rows = {r.key: r for r in table.rows}
    assert set(rows) == {"502", "116", "303"}  # 344 traded only outside these spans
    us, jp, de = rows["502"], rows["116"], rows["303"]
    assert (us.month, us.ytd, us.ytd_prev) == (Decimal(100), Decimal(100), Decimal(80))
    assert (jp.month, jp.ytd, jp.ytd_prev) == (Decimal(20), Decimal(100), Decimal(0))
    assert (de.month, de.ytd, de.ytd_prev) == (Decimal(0), Decimal(0), Decimal(40))
    assert us.name == "美国" and jp.name == "日本"
    assert us.yoy_pct == Decimal(25)
    assert jp.yoy_pct is None  # no base last year
    assert us.share_pct == Decimal(50) and jp.share_pct == Decimal(50)
    assert approx(us.contribution_pp, "16.6667")
    assert approx(jp.contribution_pp, "83.3333")
    assert approx(de.contribution_pp, "-33.3333")
    total = table.total
    assert (total.month, total.ytd, total.ytd_prev) == (Decimal(120), Decimal(200), Decimal(120))
    assert approx(total.yoy_pct, "66.6667")
    assert total.month_yoy_pct == Decimal(50)  # 120 vs 80 in 2024-03
    assert total.mom_pct == Decimal(140)  # 120 vs 50 in 2025-02
    # contributions of a partition add up to the total's growth rate
    assert approx(sum((r.contribution_pp or 0 for r in table.rows), Decimal(0)), "66.6667")


def test_currency_cny_uses_the_cny_column(trade_data, city):
    q = Query(year=2025, month=3, flow="export", currency="cny")
    assert breakdown(viewer=city.leader, by="partner", q=q).total.ytd == Decimal(1400)


def test_flow_total_and_import(trade_data, city):
    totals = totals_by_flow(viewer=city.leader, q=EXPORT)
    assert totals["export"].ytd == Decimal(200)
    assert totals["import"].ytd == Decimal(200)
    assert totals["total"].ytd == Decimal(400)
    assert totals["import"].yoy_pct == Decimal(100)
    q = Query(year=2025, month=3, flow="total")
    assert breakdown(viewer=city.leader, by="mode", q=q).total.ytd == Decimal(400)


def test_groups_overlap_and_their_shares_exceed_100(trade_data, city):
    table = breakdown(viewer=city.leader, by="group", q=EXPORT)
    rows = {r.key: r for r in table.rows}
    assert rows["g-ab"].ytd == Decimal(200) and rows["g-b"].ytd == Decimal(100)
    assert table.overlapping
    assert sum((r.share_pct or 0 for r in table.rows), Decimal(0)) == Decimal(150)
    assert table.total.ytd == Decimal(200)  # the city, not the sum of the groups


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (1, {"C": 200}),
        (2, {"39": 150, "17": 50}),
        (3, {"391": 150, "171": 50}),
        (4, {"3911": 150, "1711": 50}),
    ],
)
def test_industry_at_every_level(trade_data, city, level, expected):
    table = breakdown(viewer=city.leader, by="industry", q=EXPORT, level=level)
    assert {r.key: r.ytd for r in table.rows} == {k: Decimal(v) for k, v in expected.items()}


def test_district_park_hs_and_mode(trade_data, city):
    a, b = str(city.district_a.pk), str(city.district_b.pk)
    districts = breakdown(viewer=city.leader, by="district", q=EXPORT)
    assert {r.key: r.ytd for r in districts.rows} == {a: Decimal(150), b: Decimal(50)}
    parks = breakdown(viewer=city.leader, by="park", q=EXPORT)
    assert {r.key: r.ytd for r in parks.rows} == {
        str(city.district_a_park.pk): Decimal(150),
        "-": Decimal(50),
    }
    hs2 = breakdown(viewer=city.leader, by="hs2", q=EXPORT)
    assert {r.key: r.ytd for r in hs2.rows} == {"84": Decimal(150), "61": Decimal(50)}
    hs8 = breakdown(viewer=city.leader, by="hs8", q=EXPORT, keys=Keys(hs="6109"))
    assert {r.key: r.ytd for r in hs8.rows} == {"61091000": Decimal(50)}
    modes = breakdown(viewer=city.leader, by="mode", q=EXPORT)
    assert {r.key: r.ytd for r in modes.rows} == {"10": Decimal(170), "15": Decimal(30)}


@pytest.mark.parametrize(
    ("by", "keys"),
    [
        ("partner", Keys()),
        ("group", Keys()),
        ("industry", Keys()),
        ("hs2", Keys()),
        ("hs4", Keys(hs="84")),
        ("mode", Keys()),
        ("district", Keys()),
        ("park", Keys()),
        ("enterprise", Keys()),
    ],
)
@pytest.mark.parametrize("flow", ["export", "import", "total"])
def test_rollups_and_facts_give_identical_results(trade_data, city, by, keys, flow):
    q = Query(year=2025, month=3, flow=flow, currency="cny")
    fast = breakdown(viewer=city.leader, by=by, q=q, keys=keys)
    raw = breakdown(viewer=city.leader, by=by, q=q, keys=keys, facts_only=True)
    assert fast.source == "rollup" and raw.source == "facts"
    assert fast.rows == raw.rows
    assert fast.total == raw.total


def test_district_user_sees_only_their_district(trade_data, city):
    table = breakdown(viewer=city.district_a_user, by="partner", q=EXPORT)
    assert table.source == "rollup"
    assert {r.key: r.ytd for r in table.rows} == {"502": Decimal(100), "116": Decimal(50)}
    ents = breakdown(viewer=city.district_b_user, by="enterprise", q=EXPORT)
    assert {r.name for r in ents.rows} == {"乙纺织", "丁服装"}
    assert totals_by_flow(viewer=city.district_b_user, q=EXPORT)["import"].ytd == 0


def test_drill_records_sum_to_every_figure(trade_data, city):
    for by in ("partner", "group", "industry", "district", "hs4", "mode", "enterprise"):
        table = breakdown(viewer=city.leader, by=by, q=EXPORT)
        for row in [*table.rows, table.total]:
            for span, figure in (
                ("month", row.month),
                ("ytd", row.ytd),
                ("ytd_prev", row.ytd_prev),
            ):
                qs = drill_records(viewer=city.leader, q=EXPORT, span=span, keys=row.keys)
                assert records_total(qs, "usd") == figure, (by, row.key, span)


def test_trend_has_36_months_with_gaps_as_zero(trade_data, city):
    points = trend(viewer=city.leader, end=dt.date(2025, 3, 1), currency="usd")
    assert len(points) == 36
    assert points[0].period == dt.date(2022, 4, 1) and points[-1].period == dt.date(2025, 3, 1)
    last = points[-1]
    assert (last.export, last.import_, last.total) == (Decimal(120), Decimal(200), Decimal(320))
    assert points[-2].export == Decimal(50)
    assert points[-10].export == Decimal(0)  # 2024-06: nothing
    scoped = trend(viewer=city.district_b_user, end=dt.date(2025, 3, 1), currency="usd")
    assert scoped[-1].export == Decimal(20) and scoped[-1].import_ == 0


def test_new_exporters_and_stopped_traders(trade_data, city):
    new = new_exporters(viewer=city.leader, q=EXPORT)
    assert [(n.name, n.first_month, n.ytd) for n in new] == [
        ("丁服装", dt.date(2025, 3, 1), Decimal(20))
    ]
    stopped = stopped_traders(viewer=city.leader, q=EXPORT)
    assert [(s.name, s.last_month, s.months_stopped, s.value_before) for s in stopped] == [
        ("戊贸易", dt.date(2024, 10, 1), 5, Decimal(60))
    ]
    # the same through the facts, for a district user: e4 and e5 are in different districts
    assert [n.name for n in new_exporters(viewer=city.district_b_user, q=EXPORT)] == ["丁服装"]
    assert new_exporters(viewer=city.district_a_user, q=EXPORT) == []
    assert [s.name for s in stopped_traders(viewer=city.district_a_user, q=EXPORT)] == ["戊贸易"]


def test_markets_gained_and_lost(trade_data, city):
    found = markets(viewer=city.leader, q=EXPORT)
    assert [r.key for r in found.gained] == ["116"]
    assert [r.key for r in found.lost] == ["303"]
    mine = markets(viewer=city.leader, q=EXPORT, keys=Keys(enterprise=str(trade_data.e2.pk)))
    assert [r.key for r in mine.gained] == ["116"] and [r.key for r in mine.lost] == ["303"]


def test_concentration_city_and_enterprise(trade_data, city):
    found = concentration(viewer=city.leader, q=EXPORT)
    assert found.partners == 2
    assert found.hhi == Decimal(5000)  # 50% and 50%
    assert found.top5_share_pct == Decimal(100)
    assert found.level == "高度集中"
    per = {c.name: c for c in enterprise_concentration(viewer=city.leader, q=EXPORT)}
    e1 = per["甲机电"]  # 100 to the US, 50 to Japan
    assert e1.partners == 2 and e1.top_partner == "美国"
    assert approx(e1.hhi, str((Decimal(4) / 9 + Decimal(1) / 9) * 10000))
    assert per["乙纺织"].hhi == Decimal(10000)


def _concentration_from_facts(viewer, q):
    """Each enterprise's 累计 by partner grouped straight from the records it may see."""
    from collections import defaultdict

    from django.db.models import Sum

    from kaifang.trade.selectors.base import facts

    rows = (
        facts(viewer)
        .filter(period__in=q.span_months("ytd"), flow=q.flow)
        .values("enterprise_id", "partner_code")
        .annotate(value=Sum(q.field))
        .order_by()
    )
    by_ent: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for r in rows:
        if r["value"]:
            by_ent[r["enterprise_id"]][r["partner_code"] or "-"] = r["value"]
    return {
        pk: (len(v), hhi(v.values()), top_share_pct(v.values(), n=5)) for pk, v in by_ent.items()
    }


@pytest.mark.parametrize("persona", ["leader", "district_a_user", "district_b_user", "liaison"])
def test_enterprise_concentration_reads_the_partner_year_to_date_and_equals_the_facts(
    trade_data, city, persona
):
    """Issue 17: each firm's 累计 by partner comes from the partner stage's year-to-date rows
    (decision 0062), not the stage's months, through the scope gate; the figures equal the
    records' own grouping, and a firm outside the viewer's scope is not there."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    viewer = getattr(city, persona)
    with CaptureQueriesContext(connection) as queries:
        found = enterprise_concentration(viewer=viewer, q=EXPORT)
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "trade_customsrecord" not in read and "trade_enterprisepartnerrollup" not in read
    assert not found or "trade_enterprisepartneryeartodaterollup" in read
    got = {c.enterprise_id: (c.partners, c.hhi, c.top5_share_pct) for c in found}
    assert got == _concentration_from_facts(viewer, EXPORT)
    if persona == "district_b_user":
        assert trade_data.e1.pk not in got and got  # 甲机电 is in district A
    # the `limit` largest firms, in the order of the whole breakdown by enterprise
    ranked = [r.key for r in breakdown(viewer=viewer, by="enterprise", q=EXPORT).rows]
    top = [str(c.enterprise_id) for c in enterprise_concentration(viewer=viewer, q=EXPORT, limit=1)]
    assert top == [k for k in ranked if k.isdigit()][:1]


def _months_of(viewer_firms, flow, start, end, field):
    """Per firm, its months with records in [start, end] and their value, from the records."""
    qs = CustomsRecord.objects.filter(
        enterprise_id__in=viewer_firms, period__gte=start, period__lte=end
    )
    if flow != "total":
        qs = qs.filter(flow=flow)
    out: dict[str, dict] = {}
    for row in qs.values("enterprise_id", "period").annotate(v=Sum(field)).order_by():
        out.setdefault(str(row["enterprise_id"]), {})[row["period"]] = row["v"]
    return out


@pytest.mark.parametrize("flow", ["export", "total"])
def test_new_exporters_and_stopped_traders_equal_the_records_month_by_month(city, flow):
    """Summed per firm in SQL (a firm's months no longer carried into Python: 250 ms of CPU at
    5.6 M records, session 44), the lists keep their rules at their edges: a firm whose last
    export before its first of the year was 12 months earlier is not new, 13 months is; a firm
    stopped exactly `min_months` months is listed, one month fewer is not."""
    from kaifang.enterprises.tests.factories import EnterpriseFactory
    from kaifang.trade.rollups import rebuild_rollups
    from kaifang.trade.selectors.measures import add_months, months_between

    q = Query(year=2025, month=6, flow=flow, currency="usd")
    plan = {  # firm → (month, flow, value)
        "十二个月前": [(dt.date(2024, 3, 1), "export", 5), (dt.date(2025, 3, 1), "export", 9)],
        "十三个月前": [(dt.date(2024, 2, 1), "export", 4), (dt.date(2025, 3, 1), "export", 8)],
        "今年首次": [(dt.date(2025, 5, 1), "export", 7), (dt.date(2025, 6, 1), "export", 3)],
        "只有进口": [(dt.date(2025, 2, 1), "import", 6), (dt.date(2024, 11, 1), "import", 2)],
        "停三个月": [(dt.date(2025, 3, 1), "export", 11), (dt.date(2024, 9, 1), "export", 1)],
        "停两个月": [(dt.date(2025, 4, 1), "export", 12)],
        "去年停的": [(dt.date(2024, 1, 1), "export", 13), (dt.date(2024, 8, 1), "import", 2)],
    }
    firms = {}
    for name, rows in plan.items():
        firm = EnterpriseFactory(name=name, district=city.district_a)
        firms[name] = firm.pk
        for month, way, usd in rows:
            CustomsRecordFactory(
                enterprise=firm, period=month, flow=way, value_usd=Decimal(usd), trade_mode="10"
            )
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    ids = list(firms.values())
    names = {str(pk): name for name, pk in firms.items()}

    year = dt.date(2025, 1, 1)
    expected_new = []
    for firm, months in _months_of(ids, "export", add_months(year, -12), q.period, q.field).items():
        this_year = sorted(m for m in months if m >= year)
        if this_year and not any(add_months(this_year[0], -12) <= m < this_year[0] for m in months):
            expected_new.append((names[firm], this_year[0], sum(months[m] for m in this_year)))
    found = [(n.name, n.first_month, n.ytd) for n in new_exporters(viewer=city.leader, q=q)]
    assert sorted(found) == sorted(expected_new)
    assert {"十三个月前", "今年首次"} <= {n for n, _, _ in found}
    assert "十二个月前" not in {n for n, _, _ in found}

    start = add_months(q.period, -14)
    expected_stopped = []
    for firm, months in _months_of(ids, flow, start, q.period, q.field).items():
        last = max(months)
        gap = months_between(last, q.period)
        if gap >= 3:
            before = sum(v for m, v in months.items() if m > add_months(last, -12))
            expected_stopped.append((names[firm], last, gap, before))
    stopped = stopped_traders(viewer=city.leader, q=q)
    found_stopped = [(s.name, s.last_month, s.months_stopped, s.value_before) for s in stopped]
    assert sorted(found_stopped) == sorted(expected_stopped)
    assert "停三个月" in {n for n, *_ in found_stopped}
    assert "停两个月" not in {n for n, *_ in found_stopped}


@pytest.mark.django_db
def test_grouped_sums_add_cents_exactly_and_a_filter_on_no_keys_reads_nothing(
    django_assert_num_queries,
):
    """The sums are added as the database returns them (floats on SQLite) and become Decimals
    once per key: 0.1 + 0.2 is 0.3 to the cent, not 0.30000000000000004; a key filter on an
    empty list runs no query and gives no rows."""
    for value in ("0.10", "0.20", "1234567.89"):
        CustomsRecordFactory(value_usd=Decimal(value), partner_code="116")
    CustomsRecordFactory(value_usd=Decimal("7"), partner_code="502")
    q = Query(year=2025, month=3, flow="export", currency="usd")
    with django_assert_num_queries(1):
        sums = grouped_sums(CustomsRecord.objects.all(), F("partner_code"), q)
    assert sums["116"].month == Decimal("1234568.19") and sums["116"].ytd == Decimal("1234568.19")
    assert sums["502"].month == Decimal(7) and sums["502"].ytd_prev == 0
    assert summed(grouped_rows(CustomsRecord.objects.filter(pk__in=[]), F("hs_code"), q)) == {}
    assert as_decimal(0.1 + 0.2, 4) == Decimal("0.3") and as_decimal(5, 4) == Decimal(5)
    assert as_decimal(Decimal("2.5"), 4) == Decimal("2.5")
