"""End to end in Chromium: an enterprise submits an appeal on the public page; the office
routes it; the district accepts, pauses for material, resumes and resolves; the enterprise
rates it with its tracking code; the statistics page shows it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kaifang.core.demo import DEMO_ACCOUNTS
from kaifang.core.lib.uscc import synthetic_uscc
from kaifang.servicedesk.models import Appeal

pytestmark = pytest.mark.browser

PASSWORDS = {a.username: a.password for a in DEMO_ACCOUNTS}


def staff_tab(browser: Any, live_server: Any, username: str) -> Any:
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.goto("/login/")
    tab.get_by_label("用户名").fill(username)
    tab.get_by_label("密码").fill(PASSWORDS[username])
    tab.get_by_role("button", name="登录").click()
    tab.wait_for_url("**/")
    return tab


def act(tab: Any, name: str, label: str, text: str = "") -> None:
    form = tab.locator(f"#act-{name}")
    if text:
        form.locator("textarea").fill(text)
    form.get_by_role("button", name=label).click()
    tab.wait_for_load_state()


def test_appeal_from_public_page_to_rating_and_statistics(browser, live_server, page, screenshot):
    # 1. the enterprise, on a phone-sized screen, without logging in
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/service/")
    page.get_by_label("企业名称").fill("示范光伏组件进出口有限公司")
    page.get_by_label("统一社会信用代码").fill(synthetic_uscc(31415))
    page.get_by_label("诉求类别").select_option(label="通关")
    page.get_by_label("问题描述").fill("光伏组件出口查验等待时间长，影响交货，希望协调加快通关。")
    page.get_by_label("联系人").fill("陈经理")
    page.get_by_label("联系电话").fill("13912340000")
    question = page.locator("#challenge-question").inner_text()
    a, b = map(int, re.findall(r"\d+", question))
    page.get_by_label("验证问题").fill(str(a + b))
    screenshot(page, "service-submit")
    page.get_by_role("button", name="提交诉求").click()
    page.wait_for_url("**/service/done/")
    code = page.locator("#tracking-code").inner_text().strip()
    appeal = Appeal.objects.get(tracking_code=code)

    # 2. the office routes it to the district
    office = staff_tab(browser, live_server, "waimao")
    office.goto(f"/servicedesk/appeals/{appeal.pk}/")
    office.locator("#act-route select").select_option(label="东城区商务局")
    act(office, "route", "派单")
    assert office.locator("#appeal-status").inner_text() == "已派单"

    # 3. the district accepts, pauses for material, resumes and resolves
    district = staff_tab(browser, live_server, "dongcheng")
    assert "光伏组件" in district.locator(".panel-appeals").inner_text()  # workbench to-do
    district.goto(f"/servicedesk/appeals/{appeal.pk}/")
    act(district, "accept", "签收")
    act(district, "start", "开始办理")
    act(district, "pause", "暂停（待企业补充）", "请补充出口报关单和装箱单")
    assert district.locator("#appeal-status").inner_text() == "待企业补充"
    act(district, "resume", "恢复办理")
    act(district, "resolve", "办结", "已协调海关开通绿色通道，查验当日完成。")
    assert district.locator("#appeal-status").inner_text() == "已办结"
    screenshot(district, "appeal-detail")

    # 4. the enterprise follows up with its code and rates the answer
    page.goto("/service/track/")
    page.get_by_label("查询码").fill(code.replace("-", "").lower())
    page.get_by_role("button", name="查询").click()
    timeline = page.locator("#public-timeline").inner_text()
    assert "补充材料" in timeline and "已办结" in timeline
    page.get_by_label("5 分 非常满意").check()
    page.get_by_label("评价意见").fill("办理很及时")
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_load_state()
    assert page.locator("#public-status").inner_text() == "已评价"

    # 5. the statistics page shows it
    office.goto("/servicedesk/stats/")
    assert office.locator("#stat-volume").inner_text() == "1"
    assert office.locator("#stat-satisfaction").inner_text() == "5.00"
    assert "东城区商务局" in office.locator("#stats-by-unit").inner_text()
    screenshot(office, "appeal-stats")
