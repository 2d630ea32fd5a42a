"""The overview's figures are cached per rollup version and scope: a repeat view skips the
sums, an import or an enterprise change retires the entry, and scopes never share one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kaifang.enterprises.actions import enterprise_update
from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import bump_version, rebuild_rollups, rollup_version
from kaifang.trade.tests.conftest import d
from kaifang.trade.tests.factories import CustomsRecordFactory

URL = reverse("trade:analysis_overview") + "?" + urlencode({"year": 2025, "month": 3})


def _overview(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    cards = {label: row.ytd for label, row, _ in response.context["cards"]}
    rollup_reads = [q for q in queries if "trade_traderollup" in q["sql"] and "SELECT" in q["sql"]]
    return cards, len(queries), rollup_reads


def test_a_second_view_is_served_from_the_cache(trade_data, city, client):
    first, first_count, first_reads = _overview(client, city.leader)
    second, second_count, second_reads = _overview(client, city.leader)
    assert second == first
    assert first_reads and not second_reads[1:]  # only latest_period's MAX() remains
    assert second_count < first_count


def test_an_import_retires_the_cached_figures(trade_data, city, client):
    before, _, _ = _overview(client, city.leader)
    assert before["出口"] == Decimal(200)
    CustomsRecordFactory(
        enterprise=trade_data.e2,
        period=d(2025, 3),
        flow="export",
        partner_code="502",
        hs_code="61091000",
        trade_mode="10",
        value_usd=Decimal(7),
    )
    rebuild_rollups([d(2025, 3)])
    after, _, _ = _overview(client, city.leader)
    assert after["出口"] == Decimal(207)
    assert CustomsRecord.objects.filter(period=d(2025, 3)).count() == 4


def test_users_with_different_scopes_never_share_an_entry(trade_data, city, client):
    leader, _, _ = _overview(client, city.leader)
    district_a, _, _ = _overview(client, city.district_a_user)
    district_b, _, _ = _overview(client, city.district_b_user)
    liaison, _, _ = _overview(client, city.liaison)
    assert leader["进出口"] == Decimal(400)
    assert district_a["进出口"] == Decimal(350)  # e1 150 + e3 200
    assert district_b["进出口"] == Decimal(50)  # e2 30 + e4 20
    assert liaison["进出口"] == Decimal(0)  # no enterprise yet


def test_a_new_liaison_sees_their_enterprise_at_once(
    trade_data, city, client, django_capture_on_commit_callbacks
):
    assert _overview(client, city.liaison)[0]["进出口"] == Decimal(0)
    # The pair refresh runs once when the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_update(actor=city.admin, enterprise=trade_data.e2, liaison=city.liaison)
    assert _overview(client, city.liaison)[0]["进出口"] == Decimal(30)


def test_a_new_industry_reaches_the_cached_industry_table(trade_data, city, client):
    client.force_login(city.leader)
    industry = {r.key: r.ytd for r in client.get(URL).context["tables"][1].rows}
    assert industry == {"C": Decimal(200), "-": Decimal(200)}
    enterprise_update(actor=city.admin, enterprise=trade_data.e1, industry=None)
    industry = {r.key: r.ytd for r in client.get(URL).context["tables"][1].rows}
    assert industry == {"C": Decimal(50), "-": Decimal(350)}  # e1 (150) has none now


def test_the_rollup_version_outlives_the_cache_default_timeout(db):
    """Page entries live a day under the version they were computed with. The version must
    not lapse and restart at an old value (Django's incr() re-sets a key with the default
    5-minute timeout), or a page cached before an import is served again after it."""
    before = rollup_version()
    bump_version()
    bumped = rollup_version()
    assert bumped != before
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        assert rollup_version() == bumped


def test_concentration_figures_are_cached_until_the_next_rebuild(trade_data, city, client):
    """Issue 17: the concentration page groups the largest firms' partner sums (the partner
    stage's 累计, decision 0062) once per rollup version and scope; a repeat view reads
    nothing of it, a rebuild recomputes; no view reads the customs records."""
    url = reverse("trade:analysis_dynamic", args=["concentration"]) + "?year=2025&month=3"
    client.force_login(city.leader)

    def stage_read() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        sql = [q["sql"] for q in queries.captured_queries]
        assert not [s for s in sql if "trade_customsrecord" in s]
        return sum("trade_enterprisepartneryeartodaterollup" in s for s in sql)

    assert stage_read() == 1
    assert stage_read() == 0
    first = client.get(url).context["items"]
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    assert stage_read() == 1
    assert [i.hhi for i in client.get(url).context["items"]] == [i.hhi for i in first]
    client.force_login(city.district_a_user)  # another scope, its own entry
    assert stage_read() == 1


def test_new_exporters_and_stopped_are_cached_per_scope_until_the_next_rebuild(
    trade_data, city, client
):
    for kind in ("new-exporters", "stopped"):
        url = reverse("trade:analysis_dynamic", args=[kind]) + "?year=2025&month=3"
        client.force_login(city.leader)

        def rollup_reads(url: str = url) -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            return sum(
                "trade_traderollup" in q["sql"] and "GROUP BY" in q["sql"]
                for q in queries.captured_queries
            )

        first = rollup_reads()
        assert first >= 1
        items = client.get(url).context["items"]
        assert rollup_reads() == 0
        rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
        assert rollup_reads() == first
        assert client.get(url).context["items"] == items
        client.force_login(city.district_a_user)  # another scope, its own entry
        assert rollup_reads() >= 1
