"""The dashboard's platform, park and project tiles (registered by zones through core.tiles):
their figures on hand-made zones, each tile linking to the page behind it, and a district
seeing only its own platforms, parks and projects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.urls import reverse

from kaifang.core import tiles
from kaifang.zones import actions
from kaifang.zones.actions import parks as park_actions
from kaifang.zones.tests.conftest import make_zone
from kaifang.zones.tiles import park_tile, platform_tile, project_tile

pytestmark = pytest.mark.django_db


def _figures(tile: tiles.Tile | None) -> dict[str, str]:
    assert tile is not None
    return {f.label: f.value for f in tile.figures}


@pytest.fixture
def zone(city):
    zone = make_zone(city)
    actions.milestone_add(
        actor=city.officer, platform=zone.platform, title="海关验收", due=dt.date(2025, 3, 1)
    )
    actions.milestone_add(
        actor=city.officer, platform=zone.platform, title="首发班列", due=dt.date(2025, 7, 20)
    )
    park_actions.park_output_set(
        actor=city.officer,
        park=zone.park,
        year=2025,
        output=Decimal("120"),
        target=Decimal("150"),
    )
    return zone


def _request(user, **params):
    request = RequestFactory().get("/", params)
    request.user = user
    return request


@time_machine.travel(dt.datetime(2025, 7, 10, 9, tzinfo=dt.UTC), tick=False)
def test_zone_tiles_count_what_the_pages_list(city, zone):
    request = _request(city.leader)
    platforms = platform_tile(request)
    assert _figures(platforms) == {
        "平台总数": "1 个",
        "申建/建设中": "0 个",
        "运营": "0 个",
        "逾期节点": "1 个",
        "下一节点": "2025-07-20",
    }
    assert platforms is not None and platforms.note == "东城中欧班列集结中心：首发班列"
    tones = {f.label: f.tone for f in platforms.figures}
    assert tones["逾期节点"] == "bad" and tones["下一节点"] == "warn"  # within 15 days
    assert platforms.url == reverse("zones:platform_list")

    parks = park_tile(request)
    assert _figures(parks) == {
        "园区": "1 个",
        "百亿级目标": "1 个 · 已达 1",  # 120 亿元 ≥ 100
        "2025年产值目标完成": "80.0%",  # 120 ÷ 150
    }
    assert parks is not None and parks.url == reverse("zones:park_list")
    # the dashboard's year picks the year of the outputs: none reported for 2024
    assert "2024年产值目标完成" not in _figures(park_tile(_request(city.leader, year="2024")))

    projects = project_tile(request)
    assert _figures(projects)["线索/洽谈"] == "1 个"
    assert _figures(projects)["停滞"] == "1 个"  # 线索 since 2025-03-01: over three months
    assert projects is not None and projects.url == reverse("zones:project_funnel")


def test_a_district_sees_its_own_zones_only(city, zone):
    for tile in (platform_tile, park_tile, project_tile):
        assert tile(_request(city.district_a_user)) is not None
        assert tile(_request(city.district_b_user)) is None, tile.__name__


def test_dashboard_shows_the_zone_tiles_to_their_scope(city, zone, seeded, client: Client):
    assert {"zones-platforms", "zones-parks", "zones-projects"} <= set(tiles.registered())
    url = reverse("indicators:dashboard")
    client.force_login(city.leader)
    grid = client.get(url, {"year": 2025, "month": 3}).content.decode().split("dash-grid")[1]
    for title, page in (
        ("开放平台", "zones:platform_list"),
        ("园区发展", "zones:park_list"),
        ("招商项目", "zones:project_funnel"),
    ):
        assert title in grid
        assert f'href="{reverse(page)}"' in grid
    client.force_login(city.district_b_user)
    grid = client.get(url, {"year": 2025, "month": 3}).content.decode().split("dash-grid")[1]
    assert "开放平台" not in grid and "园区发展" not in grid and "东城中欧班列" not in grid


def test_dashboard_api_carries_the_tiles_within_scope(city, zone, seeded, client: Client):
    client.force_login(city.leader)
    body = client.get("/api/v1/dashboard", {"year": 2025, "month": 3}).json()
    titles = {t["title"]: t for t in body["tiles"]}
    assert {"开放平台", "园区发展", "招商项目"} <= set(titles)
    parks = {f["label"]: f["value"] for f in titles["园区发展"]["figures"]}
    assert parks["2025年产值目标完成"] == "80.0%"
    assert titles["园区发展"]["url"] == reverse("zones:park_list")
    client.force_login(city.district_b_user)
    body = client.get("/api/v1/dashboard", {"year": 2025, "month": 3}).json()
    assert not {"开放平台", "园区发展", "招商项目"} & {t["title"] for t in body["tiles"]}
