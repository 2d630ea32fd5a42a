"""In Chromium: the office pastes a speech, reviews and confirms a candidate; the lead unit
signs, reports and asks for completion; the office returns it, then accepts it."""

from __future__ import annotations

import re

import pytest

from kaifang.core.tests.browser.fixtures import log_in
from kaifang.supervision.models import Candidate, Task

SPEECH = (
    "同志们：今年要重点抓好几件工作。"
    "一是要加快推进东城区市场外迁，确保年底前完成（牵头单位：东城区商务局）。"
    "二是要培育外向型企业。"
)


def log_out(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login/**")


@pytest.mark.browser
def test_speech_to_done(page):
    log_in(page, "ducha")
    page.goto("/supervision/documents/new/")
    page.get_by_label("标题").fill("浏览器测试讲话")
    page.get_by_label("日期").fill("2026-03-15")
    page.get_by_label("正文").fill(SPEECH)
    page.get_by_role("button", name="保存并分解").click()
    page.wait_for_url(re.compile(r"/supervision/documents/\d+/$"))
    candidate = Candidate.objects.get(document__title="浏览器测试讲话", text__contains="市场外迁")
    span = page.locator(f"#span-{candidate.pk}")
    assert "市场外迁" in span.inner_text()
    card = page.locator(f"#candidate-{candidate.pk}")
    card.get_by_role("button", name="确认交办").click()
    page.wait_for_selector("text=已确认并交办")
    task = Task.objects.get(document__title="浏览器测试讲话")
    assert task.lead_unit.name == "东城区商务局"
    log_out(page)

    log_in(page, "dongcheng")
    page.goto(f"/supervision/tasks/{task.pk}/")
    page.get_by_role("button", name="签收").click()
    page.wait_for_selector("text=已签收。")
    page.get_by_label("进展情况").fill("已完成外迁选址")
    page.get_by_label("完成进度（%）").fill("80")
    page.get_by_role("button", name="报送", exact=True).click()
    page.wait_for_selector("text=已报送进展")
    page.locator("#completion-form").get_by_role("button", name="申请办结").click()
    page.wait_for_selector("text=已提交办结申请")
    log_out(page)

    log_in(page, "ducha")
    page.goto(f"/supervision/tasks/{task.pk}/")
    page.locator("#return-form").get_by_label("理由").fill("缺少验收材料")
    page.get_by_role("button", name="驳回重办").click()
    page.wait_for_selector("text=已驳回")
    log_out(page)

    log_in(page, "dongcheng")
    page.goto(f"/supervision/tasks/{task.pk}/")
    page.locator("#completion-form").get_by_role("button", name="申请办结").click()
    page.wait_for_selector("text=已提交办结申请")
    log_out(page)

    log_in(page, "ducha")
    page.goto(f"/supervision/tasks/{task.pk}/")
    asked: list[str] = []  # closing cannot be undone: the page asks first
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="审核通过，办结销号").click()
    page.wait_for_selector("text=已审核通过")
    assert "销号后不能撤销" in asked[0]
    assert page.locator("#task-status").inner_text() == "办结销号"
    task.refresh_from_db()
    assert task.status == "done"
