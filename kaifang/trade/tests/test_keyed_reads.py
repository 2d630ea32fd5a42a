"""Issue 17: a breakdown within keys no rollup holds reads the records through the index
`keyed.cheapest_read` chooses (SQLite took the trade mode's index across every month for the
leader's partners within 一般贸易 and HS 84: 11.4 s of CPU at 5.6 M records). Whichever read
it takes, the sums are the records'."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F, Q, Sum
from django.db.models.functions import Substr
from django.test.utils import CaptureQueriesContext

from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import rebuild_rollups
from kaifang.trade.selectors import Keys, Query, breakdown, keyed
from kaifang.trade.selectors.base import apply_keys, facts

pytestmark = pytest.mark.django_db

GROUPS = {
    "partner": F("partner_code"),
    "hs4": Substr("hs_code", 1, 4),
    "hs8": Substr("hs_code", 1, 8),
    "mode": F("trade_mode"),
}
KEYS = [
    (
        {"mode": "10", "hs": "84"},
        (keyed.BY_WINDOW, keyed.BY_CODES, keyed.BY_KEY_FIRMS, keyed.BY_CODE_PARTNERS),
    ),
    ({"mode": "10", "hs": "8471"}, (keyed.BY_CODES, keyed.BY_CODE_PARTNERS)),
    ({"mode": "15", "hs": "61091000"}, (keyed.BY_CODES, keyed.BY_CODE_PARTNERS)),
    (
        {"partner": "502", "hs": "8471"},
        (keyed.BY_WINDOW, keyed.BY_PARTNER, keyed.BY_CODES, keyed.BY_KEY_FIRMS),
    ),
    ({"partner": "116", "mode": "10"}, (keyed.BY_WINDOW, keyed.BY_PARTNER)),
    ({"group": "g-ab", "mode": "10"}, (keyed.BY_WINDOW, keyed.BY_PARTNER)),
    (
        {"group": "g-ab", "partner": "502", "hs": "84"},
        (keyed.BY_PARTNER, keyed.BY_CODES, keyed.BY_KEY_FIRMS),
    ),
    ({"partner": "-", "hs": "61091000"}, (keyed.BY_PARTNER, keyed.BY_CODES)),
]


def _expected(keys: Keys, by: str, months: list) -> dict[str, Decimal]:
    rows = (
        apply_keys(CustomsRecord.objects.all(), keys)
        .filter(period__in=months)
        .annotate(k=GROUPS[by])
        .values("k")
        .annotate(v=Sum("value_usd"))
        .order_by()
    )
    found: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        found[row["k"] or "-"] += row["v"] or 0
    return {k: v for k, v in found.items() if v}


def test_every_read_of_the_records_gives_their_sums(trade_data, city, monkeypatch):
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    q = Query(year=2025, month=3, currency="usd")
    seen = 0
    for params, reads in KEYS:
        keys = Keys(**params)
        for read in reads:
            monkeypatch.setattr(keyed, "cheapest_read", lambda keys, months, viewer=None, r=read: r)
            for by in ("partner", "hs8", "mode"):
                if by == "mode" and keys.mode:
                    continue
                found = breakdown(viewer=city.leader, by=by, q=q, keys=keys, facts_only=True)
                got = {r.key: r.ytd for r in found.rows if r.ytd}
                assert got == _expected(keys, by, q.span_months("ytd")), (params, read, by)
                seen += len(got)
    assert seen > 5


def test_sqlite_reads_a_partner_within_a_trade_mode_through_the_partners_index(
    trade_data, city, monkeypatch
):
    """The trade mode's equality is tested in a CASE, so SQLite cannot take its (mode, value)
    index; the partner's covering index is read alone (decision 0052), weighed as an entry
    tested on an index: cheaper than the window's rows, dearer when weighed as rows fetched
    out of order. The sums are the records'."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's choice; PostgreSQL chooses for itself")
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    keys = Keys(partner="116", mode="10")
    q = Query(year=2025, month=3, currency="usd")
    assert keyed.cheapest_read(keys, q.span_months("ytd")) == keyed.BY_PARTNER
    with CaptureQueriesContext(connection) as read:
        found = breakdown(viewer=city.leader, by="hs4", q=q, keys=keys, facts_only=True)
    (summed,) = [x["sql"] for x in read.captured_queries if "trade_customsrecord" in x["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + summed)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "COVERING INDEX customs_record_partner_cover" in plan, plan
    assert {r.key: r.ytd for r in found.rows if r.ytd} == _expected(
        keys, "hs4", q.span_months("ytd")
    )
    monkeypatch.setattr(keyed, "PARTNER_ENTRY_COST", keyed.KEY_ROW_COST)
    assert keyed.cheapest_read(keys, q.span_months("ytd")) == keyed.BY_WINDOW


@pytest.mark.parametrize("hs", ["8471", "61091000"])
def test_sqlite_reads_the_codes_within_an_hs_key_and_a_mode_through_the_partners_index(
    trade_data, city, hs, monkeypatch
):
    """Session 53: the leader's codes within a heading and 一般贸易 (no rollup holds a code by
    trade mode) read the heading's entries in the partner index, every partner of the heading
    in the window sought in each month (the partner × heading cross names them, read on its
    heading index), not every record of the heading in every month through the codes' index
    and the table: heading 8443's 54,814 rows, 143 → 27 ms of SQL at 5.6 M records. Weighed
    dearer, the entries lose to another read. The sums are the records'."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's choice; PostgreSQL chooses for itself")
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    keys = Keys(hs=hs, mode="10" if hs == "8471" else "15")
    q = Query(year=2025, month=3, currency="usd")
    months = q.all_months()
    assert keyed.cheapest_read(keys, months) == keyed.BY_CODE_PARTNERS
    with CaptureQueriesContext(connection) as read:
        found = breakdown(viewer=city.leader, by="hs8", q=q, keys=keys)
    plans = []
    for sql in [x["sql"] for x in read.captured_queries]:
        if "trade_customsrecord" in sql or "trade_partnerproductrollup" in sql:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                plans.append(" ".join(str(row) for row in cursor.fetchall()))
    assert any("COVERING INDEX customs_record_partner_cover" in p for p in plans), plans
    assert any("COVERING INDEX partner_product_heading_cover" in p for p in plans), plans
    assert not any("partnerproductrollup_1" in p for p in plans), plans  # not the unique key
    expected = _expected(keys, "hs8", q.span_months("ytd"))
    assert {r.key: r.ytd for r in found.rows if r.ytd} == expected != {}
    monkeypatch.setattr(keyed, "PARTNER_ENTRY_COST", keyed.KEY_ROW_COST * 10)
    assert keyed.cheapest_read(keys, months) != keyed.BY_CODE_PARTNERS


@pytest.mark.parametrize("key", [{"partner": "116"}, {"group": "g-ab"}])
def test_sqlite_reads_the_headings_within_a_partner_and_a_mode_through_the_partners_index(
    trade_data, city, key
):
    """The partner × heading × mode cross's mode index has the months before the heading, so
    SQLite, without statistics, no longer takes it for the heading order of the GROUP BY and
    walks every row of the trade mode (the leader's headings within partner 116 and 一般贸易:
    344 → 11 ms of SQL at 5.6 M records; session 48, migration trade/0031). The sums are the
    records'."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's choice; PostgreSQL chooses for itself")
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    keys = Keys(mode="10", **key)
    q = Query(year=2025, month=3, currency="usd")
    with CaptureQueriesContext(connection) as read:
        found = breakdown(viewer=city.leader, by="hs4", q=q, keys=keys)
    (summed,) = [x["sql"] for x in read.captured_queries if "partnermodeproduct" in x["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + summed)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "partner_mode_product_p_cover" in plan, plan
    expected = defaultdict(Decimal)
    for code, value in _expected(keys, "hs8", q.span_months("ytd")).items():
        expected[code[:4]] += value
    assert {r.key: r.ytd for r in found.rows if r.ytd} == expected


def test_an_hs_prefix_is_a_range_of_digit_strings_in_any_collation():
    """The codes of prefix 8539 run from "8539" up to "8540", not "853:": under a collation
    (ICU's zh-Hans-CN, glibc's zh_CN) ":" sorts before the digits and that range was empty on
    PostgreSQL (every code of a prefix ending in 9 read as none: found in review, session 42).
    All nines have no bound of their length: the prefix itself then."""
    from kaifang.trade.selectors.base import code_range_q

    assert code_range_q("code", "8539") == Q(code__gte="8539") & Q(code__lt="8540")
    assert code_range_q("hs_code", "61") == Q(hs_code__gte="61") & Q(hs_code__lt="62")
    assert code_range_q("key", "99") == Q(key__gte="99") & Q(key__startswith="99")


def test_a_place_key_keeps_the_firms_plan(trade_data, city):
    """Within a district, park or industry the whole city's records are read through the
    named firms, not the window's months with the place tested in a CASE (every record of
    the window, found in review, session 42)."""
    district = str(city.district_a.pk)
    months = Query(year=2025, month=3).all_months()
    for params in ({"hs": "8471", "district": district}, {"partner": "502", "park": "-"}):
        qs, hide = keyed.window_facts(city.leader, Keys(**params), months)
        assert not hide and "CASE" not in str(qs.query), params
    qs, _ = keyed.window_facts(city.leader, Keys(hs="8471", mode="10"), months)
    assert ("CASE" in str(qs.query)) == (connection.vendor == "sqlite")


def test_several_trade_keys_read_through_the_narrowest_ones_index(trade_data, city):
    """SQLite prefers an equality's index to a range's: the trade mode's (most of the city's
    records) over an HS heading's range. With several trade keys the narrowest, by the
    rollups' counts, is written plainly and the others are tested in a CASE."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's choice; PostgreSQL chooses for itself")
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    keys = Keys(hs="8471", mode="10")
    assert keyed._narrowest(keys, {"hs", "mode"})[0] == "hs"  # fewer records than mode 10
    where = str(keyed.keyed_facts(city.leader, keys).query).split(" WHERE ", 1)[1]
    plain, _, hidden = where.partition("CASE")
    assert "trade_mode" not in plain and "trade_mode" in hidden, where
    assert '"hs_code" >=' in plain, where


def test_sqlite_reads_the_firms_holding_an_hs_key_and_another_through_the_unique_key(
    trade_data, city, monkeypatch
):
    """With an HS key and another, the city's firms that hold each (by the stages) are read
    where every other read is slow (the leader's firms within 一带一路 and HS 84 read the
    window: 1.3 s of CPU at 5.6 M records, 0.5 s so): a seek of the HS key's codes per firm,
    month and flow along the unique key, the sums the records'."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's choice; PostgreSQL chooses for itself")
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    keys = Keys(partner="502", hs="8471")
    q = Query(year=2025, month=3, currency="usd")
    months = q.all_months()
    assert keyed.cheapest_read(keys, months, viewer=city.leader) != keyed.BY_KEY_FIRMS
    monkeypatch.setattr(keyed, "KEY_FIRMS_PRICED_ABOVE", 0)
    monkeypatch.setattr(keyed, "KEY_FIRMS_WEIGHT", 1e-6)  # a few records: the window is cheap
    assert keyed.cheapest_read(keys, months, viewer=city.leader) == keyed.BY_KEY_FIRMS
    with CaptureQueriesContext(connection) as read:
        found = breakdown(viewer=city.leader, by="hs8", q=q, keys=keys, facts_only=True)
    assert {r.key: r.ytd for r in found.rows if r.ytd} == _expected(
        keys, "hs8", q.span_months("ytd")
    )
    (summed,) = [x["sql"] for x in read.captured_queries if "trade_customsrecord" in x["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + summed)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "autoindex_trade_customsrecord" in plan and "hs_code>" in plan, plan


def test_a_place_with_a_narrower_hs_key_reads_its_codes(trade_data, city):
    """Within a place and an HS key whose records are fewer than the place's firms', the
    leader's breakdown and chart read the codes' range, the place and the other keys tested
    in a CASE (`keyed.place_read`): SQLite took a partner's index, 306,457 records for 8,304
    (the codes within partner 502, heading 8475 and no park: 403 → 39 ms at 5.6 M records;
    session 48); with a partner too, the partner's index entries of the heading's codes
    (session 51). The sums are the records', for the leader and the district's user, through
    the scope gate (in the CASE too); a liaison officer keeps his firms' read."""
    from kaifang.enterprises.models import Enterprise
    from kaifang.trade.selectors import totals_by_flow, trend
    from kaifang.trade.tests.conftest import d

    e3, e2 = Enterprise.objects.get(name="丙电子"), Enterprise.objects.get(name="乙纺织")
    extra = [
        CustomsRecord(
            enterprise=e3,
            period=d(2025, 1 + i % 3),
            flow="export",
            partner_code="116",
            hs_code=f"8471{i:04d}",
            trade_mode="10",
            value_usd=Decimal(5),
            value_cny=Decimal(35),
        )
        for i in range(30)
    ] + [
        CustomsRecord(
            enterprise=e2,
            period=d(2025, 3),
            flow="import",
            partner_code="502",
            hs_code=f"8542390{i}",
            trade_mode="10",
            value_usd=Decimal(7),
            value_cny=Decimal(49),
        )
        for i in range(3)
    ]  # the place's firms hold many records; heading 8542 a few, some outside district A
    CustomsRecord.objects.bulk_create(extra)
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    q = Query(year=2025, month=3, currency="usd")
    district = str(city.district_a.pk)
    sqlite = connection.vendor == "sqlite"
    for params, read in (
        ({"hs": "8542", "district": district}, keyed.BY_CODES),
        # the partner's entries of the heading's codes, sought in each month (session 51)
        ({"hs": "8542", "partner": "502", "district": district}, keyed.BY_PARTNER),
        ({"hs": "8542", "mode": "10", "district": district}, keyed.BY_CODES),
    ):
        keys = Keys(**params)
        for viewer in (city.leader, city.district_a_user):
            assert keyed.place_read(viewer, keys, q.all_months()) == (read if sqlite else None)
            for by in ("hs8", "partner"):
                found = breakdown(viewer=viewer, by=by, q=q, keys=keys, facts_only=True)
                got = {r.key: r.ytd for r in found.rows if r.ytd}
                assert got == _expected(keys, by, q.span_months("ytd")), (params, by)
        assert keyed.place_read(city.liaison, keys, q.all_months()) is None  # his own firms' read
        # outside the viewer's scope: the codes' range read, nothing of it his
        outside = breakdown(viewer=city.district_b_user, by="hs8", q=q, keys=keys, facts_only=True)
        assert not [r for r in outside.rows if r.ytd], params
        records = apply_keys(CustomsRecord.objects.all(), keys)
        chart = trend(viewer=city.leader, end=d(2025, 3), currency="usd", keys=keys)
        assert {(p.period, p.export, p.import_) for p in chart if p.total} == {
            (
                period,
                sum(
                    (r.value_usd for r in records if r.period == period and r.flow == "export"),
                    Decimal(0),
                ),
                sum(
                    (r.value_usd for r in records if r.period == period and r.flow == "import"),
                    Decimal(0),
                ),
            )
            for period in {r.period for r in records}
        }, params
        cards = totals_by_flow(viewer=city.leader, q=q, keys=keys)
        ytd = records.filter(period__in=q.span_months("ytd"))
        assert cards["total"].ytd == sum((r.value_usd for r in ytd), Decimal(0)), params
    assert (
        keyed.place_read(city.leader, Keys(hs="84", district=district), q.all_months()) is None
    )  # wider
    # no park: district B's firm holds heading 8542 too; the gate in the CASE keeps it out
    keys = Keys(hs="8542", park="-")
    assert keyed.place_read(city.district_a_user, keys, q.all_months()) == (
        keyed.BY_CODES if sqlite else None
    )
    found = breakdown(viewer=city.district_a_user, by="hs8", q=q, keys=keys, facts_only=True)
    mine = apply_keys(facts(city.district_a_user), keys).filter(period__in=q.span_months("ytd"))
    expected = defaultdict(Decimal)
    for record in mine:
        expected[record.hs_code] += record.value_usd
    assert {r.key: r.ytd for r in found.rows if r.ytd} == expected != {}
    assert not [r for r in found.rows if r.key.startswith("8542390")]  # e2's codes


def test_a_place_within_an_hs_key_and_another_reads_the_place_firms_that_hold_both(
    trade_data, city, monkeypatch
):
    """Within a place, an HS chapter and a partner, where that read is dear (`keyed.place_read`
    BY_KEY_FIRMS): the place's firms the viewer sees that hold both keys (the stages), their
    records in the chapter's range sought through the unique key, every key and the scope
    gate in a CASE. A district user's headings within partner 116, HS 85 and his district
    read the partner's records across the city: 293 → 93 ms on a miss at 5.6 M records
    (session 49). The sums are the records': a firm of the place that holds both keys in
    different records sums nothing, a firm outside the viewer's scope nothing either."""
    from kaifang.enterprises.models import Enterprise
    from kaifang.trade.selectors import trend
    from kaifang.trade.tests.conftest import d

    monkeypatch.setattr(keyed, "PLACE_KEY_FIRMS_PRICED_ABOVE", -1.0)
    monkeypatch.setattr(keyed, "KEY_FIRMS_WEIGHT", 0.0)  # chosen wherever the firms are found
    e3, e5 = Enterprise.objects.get(name="丙电子"), Enterprise.objects.get(name="戊贸易")
    e2 = Enterprise.objects.get(name="乙纺织")  # district B, no park

    def record(firm: Enterprise, month: int, partner: str, hs: str) -> CustomsRecord:
        return CustomsRecord(
            enterprise=firm,
            period=d(2025, month),
            flow="export",
            partner_code=partner,
            hs_code=hs,
            trade_mode="10",
            value_usd=Decimal(month + 1),
            value_cny=Decimal(7 * (month + 1)),
        )

    CustomsRecord.objects.bulk_create(
        [record(e3, m, "116", f"8471{m:04d}") for m in (1, 2, 3)]
        + [record(e3, 3, "502", "85423900")]
        + [record(e5, 2, "116", "61091000"), record(e5, 2, "502", "84715000")]  # apart
        + [record(e2, m, "116", "84713000") for m in (2, 3)]  # outside district A
    )
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    q = Query(year=2025, month=3, currency="usd")
    months = q.all_months()
    sqlite = connection.vendor == "sqlite"
    district = str(city.district_a.pk)
    firms_read = '"trade_customsrecord"."enterprise_id" IN ('
    keys = Keys(hs="84", partner="116", district=district)
    for viewer in (city.leader, city.district_a_user):
        assert keyed.place_read(viewer, keys, months) == (keyed.BY_KEY_FIRMS if sqlite else None)
        for by in ("hs4", "partner"):
            with CaptureQueriesContext(connection) as read:
                found = breakdown(viewer=viewer, by=by, q=q, keys=keys, facts_only=True)
            got = {r.key: r.ytd for r in found.rows if r.ytd}
            assert got == _expected(keys, by, q.span_months("ytd")) != {}, by
            sql = [x["sql"] for x in read.captured_queries if "trade_customsrecord" in x["sql"]]
            assert any(firms_read in x for x in sql) == sqlite, sql
    assert keyed.place_read(city.liaison, keys, months) is None  # his own firms' read
    outside = breakdown(viewer=city.district_b_user, by="hs4", q=q, keys=keys, facts_only=True)
    assert not [r for r in outside.rows if r.ytd]
    records = apply_keys(CustomsRecord.objects.all(), keys)
    chart = trend(viewer=city.district_a_user, end=d(2025, 3), currency="usd", keys=keys)
    by_month: dict[object, Decimal] = defaultdict(Decimal)
    for r in records:
        by_month[r.period] += r.value_usd
    assert {p.period: p.export for p in chart if p.total} == by_month
    # no park: district B's firm holds both keys too, and is not among the district A
    # user's firms read
    keys = Keys(hs="84", partner="116", park="-")
    assert apply_keys(CustomsRecord.objects.filter(enterprise=e2), keys).exists()
    assert keyed.place_read(city.district_a_user, keys, months) == (
        keyed.BY_KEY_FIRMS if sqlite else None
    )
    found = breakdown(viewer=city.district_a_user, by="hs4", q=q, keys=keys, facts_only=True)
    mine = apply_keys(facts(city.district_a_user), keys).filter(period__in=q.span_months("ytd"))
    assert {r.key: r.ytd for r in found.rows if r.ytd} == {"8471": sum(r.value_usd for r in mine)}


def test_a_scoped_viewer_within_a_partner_and_an_hs_key_reads_the_partners_index(trade_data, city):
    """Session 58: a district user within a partner and an HS chapter, where SCOPE would read
    every record of the chapter of his firms that hold both keys, reads the partner's index
    entries of the chapter's codes instead (each joined to its firm for the gate) when they
    are fewer, priced so: his firms within partner 141 and HS 84 at 5.6 M records 33 → 24 ms
    of SQL. The sums are his records'; another district's user gets none of them."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's choice; PostgreSQL chooses for itself")
    from kaifang.enterprises.models import Enterprise
    from kaifang.trade.tests.conftest import d

    e2, e3 = Enterprise.objects.get(name="乙纺织"), Enterprise.objects.get(name="丙电子")
    e4 = Enterprise.objects.get(name="丁服装")  # district B, as e2; e3 in district A

    def record(firm: Enterprise, i: int, partner: str, hs: str) -> CustomsRecord:
        return CustomsRecord(
            enterprise=firm,
            period=d(2025, i % 3 + 1),
            flow="export",
            partner_code=partner,
            hs_code=hs,
            trade_mode="10",
            value_usd=Decimal(i % 7 + 1),
            value_cny=Decimal(7 * (i % 7 + 1)),
        )

    CustomsRecord.objects.bulk_create(
        [record(e3, i, "502", f"8471{i:04d}") for i in range(300)]  # his chapter 84, elsewhere
        + [record(e3, i, "116", f"8473{i:04d}") for i in range(3)]  # his within both keys
        + [record(e2, i, "116", f"6109{i:04d}") for i in range(300)]  # the partner's, not 84
        + [record(e4, i, "502", f"8472{i:04d}") for i in range(300)]  # the chapter's, elsewhere
        + [record(e4, i, "116", f"8474{i:04d}") for i in range(2)]  # district B within both
    )
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    q = Query(year=2025, month=3, currency="usd")
    months = q.all_months()
    keys = Keys(partner="116", hs="84")
    for user, own in ((city.district_a_user, e3), (city.district_b_user, e4)):
        assert keyed._partner_before_scope(user, keys, months, q)
        with CaptureQueriesContext(connection) as read:
            found = breakdown(viewer=user, by="enterprise", q=q, keys=keys, facts_only=True)
        mine: dict[str, Decimal] = defaultdict(Decimal)
        for r in apply_keys(facts(user), keys).filter(period__in=q.span_months("ytd")):
            mine[str(r.enterprise_id)] += r.value_usd
        assert {r.key: r.ytd for r in found.rows if r.ytd} == mine
        assert str(own.pk) in mine
        (sql,) = [x["sql"] for x in read.captured_queries if "trade_customsrecord" in x["sql"]]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "customs_record_partner_cover" in plan, plan


@pytest.mark.parametrize("place", [False, True])
def test_a_partner_within_an_hs_key_seeks_the_codes_in_the_partners_index(trade_data, city, place):
    """Session 51: the partner's index carries the code after the month, so a partner's read
    within an HS key seeks the key's codes in each month, priced by the partner × heading
    cross; before, it took every entry of the partner, or the heading's records of every
    month (the leader's codes within partner 116, heading 8516 and district 10: 170 → 38 ms
    of CPU on a miss at 5.6 M records). Within a place its chart too: a chart's range of
    months written plain made SQLite read every entry of the partner in 36 months (without a
    place the partner × heading × mode cross answers the chart)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's choice; PostgreSQL chooses for itself")
    from kaifang.trade.selectors import trend
    from kaifang.trade.tests.conftest import d

    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    q = Query(year=2025, month=3, currency="usd")
    extra = {"district": str(city.district_b.pk)} if place else {"mode": "10"}
    keys = Keys(partner="116", hs="6109", **extra)
    months = q.span_months("ytd")
    if place:
        assert keyed.place_read(city.leader, keys, months) == keyed.BY_PARTNER
    else:
        assert keyed.cheapest_read(keys, months, viewer=city.leader) == keyed.BY_PARTNER
    with CaptureQueriesContext(connection) as read:
        found = breakdown(viewer=city.leader, by="hs8", q=q, keys=keys, facts_only=True)
        chart = trend(viewer=city.leader, end=d(2025, 3), currency="usd", keys=keys)
    summed = [x["sql"] for x in read.captured_queries if "trade_customsrecord" in x["sql"]]
    assert len(summed) == (2 if place else 1)  # the table's; the chart's within a place
    for sql in summed:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "COVERING INDEX customs_record_partner_cover" in plan, plan
        assert "period=? AND hs_code>? AND hs_code<?" in plan, plan  # sought in each month
    assert {r.key: r.ytd for r in found.rows if r.ytd} == _expected(keys, "hs8", months) != {}
    records = apply_keys(CustomsRecord.objects.all(), keys)
    assert {(p.period, p.export) for p in chart if p.total} == {
        (period, sum((r.value_usd for r in records if r.period == period), Decimal(0)))
        for period in {r.period for r in records}
    }


def test_no_park_within_a_partner_reads_the_place_cross_off_the_park_index(trade_data, city):
    """Session 51: "no park" holds most of the place cross's rows; tested in a CASE, SQLite
    takes the partner's or the chapter's index, not the park's (the leader's chart within
    partner 502, HS 84 and no park read 36 months of every firm outside the parks: 102 ms at
    5.6 M records). The sums are still those of the records of firms in no park."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's choice; PostgreSQL chooses for itself")
    from kaifang.trade.selectors.summary import place_cross_source

    keys = Keys(partner="502", hs="85", park="-")
    (rows,) = place_cross_source(city.leader, keys) or [None]
    assert rows is not None
    sql, params = rows.values("period").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "place_partner_chapter_park" not in plan, plan
    records = apply_keys(CustomsRecord.objects.all(), keys)
    assert (
        sum((r.value_usd for r in rows), Decimal(0))
        == sum((r.value_usd for r in records), Decimal(0))
        == Decimal(300)
    )  # e3's two imports from 502 (district A, no park)


@pytest.mark.parametrize(
    ("given", "indexes"),
    [
        ({"partner": "502", "hs": "85"}, ["place_cross_partner_cover (partner=? AND chapter=?"]),
        (
            {"hs": "85", "mode": "10"},
            # a district's rows: its mode's on the district × mode index (trade/0042)
            [
                "place_cross_chapter_cover (chapter=?",
                "place_cross_district_mode (district_id=? AND mode=?",
            ],
        ),
    ],
)
def test_the_place_cross_is_read_on_its_partner_or_chapter_index_alone(
    trade_data, city, given, indexes
):
    """Session 52 (trade/0038, 0040): the place cross's partner index holds the chapter
    before the month, so SQLite seeks a partner and a chapter together (through the chapter's
    index it read every partner of the chapter in every pair: a district user's chart within
    partner 141, 一带一路 and HS 84, 78,000 rows, 76 ms at 5.6 M records); both indexes carry
    the mode, the pair and the sums, so a chapter within a trade mode is read on the index
    alone (a district user's chart within HS 85 and 一般贸易: 62 + 26 → 10 + 6 ms). The sums
    are still those of the records the viewer sees."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's choice; PostgreSQL chooses for itself")
    from kaifang.trade.selectors.base import facts
    from kaifang.trade.selectors.summary import place_cross_source

    keys = Keys(**given)
    seen: list[Decimal] = []
    for user in (city.district_a_user, city.district_b_user):
        sources = place_cross_source(user, keys)
        assert sources
        total = Decimal(0)
        for rows in sources:
            chart = rows.values("period", "flow").annotate(value=Sum("value_usd"))
            sql, params = chart.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                plan = " ".join(str(row) for row in cursor.fetchall())
            assert any(f"COVERING INDEX {index}" in plan for index in indexes), plan
            total += sum((r.value_usd for r in rows), Decimal(0))
        records = apply_keys(facts(user), keys)
        assert total == sum((r.value_usd or Decimal(0) for r in records), Decimal(0))
        seen.append(total)
    assert any(seen), seen  # some trade within the keys, not two empty reads


def test_a_district_within_a_trade_mode_reads_the_place_cross_on_its_district_mode_index(
    trade_data, city
):
    """Session 57 (trade/0042): a district within a trade mode (a district user's partners or
    chapters within 一般贸易, the leader's within a district and a mode) is sought by district
    and mode on one index that carries the sums; the unique key read the district's every
    park, month and mode from the table (146 → 210 ms at 2× for the district user's partners
    within 一般贸易 and his district; 104 and 103 ms with it). The sums are the records'."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's choice; PostgreSQL chooses for itself")
    from kaifang.trade.selectors.base import facts
    from kaifang.trade.selectors.summary import place_cross_source

    a = str(city.district_a.pk)
    cases = [(city.district_a_user, Keys(mode="10")), (city.leader, Keys(district=a, mode="10"))]
    for user, keys in cases:
        sources = place_cross_source(user, keys)
        assert sources
        by_district = sources[0]  # a unit user's second source is his parks' (the park index)
        for query in (
            by_district.values("period", "flow").annotate(value=Sum("value_usd")),
            by_district.values("partner").annotate(value=Sum("value_usd")),
        ):
            sql, params = query.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                plan = " ".join(str(row) for row in cursor.fetchall())
            assert "COVERING INDEX place_cross_district_mode (district_id=? AND mode=?" in plan
        total = sum((r.value_usd for rows in sources for r in rows), Decimal(0))
        records = apply_keys(facts(user), keys)
        assert total == sum((r.value_usd or Decimal(0) for r in records), Decimal(0)) > 0


@pytest.mark.parametrize(
    "given", [{"group": "g-ab", "hs": "6109"}, {"partner": "116", "hs": "61091000"}]
)
def test_the_price_of_a_partners_read_within_a_heading_is_counted_on_the_heading_index(
    trade_data, city, given
):
    """Session 58: the plan's price of a partner's (or group's) read within a heading counts
    the partner × heading cross's rows of the heading on its covering index, the partners and
    months in a CASE. SQLite sought each partner's months in the partner index and read all
    their headings: pricing the leader's codes within 一带一路, heading 8523 and his largest
    firm took 48 ms of the page's 83 at 5.6 M records. The count is the records'."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's choice; PostgreSQL chooses for itself")
    from kaifang.core.models import PartnerGroup

    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    keys = Keys(**given)
    months = Query(year=2025, month=3).span_months("ytd")
    with CaptureQueriesContext(connection) as read:
        price = keyed._partner_rows(keys, months)
    (sql,) = [x["sql"] for x in read.captured_queries if "trade_partnerproductrollup" in x["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "COVERING INDEX partner_product_heading_cover" in plan, plan
    partners = (
        [keys.partner]
        if keys.partner
        else list(PartnerGroup.objects.get(code="g-ab").members.values_list("code", flat=True))
    )
    records = CustomsRecord.objects.filter(
        partner_code__in=partners, period__in=months, hs_code__startswith=keys.hs[:4]
    )
    assert price == records.count() * keyed._row_cost("partner") > 0


@pytest.mark.parametrize("hs", ["8", "6109"])
def test_the_partners_within_an_hs_key_read_the_heading_index_alone(trade_data, city, hs):
    """Session 52 (trade/0039): the partner × heading cross's heading index carries the sums,
    and the window's months are tested in a CASE, so the leader's partners within an HS
    prefix read its headings on the index alone; SQLite read every heading of the window's
    months through the unique key (653,000 rows for HS 84 at 5.6 M records: 151 → 123 ms of
    CPU on a miss; a small chapter's 81 → 12 ms). A chapter reads the place cross since
    session 53 (the next test); a heading or a one-digit prefix still this index. The sums
    are the records'."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's choice; PostgreSQL chooses for itself")
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    q = Query(year=2025, month=3, currency="usd")
    keys = Keys(hs=hs)
    with CaptureQueriesContext(connection) as read:
        found = breakdown(viewer=city.leader, by="partner", q=q, keys=keys)
    crossed = [x["sql"] for x in read.captured_queries if "trade_partnerproductrollup" in x["sql"]]
    assert len(crossed) == 1, crossed
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + crossed[0])
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "COVERING INDEX partner_product_heading_cover" in plan, plan
    expected = _expected(keys, "partner", q.span_months("ytd"))
    assert {r.key: r.ytd for r in found.rows if r.ytd} == expected != {}


@pytest.mark.parametrize(
    "given",
    [
        {"hs": "84"},
        {"hs": "85", "mode": "10"},
        {"hs": "61", "partner": "116"},
        {"hs": "84", "group": "g-ab", "mode": "10"},
        {"hs": "61", "partner": "-"},
    ],
)
def test_the_leaders_tables_within_a_chapter_read_the_place_cross(trade_data, city, given):
    """Session 53: within one HS chapter (with a partner or group and a trade mode, or not)
    the leader's partners and groups are the pair × partner × chapter × mode rows of the
    chapter, every pair summed, read on a covering index: the heading crosses
    hold six times the rows (partners within HS 84 and 一般贸易 at 5.6 M records: 120,106 of
    them against 20,783). The figures are the records'."""
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    q = Query(year=2025, month=3, currency="usd")
    keys = Keys(**given)
    seen = 0
    for by in ("partner", "group", "mode", "hs2"):
        with CaptureQueriesContext(connection) as read:
            found = breakdown(viewer=city.leader, by=by, q=q, keys=keys)
        placed = [x["sql"] for x in read.captured_queries if "placepartnerchapter" in x["sql"]]
        # partners and groups (a group's members are partners); the modes and chapters
        # keep the smaller heading × mode rollup, the chapter's own row
        assert len(placed) == (1 if by in ("partner", "group") else 0), (by, placed)
        if placed and connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN QUERY PLAN " + placed[0])
                plan = " ".join(str(row) for row in cursor.fetchall())
            assert "COVERING INDEX place_cross_" in plan, plan
        raw = breakdown(viewer=city.leader, by=by, q=q, keys=keys, facts_only=True)
        assert (found.rows, found.total) == (raw.rows, raw.total), by
        seen += len(found.rows)
    assert seen or given.get("partner") == "-"
