"""In Chromium: the office links an enterprise to a task through the picker's search, and the
lead unit sees the task, with its light, on the enterprise's profile."""

from __future__ import annotations

import datetime as dt

from kaifang.core.models import Unit, User
from kaifang.core.tests.browser.fixtures import log_in
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.supervision import actions
from kaifang.supervision.models import Candidate, SourceDocument


def test_link_an_enterprise_and_see_the_task_on_its_profile(page, screenshot):
    east = Unit.objects.get(name="东城区商务局")
    firm = EnterpriseFactory(name="东城华信进出口有限公司", district=east)
    EnterpriseFactory(
        name="西城远航国际贸易有限公司", district=Unit.objects.get(name="西城区商务局")
    )
    document = SourceDocument.objects.create(
        title="浏览器测试纪要", kind="minutes", date=dt.date(2026, 3, 15), text="要跟踪华信订单。"
    )
    candidate = Candidate.objects.create(
        document=document, text="跟踪华信出口订单", start=0, end=8, lead_unit=east,
        deadline=dt.date(2099, 12, 31),
    )  # fmt: skip
    task = actions.task_confirm(actor=User.objects.get(username="ducha"), candidate=candidate)

    log_in(page, "ducha")
    page.goto(f"/supervision/tasks/{task.pk}/edit/")
    page.get_by_label("搜索企业（名称或统一社会信用代码）").fill("华信")
    option = page.get_by_label("东城华信进出口有限公司")
    option.check()
    # The ticked result joins the chosen list, so a new search does not drop it.
    page.get_by_label("搜索企业（名称或统一社会信用代码）").fill("远航")
    page.wait_for_selector("text=西城远航国际贸易有限公司")
    assert page.get_by_label("东城华信进出口有限公司").is_checked()
    screenshot(page, "supervision-task-enterprises")
    page.get_by_role("button", name="保存").click()
    page.wait_for_selector("text=已保存。")
    assert "东城华信进出口有限公司" in page.locator("#task-enterprises").inner_text()
    assert list(task.enterprises.all()) == [firm]
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login/**")

    log_in(page, "dongcheng")
    page.goto(f"/enterprises/{firm.pk}/")
    panel = page.locator("#panel-supervision")
    assert "跟踪华信出口订单" in panel.inner_text()
    assert "正常推进" in panel.inner_text()
