"""The read-only JSON of zones: {count, items} with limit/offset, detail endpoints, the scope
gate (district B gets 404 and an empty list), 401 for anonymous, and the OpenAPI schema."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from kaifang.zones import actions

pytestmark = pytest.mark.django_db

LISTS = {
    "/api/v1/platforms": "platform",
    "/api/v1/parks": "park",
    "/api/v1/projects": "project",
}


@pytest.mark.parametrize(("url", "attr"), LISTS.items())
def test_lists_and_details_are_scoped(city, zone, client: Client, url, attr):
    obj = getattr(zone, attr)
    assert client.get(url).status_code == 401
    assert client.get(f"{url}/{obj.pk}").status_code == 401
    client.force_login(city.district_b_user)
    data = client.get(url).json()
    assert data == {"count": 0, "items": []}
    assert client.get(f"{url}/{obj.pk}").status_code == 404
    client.force_login(city.district_a_user)
    data = client.get(url).json()
    assert data["count"] == 1 and data["items"][0]["name"] == obj.name
    assert client.get(f"{url}/{obj.pk}").json()["id"] == obj.pk


def test_project_has_its_stage_as_chinese_label_and_history(city, zone, client: Client):
    actions.project_move(
        actor=city.officer, project=zone.project, stage="talks", on=dt.date(2025, 4, 1)
    )
    client.force_login(city.officer)
    item = client.get("/api/v1/projects?limit=1&offset=0").json()["items"][0]
    assert item["stage"] == "洽谈" and item["stage_code"] == "talks"
    assert [(h["stage"], h["on"]) for h in item["stage_history"]] == [
        ("线索", "2025-03-01"),
        ("洽谈", "2025-04-01"),
    ]
    assert client.get("/api/v1/projects?limit=1&offset=1").json() == {"count": 1, "items": []}


def test_chain_with_segments_enterprises_and_gaps(city, zone, client: Client):
    client.force_login(city.district_b_user)
    data = client.get("/api/v1/chains").json()
    assert data["count"] == 1
    segment = data["items"][0]["segments"][0]
    assert segment["name"] == "数控机床" and segment["gap"] is True
    assert segment["state_label"] == "缺失"
    assert {"enterprises", "import_sources", "export_markets"} <= set(segment)
    assert client.get(f"/api/v1/chains/{zone.chain.pk}").json()["name"] == "高端装备"
    assert client.get("/api/v1/chains/999999").status_code == 404


def test_platform_and_park_details(city, zone, client: Client):
    client.force_login(city.district_a_user)
    p = client.get(f"/api/v1/platforms/{zone.platform.pk}").json()
    assert p["status_label"] == "谋划" and p["status_history"][0]["on"] == "2025-01-10"
    assert {k["name"] for k in p["kpis"]} == {"班列开行列数", "班列货值"}
    park = client.get(f"/api/v1/parks/{zone.park.pk}").json()
    assert park["tier_label"] == "百亿级" and park["trade_ytd_usd"] is not None
    assert "营业收入" in {k["name"] for k in park["kpis"]}
    for url in (f"/api/v1/parks/{zone.park.pk}", f"/api/v1/platforms/{zone.platform.pk}"):
        refused = client.get(url, {"year": 99999})
        assert refused.status_code == 422 and "年份" in refused.json()["errors"]["year"][0]


def test_openapi_schema_lists_the_endpoints(city, client: Client):
    client.force_login(city.officer)
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("platforms", "parks", "chains", "projects"):
        assert f"/api/v1/{path}" in paths
        assert f"/api/v1/{path}/{{pk}}" in paths
