"""In Chromium, with the real worker: upload a customs file, watch the progress bar, correct a
header the system could not place, read the error report, commit, and open the enterprise
profile from the analysis chart."""

from __future__ import annotations

from typing import Any

import pytest

from kaifang.core.lib.uscc import synthetic_uscc
from kaifang.core.reference_loader import load_partners, load_trade_modes
from kaifang.core.tests.browser.fixtures import log_in
from kaifang.enterprises.models import Enterprise
from kaifang.trade.models import CustomsRecord

expect = pytest.importorskip("playwright.sync_api").expect

USCC = synthetic_uscc(41)
CSV = "\r\n".join(
    [
        "年月,统一社会信用代码,企业名称,HS编码,往来国家,贸易方式,出口额(万美元)",
        f"2025-09,{USCC},示范光电科技有限公司,85414300,日本,一般贸易,12.5",
        f"2025-09,{USCC},示范光电科技有限公司,85414300,德国,一般贸易,8",
        "2025-09,91410300XXXXXXXXXX,代码有误的公司,85414300,美国,一般贸易,3",
    ]
)


def test_upload_remap_progress_errors_commit(page: Any, worker: None, tmp_path, screenshot):
    load_partners()
    load_trade_modes()
    path = tmp_path / "九月出口.csv"
    path.write_bytes(CSV.encode("gb18030"))
    log_in(page, "waimao")
    page.locator(".sidenav").get_by_role("link", name="数据导入").click()
    page.set_input_files("#id_file", str(path))
    page.select_option("#id_file_flow", "export")
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_url("**/trade/imports/*/")
    # The progress bar is shown while the worker validates; the page reloads when done.
    page.wait_for_selector("#validation-report", timeout=60_000)
    assert page.locator("#rows-rejected").inner_text() == "1"
    # 往来国家 was not recognised: map it to the partner name and validate again.
    page.select_option("#id_f_partner_name", "往来国家")
    page.fill("#id_save_as", "区县出口月报")
    page.get_by_role("button", name="按此对应重新校验").click()
    page.wait_for_selector("#job-progress")
    expect(page.locator("#batch-status")).to_have_text("待确认", timeout=60_000)
    errors = page.locator("#error-table").inner_text()
    assert "4" in errors and "统一社会信用代码" in errors
    with page.expect_download() as download:
        page.locator("#error-report-link").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    screenshot(page, "import")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#commit-button").click()
    expect(page.locator("#batch-status")).to_have_text("已导入", timeout=60_000)
    assert sorted(CustomsRecord.objects.values_list("partner_code", flat=True)) == ["116", "304"]
    enterprise = Enterprise.objects.get(uscc=USCC)
    # The analysis overview charts the largest enterprises; a bar opens the enterprise profile.
    page.goto("/trade/analysis/?year=2025&month=9")
    chart = page.locator("#top-enterprises-chart")
    chart.wait_for()
    page.wait_for_selector("#top-enterprises-chart canvas")
    box = chart.bounding_box()
    assert box is not None
    # One enterprise: its bar starts at the grid's left edge (200 px) and fills the band.
    chart.click(position={"x": 215, "y": 10 + (box["height"] - 40) / 2})
    page.wait_for_url(f"**/enterprises/{enterprise.pk}/")
    assert "待审核" in page.locator("h1").inner_text()
    assert "示范光电科技有限公司" in page.locator("h1").inner_text()
