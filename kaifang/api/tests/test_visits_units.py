"""/api/v1/visits (the service desk's own visit selector) and /api/v1/units, scoped."""

from __future__ import annotations

import datetime as dt

import pytest

from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.servicedesk import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def visits(city):
    def visit(user, enterprise, day):
        return actions.visit_create(
            actor=user,
            enterprise=enterprise,
            visited_on=day,
            officers=[user],
            people_met="总经理",
            enterprise_said="订单充足",
            problems="用工紧张",
            plans="扩大产能",
            follow_ups="",
        )

    a = EnterpriseFactory(name="东城走访企业", district=city.district_a)
    b = EnterpriseFactory(name="西城走访企业", district=city.district_b)
    return (
        visit(city.district_a_user, a, dt.date(2026, 3, 2)),
        visit(city.district_a_user, a, dt.date(2026, 3, 9)),
        visit(city.district_b_user, b, dt.date(2026, 3, 3)),
    )


def test_visits_are_scoped_and_paginated(city, visits, api_as):
    a1, a2, b = visits
    api = api_as(city.district_a_user)
    data = api.get("/visits").json()
    assert data["count"] == 2
    assert [v["id"] for v in data["items"]] == [a2.pk, a1.pk]  # newest first
    assert all(v["enterprise"]["name"] == "东城走访企业" for v in data["items"])
    assert api.get("/visits", enterprise=b.enterprise_id).json()["count"] == 0
    page = api.get("/visits", limit=1, offset=1).json()
    assert (page["count"], page["items"][0]["id"]) == (2, a1.pk)
    assert api_as(city.district_b_user).get("/visits").json()["items"][0]["id"] == b.pk
    assert api_as(city.leader).get("/visits").json()["count"] == 3


def test_units_are_scoped_in_tree_order(city, api_as):
    names = [u["name"] for u in api_as(city.district_a_user).get("/units").json()["items"]]
    assert names == ["东城区商务局", "东城经开区管委会"]
    everything = api_as(city.leader).get("/units", limit=2).json()
    assert everything["count"] == 8 and len(everything["items"]) == 2
    assert everything["items"][0]["depth"] == 0
