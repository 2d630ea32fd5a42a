"""In Chromium: a unit phrase the unit tree does not know shows as unmatched on the review page;
the office maps it to a unit, the phrase becomes the unit's alias, and the next decomposition
matches it."""

from __future__ import annotations

import re

import pytest

from kaifang.core.models import Unit
from kaifang.core.tests.browser.fixtures import log_in
from kaifang.supervision.models import Candidate

PLAN = (
    "推进中欧班列集结中心建设，年底前开行300列。"
    "（牵头单位：市口岸与物流发展中心；配合单位：示范海关）"
)


@pytest.mark.browser
def test_map_an_unmatched_phrase_to_a_unit(page):
    log_in(page, "ducha")
    page.goto("/supervision/documents/new/")
    page.get_by_label("标题").fill("浏览器单位对应测试")
    page.get_by_label("日期").fill("2026-03-15")
    page.get_by_label("正文").fill(PLAN)
    page.get_by_role("button", name="保存并分解").click()
    page.wait_for_url(re.compile(r"/supervision/documents/\d+/$"))
    candidate = Candidate.objects.get(document__title="浏览器单位对应测试")
    assert candidate.lead_unit is None
    card = page.locator(f"#candidate-{candidate.pk}")
    phrase = card.locator(".sv-unmatched-phrase", has_text="市口岸与物流发展中心")
    assert phrase.is_visible()
    form = card.locator("form.sv-unit-map").filter(has_text="市口岸与物流发展中心")
    form.get_by_label("对应单位").select_option(label="示范市口岸和物流办公室")
    form.get_by_role("button", name="设为该单位的别名").click()
    page.wait_for_selector("text=之后的分解会自动识别")
    port = Unit.objects.get(name="示范市口岸和物流办公室")
    assert "市口岸与物流发展中心" in port.alias_list()
    candidate.refresh_from_db()
    assert candidate.lead_unit == port
    assert page.locator(f"#candidate-{candidate.pk} .sv-unmatched-phrase").count() == 0

    # Decompose again: the alias matches, nothing is left unmatched.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="重新分解").click()
    page.wait_for_selector("text=已重新分解")
    redone = Candidate.objects.get(document__title="浏览器单位对应测试")
    assert redone.lead_unit == port
    assert page.locator(".sv-unmatched-phrase").count() == 0
