"""`kaifang trade-stats`: the same numbers as the pages, in the chosen scope."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command


def stats(*args: str) -> dict:
    out = io.StringIO()
    call_command("trade-stats", "--year", "2025", "--month", "3", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_partner_export_usd(trade_data):
    result = stats("--by", "partner", "--flow", "export")
    assert result["total"]["ytd"] == "200.0000"
    assert result["total"]["ytd_prev"] == "120.0000"
    rows = {r["key"]: r for r in result["rows"]}
    us = rows["502"]
    assert (us["name"], us["month"], us["ytd"], us["ytd_prev"]) == (
        "美国",
        "100.0000",
        "100.0000",
        "80.0000",
    )
    assert us["yoy_pct"] == "25" and us["share_pct"] == "50"
    assert rows["116"]["yoy_pct"] is None  # no base
    assert set(us) >= {"key", "name", "month", "ytd", "ytd_prev", "yoy_pct", "share_pct"}


def test_cny_and_total_flow(trade_data):
    result = stats("--by", "mode", "--currency", "cny")
    assert result["total"]["ytd"] == "2800.0000"  # (200 export + 200 import) × 7


def test_partner_groups_carry_the_overlap_note(trade_data):
    result = stats("--by", "partner-group", "--flow", "export")
    assert {r["key"]: r["share_pct"] for r in result["rows"]} == {"g-ab": "100", "g-b": "50"}
    assert "不等于100%" in result["note"]


@pytest.mark.parametrize(
    "by", ["partner", "partner-group", "industry", "hs2", "hs4", "mode", "district", "enterprise"]
)
def test_every_dimension_totals_to_the_city(trade_data, by):
    result = stats("--by", by, "--flow", "export")
    assert result["total"]["ytd"] == "200.0000"


def test_user_scope(trade_data, city):
    city_wide = stats("--by", "enterprise", "--flow", "export")
    assert {r["name"] for r in city_wide["rows"]} == {"甲机电", "乙纺织", "丁服装"}
    mine = stats("--by", "enterprise", "--flow", "export", "--user", city.district_b_user.username)
    assert {r["name"] for r in mine["rows"]} == {"乙纺织", "丁服装"}
    assert mine["total"]["ytd"] == "50.0000" and mine["source"] == "rollup"
    with pytest.raises(CommandError):
        stats("--by", "partner", "--user", "nobody")


def test_hs_chapters_and_headings_are_named_in_chinese(trade_data):
    from kaifang.core.reference_loader import load_hs_codes

    load_hs_codes()
    chapters = {r["key"]: r["name"] for r in stats("--by", "hs2", "--flow", "export")["rows"]}
    assert chapters == {
        "84": "核反应堆、锅炉、机器、机械器具及其零件",
        "61": "针织或钩编的服装及衣着附件",
    }
    headings = {r["key"]: r["name"] for r in stats("--by", "hs4", "--flow", "export")["rows"]}
    # the tariff source has no Chinese title for these headings: said so, with the chapter
    assert headings["8471"] == "暂无中文名称（属第84章 核反应堆、锅炉、机器、机械器具及其零件）"
    assert headings["6109"].startswith("暂无中文名称（属第61章 针织或钩编的服装")
