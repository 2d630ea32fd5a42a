"""Issue 17: a liaison officer's drill-down pages by the firms plan (a walk per firm for the cut,
then his firms' records at or above it), chosen from the rollups' per-firm counts; the
product and partner stages count each firm's records of a key; every page in order."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaifang.core.models import Partner, PartnerGroup
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.trade.models import CustomsRecord, Dimension, TradeRollup
from kaifang.trade.rollups import rebuild_rollups
from kaifang.trade.selectors import Keys, Query, drill_records, drill_summary
from kaifang.trade.selectors.base import keys_q
from kaifang.trade.selectors.plans import (
    CUT_WALKS,
    FIRMS,
    FREE,
    HEADING_WALK,
    KEY,
    SCOPE,
    SCOPE_SEEK,
    WALK,
    _firm_counts,
    drill_plan,
)
from kaifang.trade.tests.drill_helpers import (
    Q_YTD,
    add_one_without_dollars,
    explain,
    record_ids,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("flow", "currency"), [("total", "usd"), ("export", "usd"), ("import", "usd")]
)
def test_the_firms_plan_gives_the_liaison_officers_pages_in_order(
    liaison_firms, city, flow, currency
):
    """A walk per firm for the cut, then the records at or above it: every page up to the
    depth asked equals the same slice of the full list, for each key and span, ties included
    (many equal values across the firms and months), and a record without a dollar value
    (listed last by SQLite, first by PostgreSQL)."""
    add_one_without_dollars(liaison_firms["small"], "import" if flow == "total" else flow, "344")
    q = Query(year=2025, month=3, flow=flow, currency=currency)
    seen = 0
    for params in (
        {},
        {"partner": "502"},
        {"hs": "61"},
        {"mode": "15"},
        {"district": str(city.district_a.pk)},  # firm keys: their firms only
        {"district": str(city.district_b.pk)},
        {"district": "-"},  # none of his firms
        {"partner": "344"},
        {"group": "g-ab"},
    ):
        keys = Keys(**params)
        for span in ("ytd", "month", "ytd_prev"):
            rows = record_ids(drill_records(viewer=city.liaison, q=q, span=span, keys=keys))
            for depth in (1, 50, 100, 450, 1_500):
                forced = drill_records(
                    viewer=city.liaison, q=q, span=span, keys=keys, plan=FIRMS, depth=depth
                )
                start = max(depth - 50, 0)
                assert record_ids(forced[start:depth]) == rows[start:depth], (params, span, depth)
            seen += len(rows)
    assert seen > 1_000
    # the enterprise rollup only spares walks: stale counts (none, or too many) give the
    # same pages
    rows = record_ids(drill_records(viewer=city.liaison, q=q, span="ytd", keys=Keys()))
    for stale in (0, 100_000):
        TradeRollup.objects.filter(dimension=Dimension.ENTERPRISE).update(rows=stale)
        for depth in (50, 450):
            forced = drill_records(
                viewer=city.liaison, q=q, span="ytd", keys=Keys(), plan=FIRMS, depth=depth
            )
            assert record_ids(forced[depth - 50 : depth]) == rows[depth - 50 : depth], (
                stale,
                depth,
            )


def test_the_firms_plan_is_only_for_a_viewer_of_named_firms(liaison_firms, city):
    for viewer in (city.leader, city.district_a_user, None):
        with pytest.raises(ValueError, match="firms plan"):
            drill_records(viewer=viewer, q=Q_YTD, span="ytd", keys=Keys(), plan=FIRMS, depth=50)


def test_the_liaison_officers_first_page_takes_the_firms_plan(liaison_firms, city):
    """His 810 records this year: the first page walks each firm's value index for its cut
    (about 60 entries) instead of sorting all of them; a deep page narrows as before, and
    so does a page in yuan (no (firm, yuan) index)."""
    summary = drill_summary(viewer=city.liaison, q=Q_YTD, span="ytd", keys=Keys())
    assert summary is not None and summary.count == 810

    def chosen(depth, q=Q_YTD):
        return drill_plan(
            viewer=city.liaison, q=q, span="ytd", keys=Keys(), depth=depth, matching=810
        )

    assert chosen(50) == FIRMS
    assert chosen(800) != FIRMS
    within_a = Keys(district=str(city.district_a.pk))  # a firm key: the large firm only
    assert (
        drill_plan(viewer=city.liaison, q=Q_YTD, span="ytd", keys=within_a, depth=50, matching=800)
        == FIRMS
    )
    # a partner's records per firm are in the partner stage: offered (on PostgreSQL its own
    # plan, which walks the partner's (partner, value) index itself); a full HS code's are
    # in no stage (the product stage keeps headings)
    partner, code = Keys(partner="502"), Keys(hs="84000001")
    assert drill_plan(
        viewer=city.liaison, q=Q_YTD, span="ytd", keys=partner, depth=50, matching=800
    ) == (FIRMS if connection.vendor == "sqlite" else FREE)
    assert (
        drill_plan(viewer=city.liaison, q=Q_YTD, span="ytd", keys=code, depth=1, matching=2)
        != FIRMS
    )
    assert chosen(50, Query(year=2025, month=3, currency="cny")) != FIRMS
    # in yuan his first rows walk the yuan index on both databases: PostgreSQL's own plan
    # sorted all his firms' records (218 ms at 50.7 M records against 54 ms walked)
    assert chosen(10, Query(year=2025, month=3, currency="cny")) == WALK
    qs = drill_records(viewer=city.liaison, q=Q_YTD, span="ytd", keys=Keys(), depth=50)
    if connection.vendor == "sqlite":
        text = explain(qs[:50])
        assert "customs_record_firm_usd (enterprise_id=? AND value_usd>?)" in text, text
        assert "customs_record_usd" not in text.replace("customs_record_usd ", ""), text
    assert qs.count() <= 2 * 50 + 40  # the cut keeps about a page per firm (ties above it)
    free = record_ids(drill_records(viewer=city.liaison, q=Q_YTD, span="ytd", keys=Keys()))
    assert record_ids(qs[:50]) == free[:50]


def _record_2025(firm, n: int, *, hs_code: str, mode: str, usd: int) -> CustomsRecord:
    """The `n`-th record of a firm in January–March 2025, the flows alternating, partner 502."""
    return CustomsRecord(
        enterprise=firm,
        period=dt.date(2025, n % 3 + 1, 1),
        flow=("export", "import")[n % 2],
        hs_code=hs_code,
        partner_code="502",
        trade_mode=mode,
        value_usd=Decimal(usd),
        value_cny=Decimal(usd) * 7,
    )


def test_the_records_page_reads_no_rollup_query_twice(liaison_firms, city, client):
    """The page's footer and the plan's costs both need the drill-down's count and value:
    one read of the rollups for them (the value skew read them again, one query a page)."""
    for viewer in (city.leader, city.district_a_user, city.liaison):
        client.force_login(viewer)
        for params in ({}, {"mode": "10"}, {"hs": "84"}, {"partner": "502"}):
            query = urlencode({"year": 2025, "month": 3, "span": "ytd", **params})
            with CaptureQueriesContext(connection) as queries:
                response = client.get(f"{reverse('trade:analysis_records')}?{query}")
            assert response.status_code == 200
            reads = Counter(q["sql"] for q in queries.captured_queries if "rollup" in q["sql"])
            assert [sql for sql, n in reads.items() if n > 1] == [], (viewer, params)


def test_a_liaison_officers_hs_chapter_heading_or_trade_mode_takes_the_firms_plan(
    liaison_firms, city
):
    """The product stage counts each firm's records of a heading and trade mode, so a
    liaison officer's first page within an HS chapter, heading or trade mode walks his
    largest firm's value index for the cut (as within a partner) instead of seeking or
    testing all his firms' matching records, which grow with them (his year of HS 85 at
    50.7 M records: 168 ms by the scope seek). PostgreSQL too, which walked the trade mode's
    own (mode, value) index (27–50 ms at 5.6 M records, the firms plan 4–13). The page is
    the free plan's."""
    # PostgreSQL weighs a walked entry 1, not 3: it walks the heading's own index
    heading = FIRMS if connection.vendor == "sqlite" else HEADING_WALK
    for params, expected in (
        ({"hs": "84"}, FIRMS),
        ({"hs": "8400"}, heading),
        ({"mode": "10"}, FIRMS),
    ):
        keys = Keys(**params)
        summary = drill_summary(viewer=city.liaison, q=Q_YTD, span="ytd", keys=keys)
        assert summary is not None and summary.count > 500, params
        chosen = drill_plan(
            viewer=city.liaison, q=Q_YTD, span="ytd", keys=keys, depth=50, matching=summary.count
        )
        assert chosen == expected, params
        free = record_ids(drill_records(viewer=city.liaison, q=Q_YTD, span="ytd", keys=keys))
        page = drill_records(viewer=city.liaison, q=Q_YTD, span="ytd", keys=keys, depth=50)
        assert record_ids(page[:50]) == free[:50], params


def test_a_key_of_small_values_among_large_ones_does_not_take_the_firms_plan(liaison_firms, city):
    """The firms plan's page reads every record of his firms at or above the cut, matching
    or not: within HS 90, which only a third firm of his trades and at small values, the
    cut lies below all of the large firm's records, so the page would read them all (the
    matching rows alone priced it at 150). It seeks the HS range in his firms instead, and
    the page is the free plan's."""
    optics = EnterpriseFactory(name="光学企业", district=city.district_b, liaison=city.liaison)
    CustomsRecord.objects.bulk_create(
        _record_2025(optics, n, hs_code=f"90{n:06d}", mode="10", usd=n % 5 + 1) for n in range(200)
    )
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    keys = Keys(hs="90")
    summary = drill_summary(viewer=city.liaison, q=Q_YTD, span="ytd", keys=keys)
    assert summary is not None and summary.count == 200
    chosen = drill_plan(viewer=city.liaison, q=Q_YTD, span="ytd", keys=keys, depth=50, matching=200)
    assert chosen == (SCOPE_SEEK if connection.vendor == "sqlite" else KEY)
    # the records the firms plan's page would read: every one of his at or above the cut
    cut = drill_records(viewer=city.liaison, q=Q_YTD, span="ytd", keys=keys)[49].value_usd
    above = CustomsRecord.objects.filter(enterprise__liaison=city.liaison, value_usd__gte=cut)
    assert above.count() > 800
    free = record_ids(drill_records(viewer=city.liaison, q=Q_YTD, span="ytd", keys=keys))
    page = drill_records(viewer=city.liaison, q=Q_YTD, span="ytd", keys=keys, depth=50)
    assert record_ids(page[:50]) == free[:50]


def test_a_walk_past_larger_records_is_priced_by_their_values(city, trade_reference):
    """A district's records within a trade mode whose city-wide records are far larger: the
    (mode, value) walk passes the others' large records before each of the district's, so
    it reads many more entries than `depth × the mode's records / matching`. The walk is
    priced up by how much larger the walked records are on average (a liaison officer's
    year within trade mode 15 took the key walk at 11.3 M records: 64 ms against the scope's
    16), and the district's own records are read instead; the page is the free plan's."""
    small = EnterpriseFactory(name="区内小企业", district=city.district_a)
    large = EnterpriseFactory(name="区外大企业", district=city.district_b)

    def record(firm, n, mode, usd):
        return _record_2025(firm, n, hs_code=f"84{n:06d}", mode=mode, usd=usd)

    CustomsRecord.objects.bulk_create(
        [record(small, n, "31", n % 5 + 1) for n in range(100)]
        + [record(small, n, "10", n % 50 + 1) for n in range(100, 3_100)]
        + [record(large, n, "31", 1_000 + n % 700) for n in range(2_000)]
    )
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    keys = Keys(mode="31")
    viewer = city.district_a_user
    summary = drill_summary(viewer=viewer, q=Q_YTD, span="ytd", keys=keys)
    assert summary is not None and summary.count == 100
    chosen = drill_plan(viewer=viewer, q=Q_YTD, span="ytd", keys=keys, depth=10, matching=100)
    if connection.vendor == "sqlite":  # PostgreSQL finds the (mode, value) index itself
        assert chosen == SCOPE
    free = record_ids(drill_records(viewer=viewer, q=Q_YTD, span="ytd", keys=keys))
    page = drill_records(viewer=viewer, q=Q_YTD, span="ytd", keys=keys, depth=10)
    assert record_ids(page[:10]) == free[:10]


def test_the_product_stage_counts_each_firms_records_of_a_heading_or_mode(liaison_firms, city):
    """The firms plan's counts per firm for an HS chapter, heading, trade mode or their
    missing value equal the records that match the key (what the cut and its price rest on)."""
    small = liaison_firms["small"]
    add_one_without_dollars(small, "export", "344", hs_code="")
    firms = sorted([small.pk, liaison_firms["big"].pk])
    for flow in ("total", "export"):
        q = Query(year=2025, month=3, flow=flow)
        months = q.span_months("ytd")
        for params in (
            {"hs": "84"},
            {"hs": "8400"},
            {"hs": "61"},
            {"hs": "-"},
            {"mode": "15"},
            {"mode": "99"},
            {"mode": "-"},
        ):
            keys = Keys.from_params(params)
            counts = _firm_counts(firms, q, months, keys)
            records = CustomsRecord.objects.filter(
                keys_q(keys), enterprise_id__in=firms, period__in=months
            )
            if flow != "total":
                records = records.filter(flow=flow)
            expected = {
                row["enterprise_id"]: row["n"]
                for row in records.values("enterprise_id").annotate(n=Count("id"))
            }
            assert counts.matching == expected, (flow, params)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index conditions")
@pytest.mark.parametrize(
    ("prefix", "stage", "column", "last"),
    [
        ("8", "chapter", "chapter", "89"),  # the chapter stage (decision 0039)
        ("847", "product", "heading", "8479"),
    ],
)
def test_an_hs_prefixs_stage_counts_read_its_range_from_the_key(
    liaison_firms, city, prefix, stage, column, last
):
    """At 50.7 M records a liaison officer's counts for HS 85 fetched every row of his firms'
    months from the heap to test the chapter's LIKE (93 ms): the prefix is also asked as a
    range of the stage's column (a chapter's: the chapter stage; a heading's: the product
    stage), the key's fourth column, which the key itself can test. The stage's other indexes
    are dropped for the test (rolled back with it), so that the key is the plan's only index:
    on so few rows PostgreSQL took either the key or the (column, period, enterprise, …) index,
    depending on the run."""
    table = f"trade_enterprise{stage}rollup"
    firms = sorted([liaison_firms["small"].pk, liaison_firms["big"].pk])
    q = Query(year=2025, month=3)
    with CaptureQueriesContext(connection) as queries:
        _firm_counts(firms, q, q.span_months("ytd"), Keys(hs=prefix))
    read = [x["sql"] for x in queries.captured_queries if table in x["sql"]]
    assert len(read) == 1, [x["sql"] for x in queries.captured_queries]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX enterprise_{stage}_period")
        cursor.execute(f"DROP INDEX enterprise_{stage}_cover")
        for setting in ("enable_seqscan", "enable_bitmapscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + read[0])
        plan = [row[0] for row in cursor.fetchall()]
    conditions = " ".join(line for line in plan if "Index Cond" in line)
    assert f"enterprise_{stage}_rollup_unique" in "\n".join(plan), plan
    assert f"{column} >= '{prefix}'" in conditions, plan
    assert f"{column} <= '{last}'" in conditions, plan


def test_a_groups_codes_reach_the_database_as_a_list(liaison_firms, city):
    """A partner group's members go into every query as their codes, not as a subquery:
    PostgreSQL guesses a subquery's share and, for the firms plan's cut within 一带一路, read
    and sorted each firm's year instead of walking its value index (38 → 5 ms at 5.6 M
    records, 68 → 288 ms for the page when they doubled). The page is the same."""
    group = PartnerGroup.objects.create(code="g-ab", name="美日组", order=1)
    group.members.set(Partner.objects.filter(code__in=["502", "116"]))
    keys = Keys(group="g-ab")
    free = record_ids(drill_records(viewer=city.liaison, q=Q_YTD, span="ytd", keys=keys))
    assert free
    with CaptureQueriesContext(connection) as queries:
        page = record_ids(
            drill_records(
                viewer=city.liaison, q=Q_YTD, span="ytd", keys=keys, plan=FIRMS, depth=50
            )[:50]
        )
    assert page == free[:50]
    reads = [q["sql"] for q in queries.captured_queries if "trade_customsrecord" in q["sql"]]
    assert len(reads) == 2, reads  # the cut and the page
    for sql in reads:
        assert "core_partnergroup" not in sql, sql
        assert "'116'" in sql, sql  # a member's code, written out


def test_the_firms_cut_walks_the_firms_with_the_most_value(city):
    """Of his firms with a page's depth of matching records, only the CUT_WALKS with the
    most matching value are walked for the cut (any one firm's gives a valid cut, the
    largest firm's the tightest): the page is the same as the free plan's at every depth,
    keys and flows, and the cut's query names those firms only."""
    firms = [
        EnterpriseFactory(name=f"包联{i}", district=city.district_a, liaison=city.liaison)
        for i in range(6)
    ]
    CustomsRecord.objects.bulk_create(
        CustomsRecord(
            enterprise=firm,
            period=dt.date(2025, n % 3 + 1, 1),
            flow=("export", "import")[n % 2],
            hs_code=f"61{n:06d}",
            partner_code=("502", "116")[n % 3 == 0],
            trade_mode="10",
            value_usd=Decimal((i + 1) * 1000 + n % 97),  # firm i+1 outweighs firm i
            value_cny=Decimal(n + 1),
        )
        for i, firm in enumerate(firms)
        for n in range(120)
    )
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    heaviest = {str(firm.pk) for firm in firms[-CUT_WALKS:]}
    for flow in ("total", "export"):
        q = Query(year=2025, month=3, flow=flow)
        for keys in (Keys(), Keys(partner="502")):
            rows = record_ids(drill_records(viewer=city.liaison, q=q, span="ytd", keys=keys))
            for depth in (10, 30):  # each firm has 40 exports to partner 502
                with CaptureQueriesContext(connection) as queries:
                    qs = drill_records(
                        viewer=city.liaison, q=q, span="ytd", keys=keys, plan=FIRMS, depth=depth
                    )
                assert record_ids(qs[depth - 10 : depth]) == rows[depth - 10 : depth], (flow, keys)
                cuts = [
                    sql["sql"]
                    for sql in queries.captured_queries
                    if "trade_customsrecord" in sql["sql"]
                ]
                assert _cut_firms_named(cuts) == heaviest, (flow, keys, depth, cuts)


def _cut_firms_named(cuts: list[str]) -> set[str]:
    """The firms the cut's queries walk: SQLite's one query lists them, PostgreSQL's
    queries name one each."""
    if connection.vendor == "sqlite":
        (cut,) = cuts
        (listed,) = re.findall(r'"enterprises_enterprise"\."id" IN \(([^)]*)\)', cut)
        return {pk.strip() for pk in listed.split(",")}
    assert len(cuts) == CUT_WALKS, cuts
    named = [re.findall(r'"enterprise_id" = (\d+)', cut) for cut in cuts]
    return {pk for (pk,) in named}


def test_the_liaison_officers_page_reads_his_firms_counts_once(liaison_firms, city, client):
    """The firms plan's cost and its cut both need each firm's counts: one read of the
    enterprise rollup for them per request, and the page is the free plan's first page."""
    from django.test.utils import CaptureQueriesContext

    client.force_login(city.liaison)
    query = urlencode({"year": 2025, "month": 3, "span": "ytd"})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{reverse('trade:analysis_records')}?{query}")
    assert response.status_code == 200
    grouped = [
        q["sql"]
        for q in queries.captured_queries
        if "trade_traderollup" in q["sql"] and "GROUP BY" in q["sql"]
    ]
    assert len(grouped) == 2, grouped  # all months, and the page's months
    free = record_ids(drill_records(viewer=city.liaison, q=Q_YTD, span="ytd", keys=Keys()))
    assert [r.pk for r, _name in response.context["rows"]] == free[:50]
    assert any(
        "value_usd" in q["sql"] and "LIMIT 1 OFFSET 49" in q["sql"]
        for q in queries.captured_queries
    )


@pytest.mark.parametrize("params", [{"hs": "61"}, {"partner": "502"}, {"mode": "15"}])
def test_a_firm_beside_a_trade_key_walks_that_firm_for_every_viewer(liaison_firms, city, params):
    """An enterprise key beside a partner, HS chapter or trade mode (a firm's row of a
    breakdown, then its next level): the firms plan of that firm alone, whoever looks. The
    leader's year of the largest firm within a partner walked the city's value index past
    700,000 entries (215 ms of CPU at 5.6 M records, session 41). Every viewer's pages equal
    the plain sorted list; one who cannot see the firm gets none."""
    big = liaison_firms["big"]
    keys = Keys(enterprise=str(big.pk), **params)
    viewers = (None, city.leader, city.district_a_user, city.district_b_user, city.liaison)
    for viewer in viewers:
        plain = drill_records(viewer=viewer, q=Q_YTD, span="ytd", keys=keys, plan=FREE)
        expected = record_ids(plain)
        assert bool(expected) == (viewer is not city.district_b_user), viewer
        for depth in (1, 10, 50):
            firms = drill_records(
                viewer=viewer, q=Q_YTD, span="ytd", keys=keys, plan=FIRMS, depth=depth
            )
            assert record_ids(firms[:depth]) == expected[:depth], (viewer, depth)
    summary = drill_summary(viewer=city.leader, q=Q_YTD, span="ytd", keys=keys)
    assert summary is not None and summary.count >= 50
    chosen = drill_plan(
        viewer=city.leader, q=Q_YTD, span="ytd", keys=keys, depth=50, matching=summary.count
    )
    assert chosen == FIRMS
