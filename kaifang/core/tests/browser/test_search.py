"""In Chromium: the header's search box, typed into and submitted with Enter, lists the
firm the district user may see and opens its profile; the neighbour district finds nothing."""

from __future__ import annotations

from typing import Any

import pytest

from kaifang.core.models import Unit
from kaifang.core.tests.browser.fixtures import log_in
from kaifang.enterprises.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.browser


def test_header_search_finds_and_opens_a_firm(page: Any) -> None:
    firm = EnterpriseFactory(
        name="东城搜索示例有限公司", district=Unit.objects.get(name="东城区商务局")
    )
    log_in(page, "dongcheng")
    box = page.get_by_role("searchbox", name="搜索")
    box.fill("搜索示例")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    page.get_by_role("link", name=firm.name).click()
    page.wait_for_url(f"**/enterprises/{firm.pk}/")
    assert firm.name in page.locator("h1").inner_text()
    page.context.clear_cookies()
    log_in(page, "xicheng")
    page.goto("/search/?q=搜索示例")
    assert firm.name not in page.content()
    assert "没有找到" in page.locator(".empty-state").inner_text()
