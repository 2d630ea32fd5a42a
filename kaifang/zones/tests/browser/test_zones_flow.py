"""In Chromium, on the demo city: record a platform's monthly KPI; complete a platform
milestone through its supervision task; move a project one stage; open a chain and drill
from a gap to the records of its import sources. Then a park's monthly KPI, a platform
firm's problem raised as an appeal, and a chain's segments edited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from kaifang.core import demo
from kaifang.core.lib.uscc import synthetic_uscc
from kaifang.core.models import Unit
from kaifang.core.reference_loader import load_partners
from kaifang.core.tests.browser.fixtures import log_in
from kaifang.enterprises.models import Enterprise
from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import rebuild_rollups
from kaifang.zones.models import (
    Chain,
    KpiDefinition,
    KpiValue,
    Park,
    ParkKpiDefinition,
    ParkKpiValue,
    Platform,
    Project,
    Stage,
)

pytestmark = pytest.mark.browser


def log_out(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login/**")


def test_kpi_milestone_project_and_chain(page, screenshot):
    demo.run(size="small", log=lambda _m: None, only={"city", "supervision", "zones"})
    today = timezone.localdate()

    # 1. record this month's KPI of the Central Asia train
    trains = Platform.objects.get(name="示范中亚班列")
    log_in(page, "waimao")
    page.goto(f"/zones/platforms/{trains.pk}/")
    page.get_by_role("link", name="填报月度指标").click()
    page.get_by_label("班列开行列数").fill("17")
    page.get_by_role("button", name="保存本月指标").click()
    page.wait_for_selector("text=项指标")
    definition = KpiDefinition.objects.get(kind=trains.kind, name="班列开行列数")
    value = KpiValue.objects.get(
        platform=trains, definition=definition, period=today.replace(day=1)
    )
    assert value.value == Decimal(17)
    page.goto(f"/zones/platforms/{trains.pk}/")
    page.wait_for_selector("#kpi-table")
    screenshot(page, "zones-platform")

    # 2. the bonded zone's approval milestone is a supervision task: do it, accept it
    zongbao = Platform.objects.get(name="示范综合保税区")
    milestone = zongbao.milestones.get(task_ref__isnull=False)
    log_out(page)
    log_in(page, "zongbao")
    page.goto(f"/zones/platforms/{zongbao.pk}/")
    page.get_by_role("link", name=f"督办事项 #{milestone.task_ref}").click()
    page.get_by_role("button", name="签收").click()
    page.wait_for_selector("text=已签收。")
    page.get_by_label("进展情况").fill("国务院已批复设立")
    page.get_by_label("完成进度（%）").fill("100")
    page.get_by_role("button", name="报送", exact=True).click()
    page.wait_for_selector("text=已报送进展")
    page.locator("#completion-form").get_by_role("button", name="申请办结").click()
    page.wait_for_selector("text=已提交办结申请")
    log_out(page)
    log_in(page, "ducha")
    page.goto(f"/supervision/tasks/{milestone.task_ref}/")
    page.once("dialog", lambda dialog: dialog.accept())  # 销号后不能撤销
    page.get_by_role("button", name="审核通过，办结销号").click()
    page.wait_for_selector("text=已审核通过")
    page.goto(f"/zones/platforms/{zongbao.pk}/")
    row = page.locator(f"#milestone-{milestone.pk}")
    assert "已完成" in row.inner_text()
    assert today.strftime("%Y-%m-%d") in row.inner_text()

    # 3. move a project from 线索 to 洽谈
    project = Project.objects.get(name="荷兰冷链物流分拨中心")
    assert project.stage == Stage.LEAD
    log_out(page)
    log_in(page, "waimao")
    page.goto(f"/zones/projects/{project.pk}/")
    page.locator("#move-form").get_by_label("推进到").select_option("talks")
    asked: list[str] = []  # stages only move forward: the page asks first
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.locator("#move-form").get_by_role("button", name="更新阶段").click()
    page.wait_for_selector("text=阶段已更新")
    assert page.locator("#project-stage").inner_text() == "洽谈"
    assert "洽谈" in page.locator("#stage-history").inner_text()
    assert "只能向前推进" in asked[0]

    # 4. a chain's gap, drilled to the records of its import sources
    load_partners()
    district = Unit.objects.get(name="东城区商务局")
    importer = Enterprise.objects.create(name="示范汽车贸易有限公司", district=district)
    month = today.replace(day=1)
    CustomsRecord.objects.create(
        enterprise=importer,
        period=month,
        flow="import",
        hs_code="87032390",
        partner_code="304",
        trade_mode="0110",
        value_usd=Decimal("250000"),
        value_cny=Decimal("1775000"),
    )
    rebuild_rollups([month])
    page.goto("/zones/chains/")
    page.get_by_role("link", name="新能源与电气装备").click()
    page.get_by_role("link", name="新能源汽车整车").click()
    sources = page.locator("#source-table")
    assert "德国" in sources.inner_text()
    screenshot(page, "zones-chain-gap")
    sources.get_by_role("link", name="8703").click()
    page.wait_for_url("**/trade/analysis/records/**")
    assert "示范汽车贸易有限公司" in page.content()


def test_park_kpi_platform_appeal_and_chain_segments(page, screenshot):
    """Record a park's monthly KPI; raise a platform enterprise's problem as an appeal of a
    chosen category; add a chain segment, move it, remove it after the confirmation."""
    demo.run(size="small", log=lambda _m: None, only={"city", "supervision", "zones"})
    today = timezone.localdate()

    # 1. 中德产业园: this month's 营业收入 in the park's grid, then the page's table and chart
    park = Park.objects.get(name="中德产业园")
    log_in(page, "waimao")
    page.goto(f"/zones/parks/{park.pk}/")
    page.get_by_role("link", name="填报月度指标").first.click()
    page.get_by_label("营业收入").fill("9.6")
    page.get_by_role("button", name="保存本月指标").click()
    page.wait_for_selector("text=项指标")
    revenue = ParkKpiDefinition.objects.get(name="营业收入")
    value = ParkKpiValue.objects.get(park=park, definition=revenue, period=today.replace(day=1))
    assert value.value == Decimal("9.6")
    page.goto(f"/zones/parks/{park.pk}/")
    page.wait_for_selector("#kpi-table")
    assert "营业收入" in page.locator("#kpi-table").inner_text()
    page.wait_for_selector("#kpis .chart canvas")
    screenshot(page, "zones-park-kpis")

    # 2. a firm operating on the train platform raises a problem as a 物流运输 appeal
    trains = Platform.objects.get(name="示范中亚班列")
    firm = Enterprise.objects.create(
        name="示范班列货运有限公司", uscc=synthetic_uscc(7501), park=trains.park
    )
    trains.enterprises.add(firm)
    page.goto(f"/zones/platforms/{trains.pk}/")
    form = page.locator("#appeal-raise-form")
    form.get_by_label("企业").select_option(label=firm.name)
    form.get_by_label("诉求类别").select_option(label="物流运输")
    form.get_by_label("问题").fill("回程班列舱位紧张，出口订单排期延后")
    form.get_by_role("button", name="转为企业诉求").click()
    page.wait_for_selector("text=问题已转为企业诉求")
    appeals = page.locator("#appeal-table").inner_text()
    assert "物流运输" in appeals and "在平台页提出" in appeals

    # 3. the chain's segments: add one, move it up, remove it after confirming
    chain = Chain.objects.get(name="新能源与电气装备")
    page.goto(f"/zones/chains/{chain.pk}/")
    page.get_by_role("link", name="维护环节").click()
    add = page.locator("#segment-add-form")
    add.locator("select[name=position]").select_option(label="上游")
    add.get_by_label("细分环节").fill("锂矿与正极材料")
    add.get_by_label("HS 品目").fill("2825, 2836")
    add.get_by_role("button", name="添加环节").click()
    page.wait_for_selector("text=已新增环节")
    segment = chain.segments.get(name="锂矿与正极材料")
    upstream = list(chain.segments.filter(position="up").values_list("name", flat=True))
    assert upstream[-1] == "锂矿与正极材料" and len(upstream) > 1
    page.get_by_role("button", name="上移锂矿与正极材料").click()
    page.wait_for_selector("text=已调整顺序")
    upstream = list(chain.segments.filter(position="up").values_list("name", flat=True))
    assert upstream[-2] == "锂矿与正极材料"
    screenshot(page, "zones-chain-edit")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"#segment-row-{segment.pk}").get_by_role("button", name="删除").click()
    page.wait_for_selector("text=已删除环节")
    assert not chain.segments.filter(name="锂矿与正极材料").exists()
