"""In Chromium: a division officer uploads a policy .docx, finds it by a word inside a longer
word, opens a clause by its link, defines a support item with two conditions, sees the
matching enterprises with their reasons, and marks one 免申即享 entry 已兑现."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest

from kaifang.core.models import Unit
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.library.models import Document, LedgerEntry, LedgerStatus

pytestmark = pytest.mark.browser

PARAGRAPHS = [
    "示范市支持中欧班列发展的若干措施",
    "第一条 为推动中欧班列常态化开行，降低企业物流成本，制定本措施。",
    "第二条 运费补助。",
    "（一）对通过中欧班列出口的民营企业，每标准箱补助500元。",
    "（二）单个企业年度补助不超过50万元。",
    "第三条 本措施自印发之日起施行。",
]


@pytest.mark.browser
def test_upload_search_clause_item_matches_and_payment(page, tmp_path: Path, screenshot):
    from kaifang.core.tests.browser.fixtures import log_in

    east = Unit.objects.get(name="东城区商务局")
    west = Unit.objects.get(name="西城区商务局")
    EnterpriseFactory(name="示范东城民营班列物流有限公司", district=east, ownership="private")
    EnterpriseFactory(name="示范东城国有物流有限公司", district=east, ownership="state")
    EnterpriseFactory(name="示范西城民营物流有限公司", district=west, ownership="private")
    path = tmp_path / "班列措施.docx"
    word = docx.Document()
    for text in PARAGRAPHS:
        word.add_paragraph(text)
    word.save(str(path))

    # The first upload loads jieba's dictionary in the server process: seconds on a busy machine.
    page.set_default_timeout(60_000)
    log_in(page, "waimao")
    page.goto("/library/new/")
    page.get_by_label("标题").fill("示范市支持中欧班列发展的若干措施")
    page.get_by_label("文号").fill("示商发〔2026〕30号")
    page.get_by_label("或上传文件").set_input_files(str(path))
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/library/\d+/$"))
    document = Document.objects.get(doc_number="示商发〔2026〕30号")

    page.goto("/library/")
    page.get_by_label("关键词").fill("班列")
    page.get_by_role("button", name="检索").click()
    assert page.locator("mark", has_text="班列").first.is_visible()
    page.get_by_role("link", name="示范市支持中欧班列发展的若干措施").click()
    page.wait_for_url(f"**/library/{document.pk}/")

    page.goto(f"/library/{document.pk}/#a2.s1")
    clause = page.locator('[id="a2.s1"]')
    assert "每标准箱补助500元" in clause.inner_text()
    clause.get_by_role("link", name="¶").click()
    assert page.url.endswith("#a2.s1")

    page.get_by_role("link", name="新增支持条款").click()
    page.get_by_label("名称").fill("班列运费补助")
    page.get_by_label("支持方式").select_option("subsidy")
    page.get_by_label("对应条款").select_option("a2.s1")
    page.get_by_label("金额（万元）").fill("5")
    page.get_by_label("免申即享").check()
    page.get_by_label("条件：所属县区").select_option(label="东城区商务局")
    page.get_by_label("民营").check()
    page.get_by_role("button", name="保存并匹配企业").click()
    page.wait_for_url(re.compile(r"/library/items/\d+/$"))
    page.wait_for_selector("text=已保存并完成匹配")
    matches = page.locator("#matches")
    assert "示范东城民营班列物流有限公司" in matches.inner_text()
    assert "所属县区：东城区商务局" in matches.inner_text()
    assert "企业性质：民营" in matches.inner_text()
    assert "示范东城国有物流有限公司" not in matches.inner_text()
    assert "示范西城民营物流有限公司" not in matches.inner_text()
    screenshot(page, "library-item-matches")

    ledger = page.locator("#ledger")
    ledger.get_by_role("button", name="确认").click()
    page.wait_for_selector("text=已标记为已确认")
    asked: list[str] = []  # marking paid cannot be undone: the page asks first
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.locator("#ledger").get_by_role("button", name="标记已兑现").click()
    page.wait_for_selector("text=已标记为已兑现")
    assert "标记后不能撤回" in asked[0]
    entry = LedgerEntry.objects.get(enterprise__name="示范东城民营班列物流有限公司")
    assert entry.status == LedgerStatus.PAID
    assert "已兑现" in page.locator("#ledger tfoot").inner_text()
