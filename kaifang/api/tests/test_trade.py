"""GET /api/v1/trade/stats (exactly `kaifang trade-stats --json`, in the caller's scope) and
/trade/records (the facts behind a figure: their total is the figure)."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def cli(*args: str) -> dict:
    out = io.StringIO()
    call_command("trade-stats", "--year", "2025", "--month", "3", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("by", ["partner", "partner-group", "district", "enterprise", "hs4"])
def test_stats_equal_the_command_in_the_users_scope(city, trade_data, api_as, by):
    api = api_as(city.district_a_user)
    got = api.get("/trade/stats", year=2025, month=3, by=by, flow="export").json()
    assert got == cli("--by", by, "--flow", "export", "--user", "dist_a")


def test_stats_for_the_whole_city_equal_the_command(city, trade_data, api_as):
    got = api_as(city.leader).get("/trade/stats", year=2025, month=3, by="mode", currency="cny")
    assert got.json() == cli("--by", "mode", "--currency", "cny")


def test_district_a_never_sees_district_b_in_figures(city, trade_data, api_as):
    data = api_as(city.district_a_user).get("/trade/stats", year=2025, month=3, by="enterprise")
    names = {r["name"] for r in data.json()["rows"]}
    assert "甲机电" in names
    assert not names & {"乙纺织", "丁服装"}
    assert data.json()["total"]["ytd"] == "350.0000"  # e1 150 export + e3 200 import


def test_stats_refuse_bad_parameters_in_chinese(city, trade_data, api_as):
    api = api_as(city.leader)
    assert api.get("/trade/stats", year=2025, month=3, by="planet").status_code == 422
    bad = api.get("/trade/stats", year=2025, month=13, by="mode")
    assert bad.status_code == 422 and bad.json()["errors"]["month"] == ["年份或月份不正确。"]


def test_records_total_is_the_figure_and_scoped(city, trade_data, api_as):
    api = api_as(city.district_a_user)
    stats = api.get("/trade/stats", year=2025, month=3, by="partner", flow="export").json()
    us = next(r for r in stats["rows"] if r["key"] == "502")
    records = api.get(
        "/trade/records", year=2025, month=3, flow="export", span="ytd", partner="502"
    ).json()
    assert Decimal(str(records["total_usd"])) == Decimal(us["ytd"])
    assert records["count"] == 1 and records["items"][0]["enterprise"]["name"] == "甲机电"
    everything = api.get("/trade/records", year=2025, month=3, span="ytd").json()
    assert {r["enterprise"]["name"] for r in everything["items"]} == {"甲机电", "丙电子"}
    assert Decimal(str(everything["total_usd"])) == Decimal(stats["total"]["ytd"]) + 200


def test_records_of_another_districts_enterprise_are_404(city, trade_data, api_as):
    api = api_as(city.district_a_user)
    assert api.get("/trade/records", enterprise=trade_data.e2.pk).status_code == 404
    assert api.get("/trade/records", enterprise=trade_data.e1.pk).status_code == 200


def test_records_default_to_the_latest_month_and_paginate(city, trade_data, api_as):
    api = api_as(city.leader)
    first = api.get("/trade/records", span="ytd", limit=2).json()
    assert (first["year"], first["month"], first["count"]) == (2025, 3, 5)  # r1 r2 r4 r6 r8
    second = api.get("/trade/records", span="ytd", limit=2, offset=2).json()
    ids = {r["id"] for r in first["items"]} | {r["id"] for r in second["items"]}
    assert len(ids) == 4
    assert first["total_usd"] == second["total_usd"]  # the total is of all, not of the page
