"""The first API endpoint: the current user and their effective scope; session auth only."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_anonymous_gets_401(client: Client):
    assert client.get("/api/v1/me").status_code == 401


def test_district_user_sees_own_scope(city, client: Client):
    client.force_login(city.district_a_user)
    data = client.get("/api/v1/me").json()
    assert data["username"] == "dist_a"
    assert data["unit"] == "东城区商务局"
    assert data["scope"]["widest"] == "unit_and_below"
    assert set(data["scope"]["unit_ids"]) == {city.district_a.pk, city.district_a_park.pk}
    assert data["scope"]["sees_all"] is False


def test_leader_sees_all(city, client: Client):
    client.force_login(city.leader)
    assert client.get("/api/v1/me").json()["scope"]["sees_all"] is True


def test_openapi_schema_and_docs_are_served_offline(city, client: Client):
    client.force_login(city.officer)
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/me" in schema["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in docs.lower()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
