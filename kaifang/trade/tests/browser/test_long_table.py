"""In Chromium, with the real worker: a breakdown whose reads pass the page's deadline shows
its job's progress, and then the table itself at the same address, computed by the worker
within the user's scope (decision 0059)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kaifang.core.models import Unit
from kaifang.core.tests.browser.fixtures import log_in
from kaifang.enterprises.models import Enterprise
from kaifang.trade import long_tables
from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import rebuild_rollups
from kaifang.trade.tests.browser.test_records_export import _records

expect = pytest.importorskip("playwright.sync_api").expect


def test_a_long_table_is_computed_in_the_background_and_shown_in_place(
    page: Any, worker: None, monkeypatch: Any, screenshot
):
    east = Enterprise.objects.create(
        name="东城示范出口有限公司", district=Unit.objects.get(name="东城区商务局")
    )
    west = Enterprise.objects.create(
        name="西城示范出口有限公司", district=Unit.objects.get(name="西城区商务局")
    )
    records = _records(east, 12) + _records(west, 20)
    for record in records[12:]:
        record.hs_code = "6109" + record.hs_code[4:]  # the west's codes are clothes
    CustomsRecord.objects.bulk_create(records)
    rebuild_rollups([dt.date(2025, m, 1) for m in (1, 2, 3)])
    monkeypatch.setattr(long_tables, "page_read_seconds", lambda: 0.0)  # the live server's

    log_in(page, "dongcheng")
    address = "/trade/analysis/by/hs8/?year=2025&month=3&mode=10"
    page.goto(address)
    expect(page.locator("#table-computing")).to_contain_text("已转入后台计算")
    screenshot(page, "long-table-computing")
    # the worker computes it; the page opens it by itself at the same address
    table = page.locator("table.table").first
    expect(table).to_contain_text("84710000", timeout=60_000)
    assert page.url.endswith(address)
    text = table.inner_text()
    assert "84710011" in text and "6109" not in text  # his district's twelve codes only
    expect(page.locator("#table-computing")).to_have_count(0)
