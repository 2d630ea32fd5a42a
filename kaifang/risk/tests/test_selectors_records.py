"""The scenario's records page: every plan gives the rows of the plain sorted query in the same
order, on the first page and deep ones, for the leader, a district user and a liaison officer
(each with a scenario of their own, in dollars and in yuan); its count and total equal the
records'; the plan follows the counts; the walk reads the value index."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext

from kaifang.core.models import Partner, User
from kaifang.enterprises.models import Enterprise
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.risk import matching, selectors, views
from kaifang.risk import records as records_page
from kaifang.risk.models import Scenario, ScenarioProduct
from kaifang.risk.records import (
    RECORD_FREE,
    RECORD_PARTNERS,
    RECORD_PLANS,
    RECORD_SCOPE,
    RECORD_WALK,
    ScenarioRecords,
)
from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import rebuild_rollups

pytestmark = pytest.mark.django_db

UNTIL = dt.date(2025, 3, 1)
SQLITE = "sqlite"
# 85: a chapter; 84713000: a line with a shorter code that stands for it (847130, six digits)
LINES = ("85", "84713000")
CODES = ("85011020", "85423100", "84713000", "847130", "61091000")  # the last matches no line
PARTNERS = ("502", "116", "303")  # US, Japan: the scenario's; Germany: not


@pytest.fixture
def records_city(city, trade_reference) -> dict[str, Enterprise]:
    """Four firms (district A with the liaison officer's, district A, the park, district B),
    each with records over 14 months, both flows, three partners, five codes and two trade
    modes; values with many ties, a yuan order unlike the dollar order, and a few records
    without a value."""
    a = city.district_a
    firms = {
        "mine": EnterpriseFactory(name="甲", district=a, liaison=city.liaison),
        "a2": EnterpriseFactory(name="乙", district=a),
        "park": EnterpriseFactory(name="丙", district=a, park=city.district_a_park),
        "b1": EnterpriseFactory(name="丁", district=city.district_b),
    }
    rows = []
    i = 0
    for firm in firms.values():
        for back in range(14):  # the window (12 months) and two before it
            period = dt.date(2025 - (back + 9) // 12, (2 - back) % 12 + 1, 1)
            for flow in ("export", "import"):
                for partner in PARTNERS:
                    for code in CODES:
                        for mode in ("10", "15"):
                            i += 1
                            if (i * 7) % 5 == 0:  # a sparser table, unevenly
                                continue
                            usd = Decimal((i * 37) % 40) if i % 97 else None
                            cny = Decimal((i * 53) % 300) if i % 89 else None
                            rows.append(
                                CustomsRecord(
                                    enterprise=firm,
                                    period=period,
                                    flow=flow,
                                    partner_code=partner,
                                    hs_code=code,
                                    trade_mode=mode,
                                    value_usd=usd,
                                    value_cny=cny,
                                )
                            )
    CustomsRecord.objects.bulk_create(rows)
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True), settle=True)
    return firms


def _scenario(owner: User, currency: str = "usd", lines: tuple[str, ...] = LINES) -> Scenario:
    scenario = Scenario.objects.create(
        name=f"{owner.username} {currency}",
        currency=currency,
        until=UNTIL,
        unit=owner.unit,
        created_by=owner,
    )
    scenario.partners.set(Partner.objects.filter(code__in=["502", "116"]))
    for line, code in enumerate(lines, start=1):
        ScenarioProduct.objects.create(scenario=scenario, line=line, hs_code=code)
    return scenario


def _terms(viewer: User, scenario: Scenario, **narrow: Any) -> dict[str, Any]:
    spec = selectors.spec_for(scenario)
    return {
        "viewer": viewer,
        "spec": spec,
        "months": selectors.window(UNTIL, spec.months),
        "owner": selectors.scenario_owner(scenario),
        "enterprise": narrow.get("enterprise"),
        "district": narrow.get("district"),
    }


def _plain(terms: dict[str, Any]) -> list[int]:
    """The plain sorted query's ids: every matching record, sorted by the database."""
    qs = selectors.matching_records(
        viewer=terms["viewer"], spec=terms["spec"], months=terms["months"], owner=terms["owner"]
    )
    if terms["enterprise"] is not None:
        qs = qs.filter(enterprise_id=terms["enterprise"])
    elif terms["district"] is not None:
        qs = qs.filter(enterprise__district_id=terms["district"])
    field = terms["spec"].field
    return list(qs.order_by(f"-{field}", "period", "id").values_list("id", flat=True))


def _cases(city, firms) -> list[tuple[str, User, User, dict[str, Any]]]:
    """(label, viewer, owner, narrowing): each persona with a scenario of their own, and the
    leader narrowed to a district and to a firm."""
    return [
        ("leader", city.leader, city.leader, {}),
        ("leader, district A", city.leader, city.leader, {"district": city.district_a.pk}),
        ("leader, one firm", city.leader, city.leader, {"enterprise": firms["a2"].pk}),
        ("district A user", city.district_a_user, city.district_a_user, {}),
        ("liaison officer", city.liaison, city.liaison, {}),
        ("leader, the district's scenario", city.leader, city.district_a_user, {}),
    ]


@pytest.mark.parametrize("currency", ["usd", "cny"])
def test_every_plan_gives_the_plain_sorted_rows_on_every_page(records_city, city, currency):
    for label, viewer, owner, narrow in _cases(city, records_city):
        terms = _terms(viewer, _scenario(owner, currency), **narrow)
        plain = _plain(terms)
        assert len(plain) > 20, label  # deep pages exist
        records = ScenarioRecords(**terms, count=len(plain))
        last = len(plain) - len(plain) % 7
        for bottom, top in ((0, 7), (14, 21), (last, last + 7)):  # first, deep, last page
            for plan in RECORD_PLANS:
                got = [r.pk for r in records.query(plan)[bottom:top]]
                assert got == plain[bottom:top], (label, currency, plan, bottom)
            # the gates as the list of their firms (PostgreSQL's walk) let the same rows in
            listed = records.query(RECORD_WALK, listed=True)[bottom:top]
            assert [r.pk for r in listed] == plain[bottom:top], (label, currency, bottom)
            assert [r.pk for r in records[bottom:top]] == plain[bottom:top], (label, bottom)


def test_the_ties_and_the_missing_values_are_ordered_as_the_plain_query(records_city, city):
    """The sample's values repeat (40 dollar values, 300 yuan values) and some are missing,
    so every page above crosses ties, which month and id break, and missing values last."""
    values = list(CustomsRecord.objects.values_list("value_usd", flat=True))
    assert None in values and len(set(values)) < len(values) / 10


def test_the_page_sums_equal_the_records(records_city, city):
    """The count and total from the exposure rollup, one query per piece of the lines (the
    chapter's range and the shorter code's list), or without lines from trade's partner stage,
    equal the records' in both currencies."""
    for currency, lines in (("usd", LINES), ("cny", LINES), ("usd", ()), ("cny", ())):
        for label, viewer, owner, narrow in _cases(city, records_city):
            terms = _terms(viewer, _scenario(owner, currency, lines), **narrow)
            sums = selectors.matching_sums(**terms)
            qs = CustomsRecord.objects.filter(pk__in=_plain(terms))
            field = terms["spec"].field
            found = qs.aggregate(total=Sum(field), rows=Count("id"))
            assert sums.rows == found["rows"], (label, currency, lines)
            assert selectors.exact(sums.total) == selectors.exact(found["total"]), label


def test_the_lines_pieces_are_disjoint_and_cover_the_filter(city, trade_reference):
    """hs_pieces splits hs_filter into ranges and a list of shorter codes: each code that
    matches a line lies in exactly one piece, any other in none (so the sums add up)."""
    lines = ("85", "8501", "84713000", "84713010", "0101")  # 8501 lies in 85: not minimal
    codes = ["85", "8501", "850110", "86", "84713000", "847130", "8471300", "8471301"]
    codes += ["84713010", "847131", "8471", "0101", "010100", "01", "0102", ""]
    firm = EnterpriseFactory(name="戊")
    CustomsRecord.objects.bulk_create(
        CustomsRecord(enterprise=firm, period=UNTIL, hs_code=code, value_usd=1) for code in codes
    )
    pieces = selectors.hs_pieces(lines)
    condition = selectors.hs_filter(lines)
    assert condition is not None
    matched = set(CustomsRecord.objects.filter(condition).values_list("hs_code", flat=True))
    assert matched == {c for c in codes if any(matching.matches(x, c) for x in lines)}
    for code in codes:
        within = [p for p in pieces if CustomsRecord.objects.filter(p, hs_code=code).exists()]
        assert len(within) == (code in matched), code


def test_the_plan_follows_the_counts(records_city, city, monkeypatch):
    """A first page of a large share walks the value index; a deep page of a narrow scope
    reads the scope's firms; a small partner's deep page its partners' records (SQLite's
    weights, whatever the database)."""
    monkeypatch.setattr(records_page, "table_records", lambda: 10_000_000)
    leader = _terms(city.leader, _scenario(city.leader))
    assert ScenarioRecords(**leader, count=1_000_000).plan(depth=50, vendor=SQLITE) == RECORD_WALK
    # the leader's every record: no firms to narrow to, the partners' records (few) instead
    assert ScenarioRecords(**leader, count=200).plan(depth=150, vendor=SQLITE) == RECORD_PARTNERS
    mine = _terms(city.liaison, _scenario(city.liaison))
    assert ScenarioRecords(**mine, count=200).plan(depth=50, vendor=SQLITE) == RECORD_SCOPE
    district = _terms(city.district_a_user, _scenario(city.district_a_user))
    assert ScenarioRecords(**district, count=1_000_000).plan(depth=50, vendor=SQLITE) == RECORD_WALK
    assert ScenarioRecords(**district, count=200).plan(depth=150, vendor=SQLITE) == RECORD_SCOPE
    assert ScenarioRecords(**district, count=0).plan(depth=50, vendor=SQLITE) == RECORD_FREE


def test_postgresql_walks_the_first_pages_of_several_partners(records_city, city, monkeypatch):
    """PostgreSQL finds one partner's (partner, value) index itself and sorts several
    partners' records: the walk for the first pages of several partners, a narrowed page's
    too (its firms tested as a list: the risk records within a district, 158 → 55 ms at 5.6 M
    records, session 42); its own plan for one partner, and for few matching records among
    many."""
    monkeypatch.setattr(records_page, "table_records", lambda: 10_000_000)
    pg = "postgresql"
    leader = _terms(city.leader, _scenario(city.leader))  # the US and Japan
    assert ScenarioRecords(**leader, count=1_000_000).plan(depth=50, vendor=pg) == RECORD_WALK
    assert ScenarioRecords(**leader, count=200).plan(depth=150, vendor=pg) == RECORD_FREE
    one = _scenario(city.leader)
    one.partners.set(Partner.objects.filter(code="502"))
    alone = _terms(city.leader, one)
    assert ScenarioRecords(**alone, count=1_000_000).plan(depth=50, vendor=pg) == RECORD_FREE
    narrowed = [
        _terms(city.leader, _scenario(city.leader), district=city.district_a.pk),
        _terms(city.leader, _scenario(city.district_a_user)),
        _terms(city.district_a_user, _scenario(city.district_a_user)),
        _terms(city.liaison, _scenario(city.liaison)),
    ]
    for terms in narrowed:
        assert ScenarioRecords(**terms, count=1_000_000).plan(depth=50, vendor=pg) == RECORD_WALK
        assert ScenarioRecords(**terms, count=200).plan(depth=150, vendor=pg) == RECORD_FREE
    # the walk tests the firms on the index's entries: no join to the firm in its query
    walk = ScenarioRecords(**narrowed[0], count=1_000_000).query(RECORD_WALK, listed=True)
    assert "enterprises_enterprise" not in str(walk.values("id").query)


def _query_plan(qs: Any) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return " | ".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plans")
@pytest.mark.parametrize("currency", ["usd", "cny"])
def test_the_walk_reads_the_value_index_and_the_scope_the_firms_records(
    records_city, city, currency
):
    """The walk scans the value index in the page's order (no sort of the records); the scope
    plan reads the firms' records through the unique key (enterprise, period)."""
    for viewer in (city.leader, city.district_a_user, city.liaison):
        records = ScenarioRecords(**_terms(viewer, _scenario(viewer, currency)), count=100)
        walk = _query_plan(records.query(RECORD_WALK)[:50])
        assert f"USING INDEX customs_record_{currency}" in walk, walk
        assert "TEMP B-TREE FOR ORDER BY" not in walk, walk  # only its right part (ties)
        if viewer != city.leader:
            scope = _query_plan(records.query(RECORD_SCOPE)[:50])
            assert "sqlite_autoindex_trade_customsrecord_1 (enterprise_id=?" in scope, scope


@pytest.mark.parametrize("currency", ["usd", "cny"])
def test_the_page_lists_the_plain_order_for_each_viewer(
    records_city, city, client, monkeypatch, currency
):
    """Through the view, five rows a page: the first page and a deep one hold the plain
    query's rows in its order for the leader, a district user and a liaison officer (and the
    leader within a district), and the first page was walked (its conditions in a CASE)."""
    monkeypatch.setattr(views, "RECORDS_PAGE_SIZE", 5)
    for label, viewer, owner, narrow in _cases(city, records_city):
        scenario = _scenario(owner, currency)
        plain = _plain(_terms(viewer, scenario, **narrow))
        client.force_login(viewer)
        url = f"/risk/scenarios/{scenario.pk}/records/?" + "".join(
            f"{key}={value}&" for key, value in narrow.items()
        )
        for number in (1, 4):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(f"{url}page={number}")
            assert response.status_code == 200, label
            shown = [record.pk for record, _ in response.context["rows"]]
            assert shown == plain[(number - 1) * 5 : number * 5], (label, currency, number)
            assert response.context["page"].paginator.count == len(plain), label
            if number == 1 and connection.vendor == "sqlite":
                read = [q["sql"] for q in queries.captured_queries if "ORDER BY" in q["sql"]]
                page = [sql for sql in read if 'FROM "trade_customsrecord"' in sql]
                assert page and "CASE WHEN" in page[-1], (label, page)


def test_the_exposure_from_the_rollup_pieces_equals_the_records(records_city, city):
    """The scenario's figures, grouped one piece of the lines at a time from the rollup,
    equal those from the records (a code shorter than its line included), for each viewer."""
    for _label, viewer, owner, _narrow in _cases(city, records_city)[3:]:
        for currency in ("usd", "cny"):
            spec = selectors.spec_for(_scenario(owner, currency))
            rolled = selectors.exposure(viewer=viewer, spec=spec, owner=owner)
            facts = selectors.exposure(viewer=viewer, spec=spec, owner=owner, source="facts")
            assert rolled.records == facts.records > 0
            assert rolled.total_exposed == facts.total_exposed
            pairs = [(e.enterprise_id, e.exposed, e.loss) for e in rolled.enterprises]
            assert pairs == [(e.enterprise_id, e.exposed, e.loss) for e in facts.enterprises]
            assert rolled.by_line == facts.by_line


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plans")
def test_the_rollup_is_read_one_range_of_codes_at_a_time(records_city, city):
    """Every read of the exposure rollup for a scenario with lines (its figures, the records
    page's count and total) seeks the rollup's index to one piece's codes after the flow,
    month and partner: an OR of the lines' ranges read every code of the partners' months."""
    scenario = _scenario(city.leader)
    terms = _terms(city.leader, scenario)
    with CaptureQueriesContext(connection) as queries:
        selectors.exposure(viewer=city.leader, spec=terms["spec"], owner=city.leader)
        selectors.matching_sums(**terms)
    reads = [q["sql"] for q in queries.captured_queries if '"risk_exposurerollup"' in q["sql"]]
    assert len(reads) == 2 * 3  # two readers × (85, 84713000, the shorter 847130)
    for sql in reads:
        plan = _query_plan_of(sql)
        assert "partner_code=? AND hs_code" in plan, plan


def _query_plan_of(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return " | ".join(str(row[-1]) for row in cursor.fetchall())
