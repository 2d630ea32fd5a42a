"""Query parameters a person never types but a scanner does: ids past the database's integer
range and digits str.isdigit accepts but int() refuses ("²"). Every analysis route ignores
them (200) instead of failing (500 on 12 routes before)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaifang.core.lib.numbers import db_id

BYS = ["partner", "group", "industry", "hs2", "hs4", "hs8", "mode", "district", "park"]
HUGE = "9" * 30


def analysis_urls():
    yield reverse("trade:analysis_overview")
    yield reverse("trade:analysis_records")
    yield reverse("trade:analysis_records_export")
    for by in [*BYS, "enterprise"]:
        yield reverse("trade:analysis_breakdown", args=[by])
        yield reverse("trade:analysis_breakdown_export", args=[by])
    for kind in ["new-exporters", "stopped", "markets", "concentration"]:
        yield reverse("trade:analysis_dynamic", args=[kind])
        yield reverse("trade:analysis_dynamic_export", args=[kind])


def test_out_of_range_and_odd_digit_ids_are_ignored_everywhere(trade_data, city, client):
    client.force_login(city.officer)
    for url in analysis_urls():
        for params in (
            {"district": HUGE, "park": "²", "hs": "²", "industry": "Ⅳ"},
            {"district": "²", "park": "9223372036854775808", "mode": "１０"},
        ):
            assert client.get(url, params).status_code == 200, (url, params)


def test_enterprise_outside_the_range_is_404(trade_data, city, client):
    client.force_login(city.officer)
    url = reverse("trade:analysis_records")
    assert client.get(url, {"enterprise": HUGE}).status_code in {200, 404}


@pytest.mark.parametrize(
    ("raw", "value"),
    [("12", 12), (" 7 ", 7), ("0", None), ("²", None), ("１２", None), (HUGE, None), ("-1", None)],
)
def test_db_id(raw, value):
    assert db_id(raw) == value
    assert db_id(str(2**63 - 1)) == 2**63 - 1 and db_id(str(2**63)) is None
