"""Read endpoints under /api/v1/: in the OpenAPI schema, scoped like the pages."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_anonymous_gets_401(client: Client):
    for path in (
        "/api/v1/indicators",
        "/api/v1/dashboard",
        "/api/v1/briefings",
        "/api/v1/indicators/trade_total/figures",
    ):
        assert client.get(path).status_code == 401


def test_endpoints_are_in_the_schema(city, client: Client):
    client.force_login(city.officer)
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/indicators",
        "/api/v1/indicators/{code}/figures",
        "/api/v1/dashboard",
        "/api/v1/briefings",
    ):
        assert path in paths


def test_figures_match_the_page_and_respect_scope(trade_data, seeded, region_a, city, client):
    client.force_login(city.leader)
    data = client.get("/api/v1/indicators/trade_total/figures?year=2025&month=3").json()
    regions = {r["region"]: r for r in data["rows"]}
    assert D(regions[region_a.name]["ytd"]) * 100_000_000 == D(2450)
    assert D(regions[region_a.name]["contribution_pp"]).quantize(D("0.0001")) == D("77.2727")
    client.force_login(city.district_b_user)
    data = client.get("/api/v1/indicators/trade_total/figures?year=2025&month=3").json()
    assert region_a.name not in {r["region"] for r in data["rows"]}
    head = client.get("/api/v1/dashboard?year=2025&month=3").json()
    assert D(head["trade_ytd_yi"]) * 100_000_000 == D(350)  # 西城 50 USD × 7
    assert client.get("/api/v1/indicators/nope/figures").status_code == 404


def test_briefings_listed_only_for_whole_city_users(trade_data, seeded, city, client):
    from kaifang.reports.actions import briefing_generate

    briefing_generate(year=2025, month=3, actor=city.officer)
    client.force_login(city.leader)
    assert len(client.get("/api/v1/briefings").json()) == 1
    client.force_login(city.district_a_user)
    assert client.get("/api/v1/briefings").json() == []
