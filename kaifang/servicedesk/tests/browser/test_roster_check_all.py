"""In Chromium: a district officer ticks 全选下列企业 on the liaison roster and assigns every
unassigned firm of the district to one liaison officer in one submit (the box is the page's
own script, static/js/kaifang.js)."""

from __future__ import annotations

from typing import Any

import pytest

from kaifang.core.models import Unit, User
from kaifang.core.tests.browser.fixtures import log_in
from kaifang.enterprises.models import Enterprise
from kaifang.enterprises.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.browser


def test_check_all_then_assign_in_one_submit(page: Any) -> None:
    district = Unit.objects.get(name="东城区商务局")
    firms = [EnterpriseFactory(name=f"东城全选{n}号有限公司", district=district) for n in range(3)]
    log_in(page, "dongcheng")
    page.goto("/servicedesk/liaison/")
    boxes = page.locator("#bulk-assign input[name=enterprise]")
    assert boxes.count() >= 3
    assert not any(boxes.nth(i).is_checked() for i in range(boxes.count()))
    page.get_by_label("全选下列企业").check()
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    page.get_by_label("全选下列企业").uncheck()
    assert not any(boxes.nth(i).is_checked() for i in range(boxes.count()))
    page.get_by_label("全选下列企业").check()
    officer = User.objects.get(username="liaison1")
    page.locator("#bulk-assign select[name=officer]").select_option(str(officer.pk))
    page.get_by_role("button", name="批量分配").click()
    page.wait_for_load_state()
    assert "已为" in page.content()
    assigned = Enterprise.objects.filter(pk__in=[f.pk for f in firms], liaison=officer)
    assert assigned.count() == 3
