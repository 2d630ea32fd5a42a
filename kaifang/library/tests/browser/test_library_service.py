"""In Chromium: a division officer registers a fair and imports its exhibitor list (a bad row
first, named by row and reason; then the corrected file), defines a support item that requires
taking part in the fair, sees the exhibitor matched with the reason, exports the matches to
Excel and keeps a reply template citing the clause. The district that handles an appeal of
that enterprise fills its reply from the template; the enterprise's public tracking page then
shows the cited clause (and opens it at its anchor) and the policy it qualifies for."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest

from kaifang.core.models import Unit, User
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.library.actions import document_create
from kaifang.library.models import FairExhibitor, Match, Outcome
from kaifang.servicedesk import actions as appeal_actions

pytestmark = pytest.mark.browser

POLICY = (
    "示范市重点展会参展补贴办法\n第一条 参展补贴。\n"
    "（一）参加示范市进出口商品交易会的企业，按展位费的50%给予补贴。\n"
    "（二）单个企业年度补贴不超过10万元。\n"
)


def _xlsx(path: Path, rows: list[list[str]]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(str(path))
    return path


@pytest.mark.browser
def test_fair_import_fair_item_template_reply_and_tracking_page(page, tmp_path: Path, screenshot):
    from kaifang.core.tests.browser.fixtures import log_in

    east = Unit.objects.get(name="东城区商务局")
    exhibitor = EnterpriseFactory(name="示范东城会展贸易有限公司", district=east)
    EnterpriseFactory(name="示范东城未参展有限公司", district=east)
    document = document_create(
        actor=None, title="示范市重点展会参展补贴办法", text=POLICY, doc_number="示商发〔2026〕40号"
    )
    office = User.objects.get(username="waimao")
    appeal = appeal_actions.appeal_create(
        actor=office,
        enterprise_name=exhibitor.name,
        uscc=exhibitor.uscc,
        category="policy",
        description="我司参加了示范市进出口商品交易会，请问展位费有没有补贴？",
        source="phone",
        contact_name="周经理",
        contact_phone="13900000000",
    )
    appeal = appeal_actions.appeal_route(appeal=appeal, actor=office, unit=east)
    appeal_actions.appeal_accept(appeal=appeal, actor=User.objects.get(username="dongcheng"))

    page.set_default_timeout(60_000)
    log_in(page, "waimao")
    page.goto("/library/fairs/")
    page.get_by_role("link", name="登记展会").click()
    page.get_by_label("展会名称").fill("示范市进出口商品交易会")
    page.get_by_label("届次或年份").fill("2026")
    page.get_by_role("button", name="保存").click()
    page.wait_for_selector("text=展会已登记")

    bad = _xlsx(
        tmp_path / "名单.xlsx",
        [
            ["统一社会信用代码", "企业名称", "展位号"],
            [exhibitor.uscc, exhibitor.name, "A-08"],
            ["12345", "错行公司", "A-09"],
        ],
    )
    page.get_by_label("参展企业名单").set_input_files(str(bad))
    page.get_by_role("button", name="导入").click()
    errors = page.locator("#import-errors")
    assert "第 3 行，统一社会信用代码" in errors.inner_text()
    assert not FairExhibitor.objects.exists()
    good = _xlsx(
        tmp_path / "名单改.xlsx",
        [["统一社会信用代码", "企业名称", "展位号"], [exhibitor.uscc, exhibitor.name, "A-08"]],
    )
    page.get_by_label("参展企业名单").set_input_files(str(good))
    page.get_by_role("button", name="导入").click()
    page.wait_for_selector("text=已导入 1 家参展企业")
    assert "示范东城会展贸易有限公司" in page.locator("#exhibitors").inner_text()

    page.goto(f"/library/{document.pk}/")
    page.get_by_role("link", name="新增支持条款").click()
    page.get_by_label("名称").fill("交易会展位补贴")
    page.get_by_label("支持方式").select_option("subsidy")
    page.get_by_label("对应条款").select_option("a1.s1")
    page.get_by_label("金额（万元）").fill("3")
    page.get_by_label("免申即享").check()
    page.get_by_label("条件：参加展会（任一）").select_option(
        label="示范市进出口商品交易会（2026）"
    )
    page.get_by_role("button", name="保存并匹配企业").click()
    page.wait_for_url(re.compile(r"/library/items/\d+/$"))
    matches = page.locator("#matches")
    assert "示范东城会展贸易有限公司" in matches.inner_text()
    assert "参加展会：参加了示范市进出口商品交易会（2026）" in matches.inner_text()
    assert "示范东城未参展有限公司" not in matches.inner_text()
    assert Match.objects.get(enterprise=exhibitor).outcome == Outcome.ELIGIBLE
    with page.expect_download() as download:
        page.locator("#matches-export").click()
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert "示范东城会展贸易有限公司" in [row[0] for row in sheet.iter_rows(values_only=True)]

    page.goto("/library/templates/new/?category=policy")
    page.get_by_label("模板名称").fill("交易会展位补贴答复")
    page.get_by_label("答复内容").fill("您好！贵企业参加交易会的展位费可按规定获得补贴，无需申请。")
    page.get_by_label("引用政策文件").select_option(label=str(document))
    page.get_by_label("引用条款").fill("a1.s1")
    page.get_by_role("button", name="保存").click()
    page.wait_for_selector("text=答复模板已保存")

    page.context.clear_cookies()
    log_in(page, "dongcheng")
    page.goto(f"/servicedesk/appeals/{appeal.pk}/")
    panel = page.locator("#panel-library-templates")
    assert "交易会展位补贴答复" in panel.inner_text()
    panel.get_by_role("button", name="填入阶段答复").click()
    reply = page.locator("#act-reply textarea[name=reply-text]")
    assert f"/library/{document.pk}/#a1.s1" in reply.input_value()
    page.locator("#act-reply").get_by_role("button", name="阶段答复").click()
    page.locator("#appeal-timeline", has_text="阶段答复：您好").wait_for()

    page.context.clear_cookies()
    page.goto(f"/service/track/{appeal.tracking_code}/")
    cited = page.locator("#panel-library-cited")
    assert "按展位费的50%给予补贴" in cited.inner_text()
    policies = page.locator("#panel-library-policies")
    assert "交易会展位补贴" in policies.inner_text()
    assert "免申即享 · 应享" in policies.inner_text()
    assert "示范东城未参展有限公司" not in page.content()
    screenshot(page, "library-tracking-page")
    cited.get_by_role("link", name=re.compile("第一条")).click()
    page.wait_for_url(f"**/service/policies/{appeal.tracking_code}/{document.pk}/#a1.s1")
    assert "单个企业年度补贴不超过10万元" in page.locator(".lib-text").inner_text()
