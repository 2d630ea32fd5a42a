"""In Chromium, with the real worker: a district user exports a drill-down too large to write
while he waits; the job's page shows the progress bar, then downloads the file by itself (and
offers it), which holds his district's records only."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from kaifang.core.models import Unit
from kaifang.core.tests.browser.fixtures import log_in
from kaifang.enterprises.models import Enterprise
from kaifang.trade.exports import RECORDS_HEADERS
from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import rebuild_rollups

expect = pytest.importorskip("playwright.sync_api").expect


def _records(firm: Enterprise, count: int) -> list[CustomsRecord]:
    return [
        CustomsRecord(
            enterprise=firm,
            period=dt.date(2025, 1 + i % 3, 1),
            flow="export",
            hs_code=f"8471{i:04d}",
            partner_code="502",
            trade_mode="10",
            value_usd=Decimal(100 + i),
            value_cny=Decimal(700 + 7 * i),
        )
        for i in range(count)
    ]


def test_a_large_records_export_runs_in_the_background(
    page: Any, worker: None, settings: Any, tmp_path, screenshot
):
    east = Enterprise.objects.create(
        name="东城示范出口有限公司", district=Unit.objects.get(name="东城区商务局")
    )
    west = Enterprise.objects.create(
        name="西城示范出口有限公司", district=Unit.objects.get(name="西城区商务局")
    )
    CustomsRecord.objects.bulk_create(_records(east, 30) + _records(west, 20))
    rebuild_rollups([dt.date(2025, m, 1) for m in (1, 2, 3)])
    settings.EXPORT_SYNC_CELLS = 10 * len(RECORDS_HEADERS)  # the live server runs here

    log_in(page, "dongcheng")
    page.goto("/trade/analysis/records/?year=2025&month=3&span=ytd")
    expect(page.locator("body")).to_contain_text("东城示范出口有限公司")
    # the job's page downloads the file by itself once the worker has written it
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("link", name="导出 Excel").click()
        page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]+/"))
        expect(page.locator(".messages")).to_contain_text("共 30 条明细，已转入后台生成")
    link = page.get_by_role("link", name="下载结果")
    expect(link).to_be_visible()
    expect(page.locator("#job-progress .job-percent")).to_have_text("100%")
    expect(page.locator("#job-progress")).to_contain_text("已导出 30 条")
    # the info card follows the job as the progress polls: its end time is shown
    expect(page.locator("#job-finished")).not_to_have_text("—")
    assert "导出文件" in page.locator("dl").filter(has_text="任务编号").inner_text()
    screenshot(page, "records-export-job")
    path = tmp_path / "records.xlsx"
    download.value.save_as(path)
    # once: the address has lost its ?download=1, so a reload offers the link alone
    assert page.url.endswith("/") and "download" not in page.url
    with page.expect_download() as again:
        link.click()
    assert again.value.suggested_filename == download.value.suggested_filename
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    firms = {row[1] for row in rows[3:-1]}
    assert firms == {"东城示范出口有限公司"} and len(rows) == 3 + 30 + 1
    assert rows[-1][0] == "合计" and Decimal(str(rows[-1][8])) == sum(
        Decimal(100 + i) for i in range(30)
    )
