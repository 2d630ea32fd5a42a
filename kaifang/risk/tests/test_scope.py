"""The scope gate on every risk route: district B's user gets 404 on district A's scenario
and never sees it or its enterprises in lists, exports or the API; anonymous goes to login."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from kaifang.core.models import Partner
from kaifang.risk.models import FollowUp, Scenario, ScenarioProduct, WatchEntry
from kaifang.risk.tests.conftest import d

pytestmark = pytest.mark.django_db


@pytest.fixture
def district_scenario(risk_data, city) -> Scenario:
    """District A's scenario: exports of chapters 84–85 to the US, March 2025 back 12 months."""
    scenario = Scenario.objects.create(
        name="东城区对美机电",
        unit=city.district_a,
        created_by=city.district_a_user,
        until=d(2025, 3),
    )
    scenario.partners.set(Partner.objects.filter(code="502"))
    ScenarioProduct.objects.create(scenario=scenario, line=1, hs_code="85")
    ScenarioProduct.objects.create(scenario=scenario, line=2, hs_code="84")
    FollowUp.objects.create(
        scenario=scenario, enterprise=risk_data.a1, liaison=city.liaison, rank=1
    )
    WatchEntry.objects.create(
        partner=Partner.objects.get(code="502"), level="high", since=dt.date(2025, 1, 1)
    )
    return scenario


OBJECT_ROUTES = [
    "/risk/scenarios/{pk}/",
    "/risk/scenarios/{pk}/edit/",
    "/risk/scenarios/{pk}/import/",
    "/risk/scenarios/{pk}/records/",
    "/risk/scenarios/{pk}/export.xlsx",
    "/risk/scenarios/{pk}/brief.docx",
    "/api/v1/risk/scenarios/{pk}/result",
]
POST_ROUTES = ["/risk/scenarios/{pk}/follow-ups/", "/risk/scenarios/{pk}/delete/"]


@pytest.mark.parametrize("route", [*OBJECT_ROUTES, *POST_ROUTES])
def test_district_b_gets_404_on_district_a_scenario(district_scenario, city, route):
    client = Client()
    client.force_login(city.district_b_user)
    url = route.format(pk=district_scenario.pk)
    response = client.post(url, {"top": 5}) if route in POST_ROUTES else client.get(url)
    assert response.status_code == 404
    assert Scenario.objects.filter(pk=district_scenario.pk).exists()
    assert FollowUp.objects.count() == 1


@pytest.mark.parametrize("route", [*OBJECT_ROUTES, "/risk/", "/risk/watch/", "/risk/dependence/"])
def test_anonymous_is_sent_to_login(district_scenario, route):
    response = Client().get(route.format(pk=district_scenario.pk))
    if route.startswith("/api/"):
        assert response.status_code == 401
    else:
        assert response.status_code == 302 and "/login" in response["Location"]


def test_lists_and_api_hide_district_a(district_scenario, city):
    client = Client()
    client.force_login(city.district_b_user)
    assert "东城区对美机电" not in client.get("/risk/").content.decode()
    assert client.get("/api/v1/risk/scenarios").json() == []
    assert "甲电机" not in client.get("/risk/my-visits/").content.decode()
    dependence = client.get("/risk/dependence/").content.decode()
    assert "甲电机" not in dependence and "乙电器" not in dependence
    # the watch list is city-wide knowledge, read by everyone
    assert client.get("/api/v1/risk/watchlist").json()[0]["partner_code"] == "502"


def test_district_scenario_sees_only_its_district_even_for_the_leader(district_scenario, city):
    client = Client()
    client.force_login(city.leader)
    data = client.get(f"/api/v1/risk/scenarios/{district_scenario.pk}/result").json()
    assert {e["name"] for e in data["enterprises"]} == {"甲电机", "乙电器"}
    assert data["total_exposed"] == "220.0000" and data["total_trade"] == "490.0000"
    export = client.get(f"/risk/scenarios/{district_scenario.pk}/export.xlsx")
    text = str(list(load_workbook(io.BytesIO(export.content)).worksheets[0].values))
    assert "甲电机" in text and "丙机械" not in text


def test_a_city_scenario_read_by_district_b_shows_only_district_b(district_scenario, city):
    scenario = Scenario.objects.create(
        name="全市对美机电", unit=city.division, created_by=city.officer, until=d(2025, 3)
    )
    scenario.partners.set(Partner.objects.filter(code="502"))
    ScenarioProduct.objects.create(scenario=scenario, line=1, hs_code="84")
    client = Client()
    client.force_login(city.district_b_user)
    # the bureau's scenario is outside district B's units: not visible at all
    assert client.get(f"/risk/scenarios/{scenario.pk}/").status_code == 404
    client.force_login(city.district_a_user)
    assert client.get(f"/risk/scenarios/{scenario.pk}/").status_code == 404
    client.force_login(city.leader)
    data = client.get(f"/api/v1/risk/scenarios/{scenario.pk}/result").json()
    assert {e["name"]: e["exposed"] for e in data["enterprises"]} == {
        "甲电机": "50.0000",
        "丙机械": "60.0000",
    }
    assert Decimal(data["share"]) == Decimal(110) / Decimal(575)


def test_openapi_lists_the_risk_endpoints(city):
    client = Client()
    client.force_login(city.officer)
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/risk/watchlist",
        "/api/v1/risk/scenarios",
        "/api/v1/risk/scenarios/{scenario_id}/result",
    } <= set(paths)


def test_watch_list_is_kept_by_bureau_staff_only(city, trade_reference):
    client = Client()
    client.force_login(city.district_a_user)
    form = {"partner": "美国", "level": "high", "since": "2025-04-02", "note": "加征关税"}
    assert client.post("/risk/watch/", form).status_code == 403
    client.force_login(city.officer)
    assert client.post("/risk/watch/", form).status_code == 302
    entry = WatchEntry.objects.get()
    assert (entry.partner.code, entry.level, entry.updated_by) == ("502", "high", city.officer)
    client.post("/risk/watch/", {**form, "level": "low"})
    assert WatchEntry.objects.get().level == "low"
    client.force_login(city.leader)
    assert client.post(f"/risk/watch/{entry.pk}/delete/").status_code == 403
