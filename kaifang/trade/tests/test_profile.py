"""Trade's contributions to the register: the profile panel and the list filters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.trade.rollups import rebuild_rollups
from kaifang.trade.tests.factories import CustomsRecordFactory


def test_profile_panel_shows_trade_with_links_to_records(trade_data, city, client):
    client.force_login(city.leader)
    response = client.get(reverse("enterprises:detail", args=[trade_data.e1.pk]))
    html = response.content.decode()
    assert 'id="panel-trade"' in html and "进出口情况" in html
    assert f'data-source="enterprise-trend-{trade_data.e1.pk}"' in html
    assert "美国" in html and "主要商品" in html and "HHI" in html
    assert f"enterprise={trade_data.e1.pk}" in html and "/trade/analysis/records/" in html
    assert "<script>" not in html


def test_profile_page_reads_no_customs_records(trade_data, city, client):
    """Issue 17: the whole 一企一档 page (every panel) for a leader and a district user."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for user in (city.leader, city.district_a_user):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            html = client.get(reverse("enterprises:detail", args=[trade_data.e1.pk])).content
        assert "美国" in html.decode()  # the partner table is there
        assert not [q for q in queries.captured_queries if "trade_customsrecord" in q["sql"]]


def test_profile_chart_point_links_to_that_months_records(trade_data, city, client):
    from kaifang.trade.profile import trade_panel_context

    request = client.get("/").wsgi_request
    request.user = city.leader
    ctx = trade_panel_context(request, trade_data.e1)
    export = ctx["chart"]["series"][0]
    assert export["name"] == "出口" and export["values"][-1] == 0.01  # 100 USD = 0.01 万美元
    link = export["links"][-1]
    client.force_login(city.leader)
    records = client.get(link)
    assert records.context["total"] == Decimal(100)
    assert ctx["cards"]["export"].ytd == Decimal(150)
    assert [r.key for r in ctx["partners"].rows] == ["502", "116"]


def test_profile_moves_to_a_new_month_once_it_is_imported(trade_data, city, client):
    """The profile's report month is kept per rollup version and scope (as the trade pages'):
    the month an import brings shows at once, within each viewer's own firms."""
    from kaifang.trade.profile import trade_panel_context

    request = client.get("/").wsgi_request
    request.user = city.district_a_user
    assert trade_panel_context(request, trade_data.e1)["q"].period == dt.date(2025, 3, 1)
    CustomsRecordFactory(enterprise=trade_data.e1, period=dt.date(2025, 4, 1))
    rebuild_rollups([dt.date(2025, 4, 1)])
    assert trade_panel_context(request, trade_data.e1)["q"].period == dt.date(2025, 4, 1)
    CustomsRecordFactory(enterprise=trade_data.e2, period=dt.date(2025, 5, 1))  # district B
    rebuild_rollups([dt.date(2025, 5, 1)])
    assert trade_panel_context(request, trade_data.e1)["q"].period == dt.date(2025, 4, 1)


def test_profile_without_trade_says_so(city, trade_reference, client):
    enterprise = EnterpriseFactory(district=city.district_a)
    client.force_login(city.leader)
    html = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert "近36个月没有这家企业的海关进出口记录" in html


def test_district_user_cannot_open_another_districts_profile(trade_data, city, client):
    client.force_login(city.district_b_user)
    assert client.get(reverse("enterprises:detail", args=[trade_data.e1.pk])).status_code == 404


def _names(client, **params) -> set[str]:
    response = client.get(reverse("enterprises:list"), params)
    assert response.status_code == 200
    return {e.name for e in response.context["page"]}


def test_register_filters_by_trade_size_band(trade_data, city, client):
    big = EnterpriseFactory(name="己巨头", district=city.district_a)
    CustomsRecordFactory(enterprise=big, period=dt.date(2025, 1, 1), value_usd=Decimal(20_000_000))
    mid = EnterpriseFactory(name="庚中型", district=city.district_b)
    CustomsRecordFactory(enterprise=mid, period=dt.date(2024, 6, 1), value_usd=Decimal(1_000_000))
    rebuild_rollups([dt.date(2025, 1, 1), dt.date(2024, 6, 1)])
    client.force_login(city.leader)
    # last 12 months = 2024-04 … 2025-03 (the latest month with data)
    assert _names(client, trade_size="10m-100m") == {"己巨头"}
    assert _names(client, trade_size="1m-10m") == {"庚中型"}  # 100万 is the lower bound
    assert _names(client, trade_size="lt1m") == {"甲机电", "乙纺织", "丙电子", "丁服装", "戊贸易"}
    assert _names(client, trade_size="ge100m") == set()
    # the register's scope still applies
    client.force_login(city.district_b_user)
    assert _names(client, trade_size="10m-100m") == set()
    assert _names(client, trade_size="1m-10m") == {"庚中型"}


def test_register_filters_trading_or_not_in_a_period(trade_data, city, client):
    idle = EnterpriseFactory(name="辛无贸易", district=city.district_a)
    client.force_login(city.leader)
    assert _names(client, trading="yes", trade_from="2025-01", trade_to="2025-03") == {
        "甲机电",
        "乙纺织",
        "丙电子",
        "丁服装",
    }
    assert _names(client, trading="no", trade_from="2025-01", trade_to="2025-03") == {
        "戊贸易",
        idle.name,
    }
    assert _names(client, trading="yes", trade_from="2024-10", trade_to="2024-10") == {"戊贸易"}
    client.force_login(city.district_a_user)
    assert _names(client, trading="no", trade_from="2025-01") == {"戊贸易", idle.name}


def test_trading_filter_reads_the_enterprise_rollup_not_the_facts(trade_data, city, client):
    """Issue 17: the list's count and page each ran `pk IN (SELECT … FROM records)`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(city.leader)
    with CaptureQueriesContext(connection) as queries:
        names = _names(client, trading="yes", trade_from="2025-01", trade_to="2025-03")
    assert names == {"甲机电", "乙纺织", "丙电子", "丁服装"}
    assert not [q for q in queries.captured_queries if "trade_customsrecord" in q["sql"]]


def test_profile_tables_equal_their_own_facts_and_read_no_facts(trade_data, city, client):
    """Issue 17: the profile's trend and cards read the enterprise rollup, and its partner,
    product and trade-mode tables one grouping of each of the enterprise's two stage rollups,
    never its records; every figure equals the same table read straight from the facts."""
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import F
    from django.test.utils import CaptureQueriesContext

    from kaifang.trade.profile import trade_panel_context
    from kaifang.trade.selectors import Keys, Query, breakdown, totals_by_flow, trend
    from kaifang.trade.selectors.base import apply_keys, facts, grouped_sums

    request = client.get("/").wsgi_request
    for user in (city.leader, city.district_a_user):
        request.user = user
        cache.clear()  # each user's computation (the panel is kept per firm)
        with CaptureQueriesContext(connection) as queries:
            ctx = trade_panel_context(request, trade_data.e1)
        sql = [q["sql"] for q in queries.captured_queries]
        assert not [s for s in sql if "trade_customsrecord" in s]
        assert len([s for s in sql if "rollup" in s and "heading" in s]) == 1
        assert len([s for s in sql if "trade_enterprisepartnerrollup" in s]) == 1
        q, keys = ctx["q"], Keys(enterprise=str(trade_data.e1.pk))
        for name, by in (("partners", "partner"), ("products", "hs4"), ("modes", "mode")):
            alone = breakdown(viewer=user, by=by, q=q, keys=keys, facts_only=True)
            assert [(r.key, r.sums) for r in ctx[name].rows] == [
                (r.key, r.sums) for r in alone.rows
            ]
            assert ctx[name].total.sums == alone.total.sums
        by_flow = grouped_sums(apply_keys(facts(user), keys), F("flow"), q)
        cards = totals_by_flow(viewer=user, q=q, keys=keys)
        assert cards["export"].sums == by_flow["export"]
        points = trend(viewer=user, end=q.period, currency="usd", keys=keys)
        assert sum(p.export for p in points) == Decimal(230)  # r1 + r2 + r3
    other = Query(year=2025, month=3)
    assert totals_by_flow(viewer=city.district_b_user, q=other, keys=keys)["total"].ytd == 0
    # outside the scope: nothing, though the firm's panel is kept in the cache
    request.user = city.district_b_user
    assert trade_panel_context(request, trade_data.e1) == {"has_trade": False}
    cache.clear()
    assert trade_panel_context(request, trade_data.e1) == {"has_trade": False}
    for by in ("partner", "hs4", "mode"):
        assert not breakdown(viewer=city.district_b_user, by=by, q=other, keys=keys).rows


def test_a_firms_stage_rows_are_read_from_their_keys_on_postgresql(trade_data, city, client):
    """Issue 17 at 50.7 M records: the profile's two stage reads fetched a heap row per
    (month, flow, heading, mode) of the firm, each on its own page (45–80 ms for the largest
    firm; 2.2 s the first time). The stage keys carry the sums (migration trade/0013), so
    every column each read takes from its stage table is in the table's unique key or its
    INCLUDE list, and PostgreSQL can answer it with an index-only scan (it did at 50.7 M).
    Which plan the planner took on the tiny test table depended on the statistics autovacuum
    had left (one CI run took the period index), so the test checks what makes the scan
    possible: without the migration the sums are missing from the key."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("INCLUDE columns are PostgreSQL's")
    client.force_login(city.district_a_user)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("enterprises:detail", args=[trade_data.e1.pk]))
    stage_keys = {
        "trade_enterpriseproductrollup": "enterprise_product_rollup_unique",
        "trade_enterprisepartnerrollup": "enterprise_partner_rollup_unique",
    }
    stages = [
        (table, q["sql"])
        for q in queries.captured_queries
        for table in stage_keys
        if table in q["sql"]
    ]
    assert len(stages) == 2, stages  # by partner; by heading and trade mode
    with connection.cursor() as cursor:
        for table, sql in stages:
            cursor.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                "WHERE c.relname = %s",
                [stage_keys[table]],
            )
            in_key = {row[0] for row in cursor.fetchall()}
            read = set(re.findall(rf'"{table}"\."(\w+)"', sql))
            assert {"enterprise_id", "value_usd"} <= read, sql
            assert read <= in_key, (table, read - in_key)


def test_the_stage_rollups_are_vacuumed_after_a_months_rewrite_on_postgresql(db):
    """After a month's rebuild the stage keys' index-only scans fetch the rewritten rows until
    a vacuum marks their pages; autovacuum's default waits for 20 % of the table (a month of
    three years is about 3 %: some seven imports), migration 0014 asks for 1 % (0022, 0023, 0026
    and 0027 for the trade mode, partner × mode, HS chapter and partner group stages, whose
    keys carry the sums as 0013 made the others')."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's autovacuum")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname IN "
            "('trade_enterpriseproductrollup', 'trade_enterprisepartnerrollup', "
            "'trade_enterprisemoderollup', 'trade_enterprisepartnermoderollup', "
            "'trade_enterprisechapterrollup', 'trade_enterprisegrouprollup')"
        )
        options = dict(cursor.fetchall())
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_class c WHERE c.relname IN "
            "('enterprise_mode_rollup_unique', 'enterprise_partner_mode_unique', "
            "'enterprise_chapter_rollup_unique', 'enterprise_group_rollup_unique')"
        )
        keys = dict(cursor.fetchall())
    # the keys of the four stages migrations 0022, 0023, 0026 and 0027 add carry the sums too
    assert len(keys) == 4
    for key in keys.values():
        assert key.replace('"', "").endswith("INCLUDE (value_usd, value_cny, rows)"), key
    assert "(enterprise_id, period, flow, partner, mode)" in keys["enterprise_partner_mode_unique"]
    assert "(enterprise_id, period, flow, chapter)" in keys["enterprise_chapter_rollup_unique"]
    assert "(enterprise_id, period, flow, partner_group)" in keys["enterprise_group_rollup_unique"]
    assert len(options) == 6
    for table, found in options.items():
        assert "autovacuum_vacuum_scale_factor=0.01" in (found or []), table
        assert "autovacuum_vacuum_insert_scale_factor=0.01" in (found or []), table
