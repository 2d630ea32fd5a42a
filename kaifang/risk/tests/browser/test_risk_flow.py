"""In Chromium: the trade division builds a scenario, reads the result, drills down and sends
visits to liaison officers; the liaison officer finds the task, the visit is recorded, and the
task shows it was done."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kaifang.core.models import Unit, User
from kaifang.core.reference_loader import load_partners
from kaifang.core.tests.browser.fixtures import log_in
from kaifang.enterprises.models import Enterprise
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.risk.models import FollowUp, FollowUpStatus
from kaifang.servicedesk.actions import visit_create
from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import rebuild_rollups
from kaifang.trade.tests.factories import CustomsRecordFactory

pytestmark = pytest.mark.browser


def _city() -> None:
    load_partners()
    east = Unit.objects.get(name="东城区商务局")
    liaison = User.objects.get(username="liaison1")
    motors = EnterpriseFactory(name="东城华电电机有限公司", district=east, liaison=liaison)
    shirts = EnterpriseFactory(name="东城锦绣服饰有限公司", district=east)
    for month, value in ((1, 300), (2, 200)):
        CustomsRecordFactory(
            enterprise=motors,
            period=dt.date(2025, month, 1),
            partner_code="502",
            hs_code="85011020",
            value_usd=Decimal(value),
        )
    CustomsRecordFactory(
        enterprise=motors, period=dt.date(2025, 3, 1), partner_code="116", value_usd=Decimal(500)
    )
    CustomsRecordFactory(
        enterprise=shirts,
        period=dt.date(2025, 3, 1),
        partner_code="502",
        hs_code="61091000",
        value_usd=Decimal(900),
    )
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True), settle=True)


def test_build_a_scenario_read_it_and_send_visits(page, screenshot):
    _city()
    log_in(page, "waimao")
    page.goto("/risk/")
    page.get_by_role("link", name="新建情景").click()
    page.get_by_label("情景名称").fill("美国对电机加征关税")
    page.get_by_label("国别(地区)").fill("502")
    page.get_by_label("商品编码").fill("85, 84")
    page.get_by_label("截止月份").fill("2025-03")
    page.get_by_role("button", name="保存并测算").click()
    page.wait_for_selector("text=情景已创建")
    # 500 exposed of the city's 1,900 exports; the firm's own exports are 1,000
    assert page.locator("#total-share").inner_text() == "26.3%"
    table = page.locator("#exposure-table").inner_text()
    assert "东城华电电机有限公司" in table and "50.0%" in table
    assert "东城锦绣服饰有限公司" not in table
    page.locator("#exposure-table").get_by_role("link", name="0.1").click()  # 500 USD in 万
    page.wait_for_selector("#records-total")
    assert page.locator("#records-total").inner_text() == "500.00"
    page.go_back()
    page.get_by_label("受影响最大的前").fill("5")
    page.get_by_role("button", name="向包联干部派发走访任务").click()
    page.wait_for_selector("text=已派发走访任务 1 项")
    assert "孙包联" in page.locator("#follow-up-table").inner_text()
    screenshot(page, "risk-scenario")
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login/**")

    log_in(page, "liaison1")
    page.goto("/risk/my-visits/")
    assert "待走访" in page.locator("#my-follow-ups").inner_text()
    page.get_by_role("link", name="东城华电电机有限公司").click()
    page.locator("#action-visit").wait_for()  # 记录走访 heads the enterprise page
    # The visit itself is recorded through the service desk's action (the visit form has
    # its own browser and view tests); what matters here is that it closes the follow-up.
    enterprise = Enterprise.objects.get(name="东城华电电机有限公司")
    officer = User.objects.get(username="liaison1")
    visit_create(
        actor=officer,
        enterprise=enterprise,
        visited_on=timezone.localdate(),
        officers=[officer],
        enterprise_said="美国客户要求降价，订单推迟。",
    )
    page.goto("/risk/my-visits/")
    assert "已走访" in page.locator("#my-follow-ups").inner_text()
    assert FollowUp.objects.get().status == FollowUpStatus.VISITED
