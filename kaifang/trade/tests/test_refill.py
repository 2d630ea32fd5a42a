"""Issue 17, the first view after an import: after a rollup rebuild the worker computes the
figures of the overview, concentration, new exporters and stopped traders for the city and
for each district or park user's scope (`trade.refill`), so their first view of each page is a
cache hit showing the figures a fresh computation gives; an entry computed for one scope is
never served to another's user."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaifang.core.lib import local_cache
from kaifang.core.models import Role, RoleCode
from kaifang.core.tests.factories import UserFactory
from kaifang.core.tests.queue import run_queued_tasks
from kaifang.trade import figures, refill
from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import rebuild_rollups

PAGES = {
    "overview": reverse("trade:analysis_overview"),
    **{
        kind: reverse("trade:analysis_dynamic", args=[kind])
        for kind in ("concentration", "new-exporters", "stopped")
    },
}
# What the page shows of its figures (the overview's tables compared by their rows).
SHOWN = {
    "overview": ("cards", "chart", "top_chart", "concentration"),
    "concentration": ("city", "items"),
    "new-exporters": ("items",),
    "stopped": ("items",),
}


def _sums(queries: list[dict[str, Any]]) -> list[str]:
    """The queries that compute figures: every one of them sums rollup rows."""
    return [q["sql"] for q in queries if "SUM(" in q["sql"].upper()]


def _view(client, user, name: str) -> tuple[Any, int, list[str]]:
    """The page as the user opens it from the menu (no parameters: the default query)."""
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(PAGES[name])
    assert response.status_code == 200
    reads = [q for q in ctx.captured_queries if q["sql"].startswith("SELECT")]  # not the session
    return response.context, len(reads), _sums(ctx.captured_queries)


def _shown(context: Any, name: str) -> dict[str, Any]:
    shown = {key: context[key] for key in SHOWN[name]}
    if name == "overview":
        shown["tables"] = [(t.label, t.rows, t.total) for t in context["tables"]]
        shown["partners"] = context["partners"].rows
    return shown


def _fresh(user, name: str) -> dict[str, Any]:
    q = figures.default_query(user, name)
    assert q is not None
    found = figures.PAGES[name].compute(user, q)
    return _shown(found, name)


def _rebuild_as_an_import_does(django_capture_on_commit_callbacks) -> list[str]:
    """A rebuild that commits, then what it queued, run the way the worker runs it."""
    with django_capture_on_commit_callbacks(execute=True):
        rebuild_rollups(sorted(set(CustomsRecord.objects.values_list("period", flat=True))))
    return run_queued_tasks()


def test_after_a_rebuild_and_the_workers_refill_the_first_views_compute_nothing(
    trade_data, city, client, django_capture_on_commit_callbacks
):
    ran = _rebuild_as_an_import_does(django_capture_on_commit_callbacks)
    assert "kaifang.trade.refill.refill" in ran
    for user in (city.leader, city.officer, city.district_a_user, city.district_b_user):
        for name in PAGES:
            local_cache.clear()  # the worker is another process: only the shared cache holds
            first, count, sums = _view(client, user, name)
            assert not sums, (user.username, name, sums)
            local_cache.clear()
            _, again, _ = _view(client, user, name)  # a hit for sure
            assert count == again, (user.username, name)
            assert _shown(first, name) == _fresh(user, name), (user.username, name)


def test_without_the_refill_the_first_view_computes_them(trade_data, city, client):
    """The check above can fail: a first view after a rebuild without the refill sums."""
    rebuild_rollups(sorted(set(CustomsRecord.objects.values_list("period", flat=True))))
    for name in PAGES:
        _, _, sums = _view(client, city.district_a_user, name)
        assert sums, name
        _, _, sums = _view(client, city.district_a_user, name)
        assert not sums, name


def test_a_refill_for_one_scope_is_never_served_to_another_scopes_user(
    trade_data, city, client, django_capture_on_commit_callbacks
):
    """Two users of district A, one of them also liaison of a district B firm (e2), and the
    district B user: each page shows each user's own figures, computed for them."""
    roles = list(Role.objects.filter(code__in=[RoleCode.UNIT_STAFF, RoleCode.LIAISON]))
    both = UserFactory(username="dist_a2", unit=city.district_a, roles=roles)
    with django_capture_on_commit_callbacks(execute=True):
        trade_data.e2.liaison = both
        trade_data.e2.save()
    _rebuild_as_an_import_does(django_capture_on_commit_callbacks)
    assert {u.username for u in refill.refill_viewers(owners=False)} >= {
        "dist_a",
        "dist_a2",
        "dist_b",
    }
    seen: dict[str, dict[str, Any]] = {}
    for user in (city.district_a_user, both, city.district_b_user, city.leader):
        for name in PAGES:
            context, _, sums = _view(client, user, name)
            assert not sums, (user.username, name)
            assert _shown(context, name) == _fresh(user, name), (user.username, name)
        seen[user.username] = _shown(_view(client, user, "concentration")[0], "concentration")
    firms = {name: {i.name for i in shown["items"]} for name, shown in seen.items()}
    assert firms["dist_a"] == {"甲机电", "丙电子"}
    assert firms["dist_a2"] == {"甲机电", "乙纺织", "丙电子"}  # e2 as liaison
    assert firms["dist_b"] == {"乙纺织", "丁服装"}
    assert firms["leader"] == {"甲机电", "乙纺织", "丙电子", "丁服装"}


def test_the_refill_leaves_out_users_who_see_only_their_own_firms(
    trade_data, city, client, django_capture_on_commit_callbacks
):
    """A liaison officer's pages cost little to compute: not refilled (the dashboard's refill
    keeps them); their first view computes their own figures, never a unit's."""
    with django_capture_on_commit_callbacks(execute=True):
        trade_data.e2.liaison = city.liaison
        trade_data.e2.save()
    refilled = {u.username for u in refill.refill_viewers(owners=False)}
    assert "liaison" not in refilled
    assert "liaison" in {u.username for u in refill.refill_viewers(owners=True)}
    assert len(refilled & {"leader", "officer", "admin"}) == 1  # the city's figures, once
    _rebuild_as_an_import_does(django_capture_on_commit_callbacks)
    context, _, sums = _view(client, city.liaison, "concentration")
    assert sums
    assert {i.name for i in context["items"]} == {"乙纺织"}


def test_the_refilled_figures_outlive_a_busy_cache(
    trade_data, city, client, django_capture_on_commit_callbacks
):
    """Hundreds of other entries (the superseded versions' figures wait out their day) must
    not cull the refill before anyone reads it: Django's default of 300 entries culled a third
    of them, those whose keys sort first, and trade's and the dashboard's sort early."""
    from django.core.cache import cache

    _rebuild_as_an_import_does(django_capture_on_commit_callbacks)
    cache.set_many({f"zz:{i}": i for i in range(400)})
    cache.set("zz:last", 1)  # a set past the limit is when the database cache culls
    for name in PAGES:
        _, _, sums = _view(client, city.district_a_user, name)
        assert not sums, name
