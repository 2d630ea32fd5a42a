"""The leader's workbench opens with the headline figures; tiles of modules the dashboard may
not import appear only when their provider registers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kaifang.core import tiles

pytestmark = pytest.mark.django_db


def test_workbench_opens_with_the_headline(trade_data, seeded, city, client: Client):
    client.force_login(city.leader)
    html = client.get(reverse("core:workbench")).content.decode()
    assert "panel-indicators" in html
    assert "全市外贸 2025年1–3月" in html
    # before any other panel
    assert html.index("panel-indicators") < html.index("</main>")
    client.force_login(city.district_a_user)
    html = client.get(reverse("core:workbench")).content.decode()
    assert "东城区商务局外贸" in html


def test_registered_tiles_appear_and_absent_ones_do_not(seeded, city, client: Client):
    assert {"servicedesk", "supervision"} <= set(tiles.registered())
    client.force_login(city.leader)
    html = client.get(reverse("indicators:dashboard"), {"year": 2025, "month": 3}).content.decode()
    assert "督查督办" not in html.split("dash-grid")[1]  # no tasks: the provider returns None
    tiles.register(
        "test-zone",
        99,
        lambda request: tiles.Tile(
            "开放平台", "/zones/", [tiles.TileFigure("下一里程碑", "综保区验收")]
        ),
    )
    try:
        html = client.get(
            reverse("indicators:dashboard"), {"year": 2025, "month": 3}
        ).content.decode()
        assert "开放平台" in html and "综保区验收" in html and 'href="/zones/"' in html
    finally:
        tiles._PROVIDERS.pop("test-zone")


def test_supervision_tile_counts_tasks_by_light(seeded, city):
    import datetime as dt

    from django.test import RequestFactory

    from kaifang.supervision.tests.conftest import make_task
    from kaifang.supervision.tiles import tile

    request = RequestFactory().get("/")
    request.user = city.leader
    assert tile(request) is None  # no tasks yet
    make_task(city, deadline=dt.date(2000, 1, 3))  # long past: red
    make_task(city, deadline=dt.date(2100, 1, 4))  # far ahead: blue
    shown = tile(request)
    assert shown is not None
    figures = {f.label: f.value for f in shown.figures}
    assert figures == {"正常推进": "1 项", "临期预警": "0 项", "逾期": "1 项", "已办结": "0 项"}
    request.user = city.district_b_user
    assert tile(request) is None  # district A's tasks are not district B's


def test_tiles_are_cached_per_user_and_year(city):
    from django.core.cache import cache
    from django.test import RequestFactory

    calls: list[str] = []

    def provider(request):
        calls.append(request.user.username)
        return None if request.user == city.district_b_user else tiles.Tile("计数", "/x/")

    tiles.register("test-count", 98, provider)
    try:

        def shown(user, **params):
            request = RequestFactory().get("/", params)
            request.user = user
            return [t.title for t in tiles.tiles_for(request) if t.title == "计数"]

        assert shown(city.leader) == ["计数"]
        assert shown(city.leader) == ["计数"]  # from the cache
        assert shown(city.district_b_user) == [] and shown(city.district_b_user) == []
        assert calls == ["leader", "dist_b"]  # one call per user, "nothing" cached too
        assert shown(city.leader, year="2024") == ["计数"]  # another year: asked again
        assert calls == ["leader", "dist_b", "leader"]
        cache.clear()
        shown(city.leader)
        assert len(calls) == 4
    finally:
        tiles._PROVIDERS.pop("test-count")
