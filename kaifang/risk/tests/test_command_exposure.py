"""`kaifang exposure … --json`: the issue's shape, amounts as decimal strings."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command


def _run(*args: str) -> dict:
    out = io.StringIO()
    call_command("exposure", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_json_shape_and_figures(risk_data):
    data = _run(
        "--partners",
        "502",
        "--hs",
        "85,84",
        "--flow",
        "export",
        "--months",
        "12",
        "--until",
        "2025-03",
    )
    assert set(data) == {"total_exposed", "total_trade", "share", "enterprises"}
    assert data["total_exposed"] == "280.0000"
    assert data["total_trade"] == "575.0000"
    assert Decimal(data["share"]) == Decimal(280) / Decimal(575)
    assert data["enterprises"][0] == {
        "uscc": risk_data.a1.uscc,
        "name": "甲电机",
        "exposed": "180.0000",
        "share_of_own_trade": "0.4",
    }
    assert [e["name"] for e in data["enterprises"]] == ["甲电机", "丙机械", "乙电器"]
    assert all(0 <= Decimal(e["share_of_own_trade"]) <= 1 for e in data["enterprises"])


def test_group_names_cny_and_default_until(risk_data):
    data = _run("--partners", "美日", "--hs", "85", "--currency", "cny")
    # until defaults to 2025-04 (window 2024-05 … 2025-04): 甲 100+70, 乙 40+11, CNY = × 7
    assert {e["name"]: e["exposed"] for e in data["enterprises"]} == {
        "甲电机": "1190.0000",
        "乙电器": "357.0000",
    }


def test_only_exposed_enterprises_are_listed(risk_data):
    data = _run("--partners", "303", "--hs", "61", "--until", "2025-03")
    assert data == {
        "total_exposed": "0.0000",
        "total_trade": "575.0000",
        "share": "0",
        "enterprises": [],
    }


def test_bad_arguments_say_why(risk_data):
    with pytest.raises(CommandError, match="未知的国别"):
        _run("--partners", "atlantis")
    with pytest.raises(CommandError, match="YYYY-MM"):
        _run("--until", "March")
