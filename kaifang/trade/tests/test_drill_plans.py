"""Issue 17: the drill-down's page walks the value index when the matching records are a
large share of the table, walks a key's (key, value) index when they are a large share of
that key's records (decision 0019), and narrows through the key's or
scope's index when they are few; every plan gives the same rows in the same order."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.trade.models import CustomsRecord, Dimension
from kaifang.trade.rollups import rebuild_rollups
from kaifang.trade.selectors import Keys, Query, drill_page, drill_records, drill_summary
from kaifang.trade.selectors.base import scoped_sources
from kaifang.trade.selectors.plans import (
    FREE,
    HEADING_WALK,
    KEY,
    KEY_WALK,
    MONTH_CUT,
    MONTHS,
    PG_VALUE_WALK_ENTRY_COST,
    SCOPE,
    SCOPE_SEEK,
    VALUE_WALK_ENTRY_COST,
    WALK,
    drill_plan,
    entry_cost,
    table_records,
    walks,
)
from kaifang.trade.tests.drill_helpers import (
    Q_YTD,
    add_filler_exports,
    add_one_without_dollars,
    explain,
    record_ids,
    sorts_priced_out,
)

pytestmark = pytest.mark.django_db


def test_walks_when_the_page_lies_within_a_few_entries_per_match():
    records = 1_000_000
    assert walks(50, 300_000, records)  # the city's year: about 170 entries for 50 rows
    assert walks(1_000, 300_000, records)  # its page 20: about 3,300 entries
    assert not walks(50, 2_000, records)  # one firm's year: 25,000 entries for 50 rows
    assert not walks(50, 0, records)
    assert not walks(1_000, 900, records)  # the page lies past the last match
    # the threshold: depth × records × cost against matching² (a value walk's entry weighs 1
    # on SQLite, which tests it on the index, trade/0015; 0.5 on PostgreSQL, which reads the
    # page's ids from the index alone, trade/0016)
    cost = VALUE_WALK_ENTRY_COST if connection.vendor == "sqlite" else PG_VALUE_WALK_ENTRY_COST
    largest = int(10_000**2 // (50 * cost))
    assert walks(50, 10_000, largest)
    assert not walks(50, 10_000, largest + 1)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner has no statistics")
def test_a_large_share_walks_the_value_index_and_a_small_one_the_key(shares, city):
    assert table_records() == 1_410

    def plan(viewer, depth=50, q=Q_YTD, span="ytd", **params):
        keys = Keys(**params)
        summary = drill_summary(viewer=viewer, q=q, span=span, keys=keys)
        assert summary is not None
        qs = drill_records(
            viewer=viewer, q=q, span=span, keys=keys, depth=depth, matching=summary.count
        )
        return explain(qs)

    walked = "SCAN trade_customsrecord USING INDEX customs_record_usd"
    cny = Query(year=2025, month=3, currency="cny")
    # the city's year (1,210 of 1,410), a district's (800), a large HS chapter's; in yuan a
    # large partner's (800; its (partner, value) index orders dollars)
    for text in (
        plan(city.leader),
        plan(city.leader, 100),  # page 2
        plan(city.district_a_user),
        plan(city.leader, hs="84"),
        plan(city.leader, q=cny).replace("cny", "usd"),
        plan(city.leader, q=cny, partner="502").replace("cny", "usd"),
    ):
        assert walked in text, text
        assert "TEMP B-TREE FOR RIGHT PART OF ORDER BY" in text  # ties only
    # a large share of one key's records: that key's (key, value) index
    walked_within = {
        "customs_record_partner_usd (partner_code=?)": (
            plan(city.leader, partner="502"),
            plan(city.leader, 100, partner="502"),  # page 2
            plan(city.district_a_user, partner="502"),
        ),
        "customs_record_mode_usd (trade_mode=?)": (plan(city.leader, mode="10"),),
        # a heading (960 of its 1,248 records this year): its (heading, value) index
        "customs_record_heading_usd (<expr>=?)": (
            plan(city.leader, hs="8400"),
            plan(city.district_a_user, hs="8400"),
        ),
        "customs_record_firm_usd (enterprise_id=?)": (
            plan(city.leader, enterprise=str(shares["big"].pk)),
            plan(city.district_a_user, 150, enterprise=str(shares["big"].pk)),
        ),
    }
    for index, texts in walked_within.items():
        for text in texts:
            assert f"SEARCH trade_customsrecord USING INDEX {index}" in text, text
            assert "USE TEMP B-TREE FOR ORDER BY" not in text, text
            assert "TEMP B-TREE FOR RIGHT PART OF ORDER BY" in text  # ties only
    # few records: a narrow plan through the index of the smallest range, then a sort
    narrowed = {
        "(enterprise_id=? AND period>? AND period<?)": (
            plan(city.liaison),  # the scope: the liaison officer's firm
            plan(city.district_a_user, 500),  # a deep page: the district's firms
            plan(city.leader, enterprise=str(shares["small"].pk)),  # the key: one firm
        ),
        # a heading of which the district holds a small share: one seek per firm, month and
        # flow into the unique key's range of codes, cheaper than the heading's rows fetched
        # out of order through the HS index or every record of the firms' months tested
        "(enterprise_id=? AND period=? AND flow=? AND hs_code>? AND hs_code<?)": (
            plan(city.district_b_user, hs="6100"),
        ),
        # a heading's month: its codes' range (the month's few records of it)
        "(hs_code>? AND hs_code<?)": (plan(city.leader, span="month", hs="6100"),),
        "(partner_code=? AND period>? AND period<?)": (
            plan(city.leader, partner="344"),
            plan(city.district_a_user, partner="344"),
        ),
        # the last page within a trade mode in yuan (303 records): no (mode, yuan) index, and
        # the value walk would pass nearly the whole table, so the months
        "(period>? AND period<?)": (plan(city.leader, 300, q=cny, mode="15"),),
    }
    for index, texts in narrowed.items():
        for text in texts:
            assert index in text, text
            assert "customs_record_usd" not in text, text
            assert "USE TEMP B-TREE FOR ORDER BY" in text, text
    # the export reads every row: narrowed
    assert "customs_record_usd" not in explain(
        drill_records(viewer=city.leader, q=Q_YTD, span="ytd", keys=Keys(partner="502"))
    )


@pytest.mark.parametrize(
    ("flow", "currency"), [("total", "usd"), ("export", "usd"), ("export", "cny")]
)
def test_every_plan_gives_the_same_rows_in_the_same_order(shares, city, flow, currency):
    """Each plan forced (walk, months, key, key walk, month walk, scope, scope seek) against the
    database's own choice, every row in order, for each persona and key: ties (equal values
    in the same month) are ordered by id in all of them. In yuan too, where the (key, value)
    indexes do not give the order (never chosen then, but correct when forced)."""
    q = Query(year=2025, month=3, flow=flow, currency=currency)
    seen = 0
    for viewer in (None, city.leader, city.district_a_user, city.district_b_user, city.liaison):
        for params in (
            {},
            {"partner": "502"},
            {"partner": "344"},
            {"hs": "61"},
            {"hs": "8400"},
            {"mode": "15"},
            {"enterprise": str(shares["other"].pk)},
            {"district": str(city.district_b.pk)},
        ):
            keys = Keys(**params)
            plans = [WALK, MONTHS]
            if len(params) == 1 and {"partner", "hs", "enterprise"} >= params.keys():
                plans.append(KEY)
            if len(params) == 1 and {"partner", "mode", "enterprise"} >= params.keys():
                plans.append(KEY_WALK)
            if params == {"hs": "8400"}:
                plans.append(HEADING_WALK)
            if viewer is not None and viewer != city.leader:
                plans.append(SCOPE)
                if params.keys() == {"hs"}:
                    plans.append(SCOPE_SEEK)
            for span in ("ytd", "month", "ytd_prev"):
                free = drill_records(viewer=viewer, q=q, span=span, keys=keys)
                assert "CASE WHEN" not in str(free.query)
                rows = record_ids(free)
                for plan in plans:
                    forced = drill_records(viewer=viewer, q=q, span=span, keys=keys, plan=plan)
                    assert record_ids(forced) == rows, (viewer, params, span, plan)
                    assert record_ids(forced[20:70]) == rows[20:70]
                seen += len(rows)
    assert seen > 0


def test_the_records_page_gives_the_same_pages_for_both_plans(shares, city, client):
    """The page (walked for page 1 of the district user, narrowed for a deep page) equals
    the same slice of the narrowed list."""
    client.force_login(city.district_a_user)
    narrowed = record_ids(
        drill_records(viewer=city.district_a_user, q=Q_YTD, span="ytd", keys=Keys())
    )
    assert len(narrowed) == 800
    for page in (1, 2, 16):
        query = urlencode({"year": 2025, "month": 3, "span": "ytd", "page": page})
        response = client.get(f"{reverse('trade:analysis_records')}?{query}")
        assert response.status_code == 200
        ids = [r.pk for r, _name in response.context["rows"]]
        assert ids == narrowed[(page - 1) * 50 : page * 50]


def test_a_page_number_out_of_range_shows_the_first_or_last_page(shares, city, client):
    """Nonsense is page 1 and past the end is the last page, as `Paginator.get_page` does:
    the plan is chosen for the page actually shown."""
    client.force_login(city.leader)
    narrowed = record_ids(drill_records(viewer=city.leader, q=Q_YTD, span="ytd", keys=Keys()))
    assert len(narrowed) == 1_210

    def shown(page: str) -> list[int]:
        query = urlencode({"year": 2025, "month": 3, "span": "ytd", "page": page})
        response = client.get(f"{reverse('trade:analysis_records')}?{query}")
        assert response.status_code == 200
        return [r.pk for r, _name in response.context["rows"]]

    assert shown("abc") == narrowed[:50]
    assert shown("9999") == shown("0") == narrowed[1_200:]


def test_keys_through_the_enterprise_or_a_group_agree_in_every_plan(trade_data, city):
    """Keys that join the enterprise, its industry or a partner group sit inside the CASE too."""
    q = Query(year=2025, month=3)
    for viewer in (city.leader, city.district_a_user, city.district_b_user):
        for params in (
            {"group": "g-ab"},
            {"industry": "C"},
            {"industry": "1711"},
            {"industry": "-"},
            {"district": "-"},
            {"park": str(city.district_a_park.pk)},
        ):
            keys = Keys(**params)
            for span in ("ytd", "ytd_prev"):
                rows = record_ids(drill_records(viewer=viewer, q=q, span=span, keys=keys))
                for plan in (WALK, MONTHS) if viewer == city.leader else (WALK, MONTHS, SCOPE):
                    forced = drill_records(viewer=viewer, q=q, span=span, keys=keys, plan=plan)
                    assert record_ids(forced) == rows, (viewer, params, span, plan)


def test_a_walk_within_a_key_needs_its_index(shares, city):
    """The key walk exists for a partner, a trade mode and a firm; forced for other keys it
    says so instead of reading the wrong index."""
    q = Query(year=2025, month=3, flow="export")
    with pytest.raises(ValueError, match="key, value"):
        drill_records(viewer=city.leader, q=q, span="ytd", keys=Keys(hs="84"), plan=KEY_WALK)
    with pytest.raises(ValueError, match="key, value"):
        drill_records(
            viewer=city.leader, q=q, span="ytd", keys=Keys(partner="502", mode="10"), plan=KEY_WALK
        )


def test_a_heading_walk_needs_a_four_digit_heading(shares, city):
    """The heading walk's index holds four digits: forced for a chapter, a code, or a heading
    beside another key it says so instead of reading the wrong index."""
    for params in ({"hs": "84"}, {"hs": "84000001"}, {"hs": "8400", "partner": "502"}):
        with pytest.raises(ValueError, match="heading, value"):
            drill_records(
                viewer=city.leader, q=Q_YTD, span="ytd", keys=Keys(**params), plan=HEADING_WALK
            )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's key plan")
def test_a_headings_key_plan_counts_the_entries_of_every_month_it_tests(shares, city):
    """SQLite reads a heading's range of the (hs_code, period) index in every month and tests
    the months on its entries (`_planned`), so a heading with many records in other months
    costs more than its month's few: the month's own records are read instead (session 25:
    a month of HS 8471 was priced at its 1,046 rows and read 37,000 entries besides)."""

    def month_plan() -> str:
        keys = Keys(hs="6100")
        summary = drill_summary(viewer=city.leader, q=Q_YTD, span="month", keys=keys)
        assert summary is not None
        qs = drill_records(
            viewer=city.leader, q=Q_YTD, span="month", keys=keys, depth=50, matching=summary.count
        )
        return explain(qs)

    assert "(hs_code>? AND hs_code<?)" in month_plan()
    earlier = [dt.date(2024, m, 1) for m in range(1, 13)]
    CustomsRecord.objects.bulk_create(
        CustomsRecord(
            enterprise=shares["other"],
            period=earlier[i % 12],
            flow="export",
            hs_code=f"6100{5000 + i:04d}",  # codes the fixture has not
            partner_code="116",
            trade_mode="10",
            value_usd=Decimal(5),
            value_cny=Decimal(35),
        )
        for i in range(600)
    )
    rebuild_rollups(earlier)
    assert "(period>? AND period<?)" in month_plan()  # March's records, sorted


def test_a_scope_seek_needs_a_scoped_viewer_and_an_hs_key_alone(shares, city):
    """The seek reads a scoped viewer's firms by the unique key's (enterprise, period, flow,
    hs_code): forced for the city (no firms listed), a partner, or an HS code beside another
    key, it says so instead of reading past the gate or the key."""
    for viewer, params in (
        (city.leader, {"hs": "61"}),
        (None, {"hs": "61"}),
        (city.district_a_user, {"partner": "502"}),
        (city.district_a_user, {"hs": "61", "partner": "502"}),
    ):
        with pytest.raises(ValueError, match="no scope seek"):
            drill_records(viewer=viewer, q=Q_YTD, span="ytd", keys=Keys(**params), plan=SCOPE_SEEK)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's weights")
def test_a_scope_seeks_rows_weigh_as_rows_fetched_through_an_index(shares, city):
    """The seek fetches its matching rows out of table order and sorts them, as the key
    plan does: a row weighs a walked entry. Where the matching rows outnumber a third of
    what the value walk reads, the walk (a district user's export year of HS 85, page 20,
    at 11.3 M records: the seek 118 ms, growing with the records, the walk 61 ms, flat); few
    rows within a large scope still seek."""

    def chosen(depth, matching):
        return drill_plan(
            viewer=city.district_b_user,
            q=Q_YTD,
            span="ytd",
            keys=Keys(hs="84"),
            depth=depth,
            matching=matching,
        )

    # the walk reads depth × 1,410 / matching entries: 176 for page 1 of 400, where the
    # seek fetches and sorts the 400 rows
    assert chosen(50, 400) == WALK
    assert chosen(5, 100) == WALK
    assert chosen(2, 10) == SCOPE_SEEK  # ten rows: the seeks, where a walk reads 282


def test_a_scope_seek_gives_a_district_its_heading_with_the_codes_missing_too(shares, city):
    """Every page by the seek against the database's own plan for a district user: a heading,
    a chapter and the records without a code ("-", the empty code equal in the seek)."""
    add_one_without_dollars(shares["big"], "export", "502", hs_code="")
    for params in ({"hs": "6100"}, {"hs": "61"}, {"hs": "-"}):
        keys = Keys(**params)
        for span in ("ytd", "month"):
            free = record_ids(
                drill_records(viewer=city.district_a_user, q=Q_YTD, span=span, keys=keys)
            )
            sought = drill_records(
                viewer=city.district_a_user, q=Q_YTD, span=span, keys=keys, plan=SCOPE_SEEK
            )
            assert record_ids(sought) == free, (params, span)
    assert free  # the record without a code is the district's


@pytest.mark.parametrize("flow", ["total", "export"])
def test_the_heading_walk_gives_every_page_of_a_heading_in_order(shares, city, flow):
    """The heading walk forced against the database's own plan, every row and a deep slice,
    with a record of the heading without a dollar value (listed first on PostgreSQL, last on
    SQLite, by both plans), for the city and a district user, a year and a month."""
    add_one_without_dollars(shares["big"], "export", "502", hs_code="84000001")
    q = Query(year=2025, month=3, flow=flow)
    keys = Keys(hs="8400")
    for viewer in (None, city.leader, city.district_a_user, city.district_b_user):
        for span in ("ytd", "month", "ytd_prev"):
            free = record_ids(drill_records(viewer=viewer, q=q, span=span, keys=keys))
            walked = drill_records(viewer=viewer, q=q, span=span, keys=keys, plan=HEADING_WALK)
            assert record_ids(walked) == free, (viewer, span)
            assert record_ids(walked[20:70]) == free[20:70]
    everyone = record_ids(drill_records(viewer=None, q=q, span="ytd", keys=keys))
    unpriced = CustomsRecord.objects.get(value_usd__isnull=True).pk
    assert unpriced in everyone


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own planner")
def test_postgresql_walks_the_headings_index_when_the_heading_walk_is_chosen(shares, city):
    """A large share of a heading's records walks its (heading, value) index on PostgreSQL
    too: the plan is forced (PostgreSQL has no heading condition of its own to match the
    index) with every condition plain, and with full sorts priced out its plan is a
    backward scan of that index, for the leader and for a district user behind the gate."""
    keys = Keys(hs="8400")
    for viewer in (city.leader, city.district_a_user):
        summary = drill_summary(viewer=viewer, q=Q_YTD, span="ytd", keys=keys)
        assert summary is not None
        plan = drill_plan(
            viewer=viewer, q=Q_YTD, span="ytd", keys=keys, depth=50, matching=summary.count
        )
        assert plan == HEADING_WALK
    with sorts_priced_out():
        for viewer in (city.leader, city.district_a_user):
            qs = drill_records(viewer=viewer, q=Q_YTD, span="ytd", keys=keys, plan=HEADING_WALK)
            text = explain(qs[:50])
            assert "Index Scan Backward using customs_record_heading_usd" in text, text
            assert "CASE WHEN" not in str(qs.query)


def test_a_scope_seek_is_chosen_on_both_databases(shares, city):
    """A district's heading of which it holds a small share (82 of the heading's 282 records
    this year, two firms): the seek's 2 firms × 3 months × 2 flows beat the heading's walk and
    ranges on both databases; SQLite reads the unique key."""
    keys = Keys(hs="6100")
    viewer = city.district_b_user
    summary = drill_summary(viewer=viewer, q=Q_YTD, span="ytd", keys=keys)
    assert summary is not None and summary.count == 82
    plan = drill_plan(viewer=viewer, q=Q_YTD, span="ytd", keys=keys, depth=50, matching=82)
    assert plan == SCOPE_SEEK
    qs = drill_records(viewer=viewer, q=Q_YTD, span="ytd", keys=keys, plan=SCOPE_SEEK)
    if connection.vendor == "sqlite":  # the unique key, seeked (PostgreSQL's: the next test)
        assert "enterprise_id=? AND period=? AND flow=? AND hs_code>?" in explain(qs[:50])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's estimates")
def test_postgresql_seeks_the_firms_through_the_gates_join_alone(shares, city):
    """On PostgreSQL the seek names the months, flows and codes and lets the gate's join give
    the firms. With the firms also written as a list (a second condition on `enterprise_id`
    beside the join's) it estimated one record per firm and read each firm's whole range of
    the unique key, testing the months on every entry: a liaison officer's year of HS 8471 at
    50.7 M records 62 ms, 4.5 ms through the join; his export year of HS 85, page 20, 93 →
    16 ms (docs/performance.md "Session 30"). The few test rows cannot show that estimate,
    so this checks the query's shape; the rows are the free plan's. Without the list it
    walked the value index for a first page instead (a year of HS 84 at 11.3 M records: 876
    ms, 14 ms sorted): the seek orders by an expression no index holds."""
    keys = Keys(hs="84")
    for viewer in (city.liaison, city.district_b_user):
        qs = drill_records(viewer=viewer, q=Q_YTD, span="ytd", keys=keys, plan=SCOPE_SEEK)
        assert record_ids(qs) == record_ids(
            drill_records(viewer=viewer, q=Q_YTD, span="ytd", keys=keys)
        )
        sql = str(qs.query)
        assert '"trade_customsrecord"."period" IN' in sql and "CASE WHEN" not in sql, sql
        assert '"trade_customsrecord"."enterprise_id" IN' not in sql, sql
        # nor walked along the value index for the page, even where a sort costs most
        with sorts_priced_out():
            text = explain(qs[:50])
        assert "customs_record_usd" not in text, text


def test_a_value_walks_entry_weighs_a_narrowed_row(shares, city):
    """A page of an HS chapter (968 of the table's 1,410 records), deep enough that the walk
    reads about 440 entries. PostgreSQL weighs an entry 1 or less (its narrow plans read by a
    bitmap and sort: a district user's export year of HS 85, page 20, at 5.6 M records took
    102–131 ms narrowed and 37–43 ms in its own plan, which walks), so it keeps its own. SQLite
    weighs it 1 too since its value indexes hold what the walk tests (trade/0015; 3 before,
    when it narrowed to the months here), and walks; a (key, value) index's entry still
    weighs 3."""
    keys = Keys(hs="84")
    summary = drill_summary(viewer=city.leader, q=Q_YTD, span="ytd", keys=keys)
    assert summary is not None and summary.count == 968
    plan = drill_plan(viewer=city.leader, q=Q_YTD, span="ytd", keys=keys, depth=300, matching=968)
    assert plan == (WALK if connection.vendor == "sqlite" else FREE)
    if connection.vendor == "sqlite":
        assert entry_cost(WALK) == 1 and entry_cost(KEY_WALK) == 3


def test_a_deep_page_of_a_districts_chapter_walks_rather_than_seeks(shares, city):
    """District B's year of HS 84 (328 records, two firms), page 2: the walk reads about
    430 entries, the scope seek 12 ranges and the 328 rows. On PostgreSQL the page's ids come
    from an index-only walk (trade/0016), so an entry weighs half a row and its own plan
    (which walks) is kept: weighed 1, the seek won, and a district user's year of HS 84,
    page 20, at 5.6 M records took 184–250 ms by the seek, 24 ms by its own plan (session
    34). SQLite walks (its seek's rows and ranges weigh 3). The page is the same rows."""
    keys = Keys(hs="84")
    viewer = city.district_b_user
    summary = drill_summary(viewer=viewer, q=Q_YTD, span="ytd", keys=keys)
    assert summary is not None and summary.count == 328
    plan = drill_plan(viewer=viewer, q=Q_YTD, span="ytd", keys=keys, depth=100, matching=328)
    assert plan == (WALK if connection.vendor == "sqlite" else FREE)
    chosen = drill_records(viewer=viewer, q=Q_YTD, span="ytd", keys=keys, depth=100, matching=328)
    seek = drill_records(viewer=viewer, q=Q_YTD, span="ytd", keys=keys, plan=SCOPE_SEEK)
    page = drill_page(chosen, 50, 100, q=Q_YTD, keys=keys)
    assert [r.value_usd for r in page] == [r.value_usd for r in seek[50:100]]
    assert {r.enterprise_id for r in page} <= {shares["other"].pk, shares["small"].pk}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own planner")
def test_postgresql_walks_a_keys_value_index_by_itself(shares, city):
    """On PostgreSQL the drill-down keeps its own plan for a partner, a trade mode or a firm
    in dollars (decision 0019), and that plan can walk the key's (key, value) index in value
    order: with full sorts priced out (the few test rows would otherwise be sorted in
    memory) it takes the key's index, not the table's value index. HS keys keep the forced
    key plan."""
    leader = city.leader
    for params in ({"partner": "502"}, {"mode": "10"}, {"enterprise": str(shares["big"].pk)}):
        keys = Keys(**params)
        assert (
            drill_plan(viewer=leader, q=Q_YTD, span="ytd", keys=keys, depth=1_000, matching=800)
            == FREE
        )
    # a page deep in a heading's few matching records: its range of codes, forced
    assert (
        drill_plan(
            viewer=leader, q=Q_YTD, span="ytd", keys=Keys(hs="8400"), depth=150, matching=160
        )
        == KEY
    )
    expected = {
        "partner_code": ({"partner": "502"}, "customs_record_partner_usd"),
        "trade_mode": ({"mode": "10"}, "customs_record_mode_usd"),
        "enterprise": ({"enterprise": str(shares["big"].pk)}, "customs_record_firm_usd"),
    }
    with sorts_priced_out():
        for params, index in expected.values():
            qs = drill_records(viewer=leader, q=Q_YTD, span="ytd", keys=Keys(**params))
            text = explain(qs[950:1000])
            assert f"Index Scan Backward using {index}" in text, text


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner has no statistics")
def test_the_hs_key_plan_does_not_follow_the_order_the_indexes_were_made(shares, city):
    """Beside the HS codes' range the months' range is as good a range to SQLite, which then
    takes the index created last: with the (period, flow) index built again after (hs_code,
    period), as on a database where it was rebuilt, the key plan still reads the HS index."""
    table = CustomsRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE tbl_name = %s AND sql LIKE %s",
            [table, '%("period", "flow")'],
        )
        ((name, sql),) = cursor.fetchall()
        cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(sql)
    keys = Keys(hs="6100")
    qs = drill_records(viewer=city.leader, q=Q_YTD, span="ytd", keys=keys, plan=KEY)
    text = explain(qs[:50])
    assert "(hs_code>? AND hs_code<?)" in text, text
    assert record_ids(qs) == record_ids(
        drill_records(viewer=city.leader, q=Q_YTD, span="ytd", keys=keys)
    )


@pytest.mark.parametrize("flow", ["total", "export", "import"])
def test_the_month_cut_gives_every_page_of_a_month_in_order(shares, city, flow):
    """A walk per flow of the month for the cut, then the month's records at or above it:
    every page up to the depth asked equals the same slice of the database's own list, for
    each persona, key and month, ties included; a record without a dollar value too (listed
    last by SQLite, first by PostgreSQL)."""
    add_one_without_dollars(shares["big"], "export", "502")
    q = Query(year=2025, month=3, flow=flow)
    seen = 0
    for viewer in (None, city.leader, city.district_a_user, city.district_b_user, city.liaison):
        for params in ({}, {"partner": "502"}, {"hs": "84"}, {"district": str(city.district_b.pk)}):
            keys = Keys(**params)
            for span in ("month", "prev_month", "month_prev"):
                rows = record_ids(drill_records(viewer=viewer, q=q, span=span, keys=keys))
                for depth in (1, 50, 100, 250, 1_000):
                    forced = drill_records(
                        viewer=viewer, q=q, span=span, keys=keys, plan=MONTH_CUT, depth=depth
                    )
                    start = max(depth - 50, 0)
                    assert record_ids(forced[start:depth]) == rows[start:depth], (
                        viewer,
                        params,
                        span,
                        depth,
                    )
                seen += len(rows)
    assert seen > 1_000
    with pytest.raises(ValueError, match="month cut"):
        drill_records(viewer=city.leader, q=q, span="ytd", keys=Keys(), plan=MONTH_CUT, depth=50)


def test_a_months_page_takes_the_month_cut(liaison_firms, city):
    """District B's March exports (1,067 of the month's 1,200 export records; the table
    holds 10,410): its first pages walk the month's (period, flow, value) index instead of
    the value index over every month or a sort of the district's month; a deep page, a
    year or a page in yuan does not."""
    q = Query(year=2025, month=3, flow="export")
    viewer = city.district_b_user
    # a year before, in district A: the month becomes a smaller share of the table (a real
    # one holds 36 months), which the value walk passes and the month cut does not
    earlier = EnterpriseFactory(name="前企业", district=city.district_a)
    add_filler_exports(earlier, [dt.date(2024, m, 1) for m in range(4, 13)], n=6_000, spread=43)
    summary = drill_summary(viewer=viewer, q=q, span="month", keys=Keys())
    assert summary is not None and summary.count == 1_067

    def chosen(depth, span="month", q=q, matching=1_067):
        return drill_plan(
            viewer=viewer, q=q, span=span, keys=Keys(), depth=depth, matching=matching
        )

    assert chosen(50) == MONTH_CUT
    assert chosen(100) == MONTH_CUT
    assert chosen(500) != MONTH_CUT  # past the cut's worth: the district's month, sorted
    # between the two, PostgreSQL's narrow plans cost more a row than SQLite's against a
    # walked entry: the month cut there, the district's month sorted here
    assert chosen(300) == (SCOPE if connection.vendor == "sqlite" else MONTH_CUT)
    assert chosen(50, span="ytd", matching=3_200) != MONTH_CUT
    assert chosen(50, q=Query(year=2025, month=3, flow="export", currency="cny")) != MONTH_CUT
    qs = drill_records(viewer=viewer, q=q, span="month", keys=Keys(), depth=100)
    if connection.vendor == "sqlite":
        text = explain(qs[:50])
        index = "customs_record_month_usd (period=? AND flow=? AND value_usd>?)"
        assert index in text, text
    free = record_ids(drill_records(viewer=viewer, q=q, span="month", keys=Keys()))
    assert record_ids(qs[50:100]) == free[50:100]
    assert qs.count() < 1_067  # the cut kept the top of the month, not all of it


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite takes the newest equal index")
def test_whole_months_readers_keep_the_period_flow_index(shares, city):
    """The month cut's index is partial, so what reads whole months (the rollup rebuild's
    read of the facts, the drill-down's export in SQLite's own plan) keeps (period, flow),
    whose rows come in the order they were written: through a (period, flow, value) index
    they came in value order, 1.7 → 31 s for the city's year (decision 0019)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN QUERY PLAN SELECT r.enterprise_id, r.partner_code, SUM(r.value_usd), "
            "COUNT(*) FROM trade_customsrecord r WHERE r.period IN (%s, %s) "
            "GROUP BY r.enterprise_id, r.period, r.flow, r.partner_code",
            ["2025-02-01", "2025-03-01"],
        )
        rebuild = " ".join(str(row) for row in cursor.fetchall())
    assert "trade_custo_period_a6b7a3_idx" in rebuild, rebuild
    for span, flow in (("month", "export"), ("ytd", "export"), ("month", "total")):
        q = Query(year=2025, month=3, flow=flow)
        export = explain(drill_records(viewer=city.leader, q=q, span=span, keys=Keys()))
        assert "customs_record_month_usd" not in export, export


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plans")
def test_a_units_count_reads_its_key_and_the_breakdowns_their_units(shares, city):
    """The district and park rollup's (key, dimension, period) index serves a drill-down's
    count and totals for one key within a district user's units; the breakdowns, every key
    of a dimension, keep the units' indexes (an index led by the dimension gave SQLite every
    key in order for their GROUP BY key, and it read every pair's rows: 5–28 → 62–74 ms for
    a district user's hs4 breakdown at 5.6 M records)."""
    viewer = city.district_a_user
    for params in ({"hs": "8400"}, {"partner": "502"}):
        with CaptureQueriesContext(connection) as ctx:
            drill_summary(viewer=viewer, q=Q_YTD, span="ytd", keys=Keys(**params))
        counts = [q["sql"] for q in ctx.captured_queries if "trade_scoperollup" in q["sql"]]
        assert counts, params
        for sql in counts:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                text = str(cursor.fetchall())
            assert "USING INDEX scope_rollup_key" in text, text
    for dimension in (Dimension.HS4, Dimension.PARTNER):
        for source in scoped_sources(viewer, dimension):
            qs = source.filter(period__year=2025).values("key").annotate(s=Sum("value_usd"))
            assert "scope_rollup_key" not in qs.explain(), qs.explain()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's deferred seek (trade/0015)")
def test_a_value_walk_tests_its_conditions_on_the_index_entries(shares, city):
    """SQLite fetches a walked record's row only when a condition needs a column its index
    lacks: every column of the record that the walk's conditions read is on the value index
    it walks, for every viewer and key (a district's year of HS 84 at 11.3 M records: 222–234
    ms with a row read per entry, 30–36 ms tested on the index)."""
    cny = Query(year=2025, month=3, currency="cny")
    cases = [
        (city.leader, Q_YTD, Keys()),
        (city.district_a_user, Q_YTD, Keys(hs="84")),
        (city.liaison, Query(year=2025, month=3, flow="export"), Keys(partner="502")),
        (city.district_b_user, cny, Keys(mode="10")),
        (city.leader, Q_YTD, Keys(enterprise=str(shares["big"].pk), district="1")),
    ]
    for viewer, q, keys in cases:
        qs = drill_records(viewer=viewer, q=q, span="ytd", keys=keys, depth=50, plan=WALK)
        sql = str(qs.query)
        assert f"SCAN trade_customsrecord USING INDEX customs_record_{q.currency}" in explain(qs)
        where = sql.split(" WHERE ", 1)[1].split(" ORDER BY ", 1)[0]
        tested = set(re.findall(r'"trade_customsrecord"\."(\w+)"', where))
        assert ({"period", "hs_code"} if keys.hs else {"period"}) <= tested, sql
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA index_info(customs_record_{q.currency})")
            on_index = {row[2] for row in cursor.fetchall()}
        assert tested <= on_index, tested - on_index


def _value_walk_cases(shares, city):
    cny = Query(year=2025, month=3, currency="cny")
    return [
        (city.leader, Q_YTD, Keys()),
        (city.district_a_user, Q_YTD, Keys(hs="84")),
        (city.liaison, Query(year=2025, month=3, flow="export"), Keys(partner="502")),
        (city.district_b_user, cny, Keys(mode="10")),
        (city.leader, Q_YTD, Keys(enterprise=str(shares["big"].pk), district="1")),
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index-only walk (0016)")
def test_a_pages_ids_are_read_from_the_value_index_alone(shares, city):
    """On PostgreSQL a page's ids come from the walk alone (`drill_page`'s first step): every
    column of the record that query reads is on the value index it walks, so the walk is an
    index-only scan and reads no row (a district's year of HS 84, page 20, at 11.3 M records:
    105–117 ms reading a row per entry, 27 ms for the ids)."""
    for viewer, q, keys in _value_walk_cases(shares, city):
        qs = drill_records(viewer=viewer, q=q, span="ytd", keys=keys, depth=50, plan=WALK)
        sql = str(qs.values_list("id", flat=True).query)
        read = set(re.findall(r'"trade_customsrecord"\."(\w+)"', sql))
        assert {"id", q.field, "period"} <= read, sql
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                "WHERE c.relname = %s",
                [f"customs_record_{q.currency}"],
            )
            on_index = {row[0] for row in cursor.fetchall()}
        assert read <= on_index, read - on_index


def test_a_page_in_two_steps_holds_the_rows_of_the_slice_in_its_order(shares, city):
    """`drill_page` (two steps on PostgreSQL: the ids, then their rows) gives the same records
    in the same order as the plain slice, for every plan's page, the last page's short end
    and a page past the end; with a record without dollars (first in the order) and a key with
    its own (key, value) index (one query on PostgreSQL too)."""
    add_one_without_dollars(shares["big"], "export", "502", hs_code="84000001")
    keyed = (city.district_a_user, Q_YTD, Keys(partner="502"))
    checked = 0
    for viewer, q, keys in [*_value_walk_cases(shares, city), keyed]:
        for plan in (WALK, None):
            qs = drill_records(viewer=viewer, q=q, span="ytd", keys=keys, depth=60, plan=plan)
            matching = qs.count()
            if matching < 4:  # the liaison officer's March exports to partner 502: none
                continue
            checked += 1
            for bottom, top in (
                (0, 3),
                (2, 5),
                (matching - 2, matching + 3),
                (matching, matching + 5),
            ):
                want = [r.pk for r in qs[bottom:top]]
                got = drill_page(qs, bottom, top, q=q, keys=keys)
                assert [r.pk for r in got] == want, (viewer, keys, plan, bottom)
                if got:  # the page's columns and the firm came with the rows
                    assert got[0].enterprise.name == qs[bottom].enterprise.name
    assert checked >= 8


@pytest.mark.parametrize(
    "params", [{"partner": "116", "hs": "84"}, {"partner": "116", "mode": "10"}]
)
def test_one_firm_within_two_trade_keys_reads_its_own_records(shares, city, params):
    """A firm beside two trade keys has no per-firm count in the rollups (no firms plan):
    its page walked the city's value index past most of the year's records and its count
    read the partner's, 379 and 80 ms of SQL at 5.6 M records (session 48). On SQLite both
    now read the firm's records through the unique key (KEY) and test the other keys; every
    page and the totals are the plain query's, for the leader and the firm's district."""
    from kaifang.trade.selectors import drill_totals
    from kaifang.trade.selectors.plans import count_plan
    from kaifang.trade.selectors.summary import records_summary

    filler = EnterpriseFactory(name="他企业", district=city.district_b)  # each key's larger
    add_filler_exports(filler, [dt.date(2025, m, 1) for m in (1, 2, 3)], n=1_000, spread=41)
    keys = Keys(enterprise=str(shares["other"].pk), **params)
    for viewer in (city.leader, city.district_b_user):
        free = drill_records(viewer=viewer, q=Q_YTD, span="ytd", keys=keys, plan=FREE)
        plain = record_ids(free)
        assert 20 < len(plain) < 400, len(plain)
        sqlite = connection.vendor == "sqlite"
        assert count_plan(viewer=viewer, q=Q_YTD, span="ytd", keys=keys) == (
            KEY if sqlite else FREE
        )
        assert drill_totals(viewer=viewer, q=Q_YTD, span="ytd", keys=keys) == records_summary(free)
        chosen = set()
        for bottom in (0, 10, len(plain) - 5):
            depth = bottom + 10
            chosen.add(
                drill_plan(
                    viewer=viewer, q=Q_YTD, span="ytd", keys=keys, depth=depth, matching=len(plain)
                )
            )
            for plan in (None, KEY):  # the chosen plan, and the firm's records forced
                records = drill_records(
                    viewer=viewer, q=Q_YTD, span="ytd", keys=keys, depth=depth, plan=plan
                )
                page = drill_page(records, bottom, depth, q=Q_YTD, keys=keys)
                assert [r.pk for r in page] == plain[bottom:depth], (viewer, bottom, plan)
        # a first page may walk the few test records; the last page reads the firm's
        assert chosen == ({WALK, KEY} if sqlite else {FREE}), chosen
        if sqlite:
            forced = drill_records(viewer=viewer, q=Q_YTD, span="ytd", keys=keys, plan=KEY)
            assert "enterprise_id=?" in explain(forced[:10])
    # outside the viewer's scope: nothing, whatever the plan
    assert not drill_records(viewer=city.district_a_user, q=Q_YTD, span="ytd", keys=keys, plan=KEY)
