"""Demo: a watch list and two scenarios of 示范市 — a US tariff on machinery and electrical
products (with a published-style tariff list whose lines carry their own rates), and the EU
market shrinking for textiles. Idempotent: looked up by partner and by name."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kaifang.core import demo
from kaifang.core.models import Partner, PartnerGroup, User
from kaifang.risk.models import Scenario, ScenarioProduct, WatchEntry

WATCH = [
    ("502", "high", "对华加征关税范围扩大，机电、汽车零部件出口承压。", dt.date(2025, 4, 2)),
    ("344", "medium", "金融制裁与结算受限，收汇周期延长。", dt.date(2024, 6, 1)),
    ("304", "low", "反倾销调查增多，关注新能源与钢铝制品。", dt.date(2025, 1, 15)),
    ("130", "medium", "地缘冲突影响航运，红海航线绕行。", dt.date(2024, 1, 10)),
]

# A list the way the partner publishes it: 8- and 10-digit lines, some 6-digit, a rate each.
US_LIST = [
    ("8471", Decimal(25), "自动数据处理设备及其部件"),
    ("847330", Decimal(25), "计算机零件、附件"),
    ("8501", Decimal(25), "电动机及发电机"),
    ("85044000", Decimal(25), "静止式变流器"),
    ("8507600010", Decimal("7.5"), "锂离子蓄电池（电动车用）"),
    ("85", Decimal("7.5"), "第85章其他电机电气设备"),
    ("84", Decimal("7.5"), "第84章其他机械器具"),
]


def load_risk(ctx: demo.DemoContext) -> None:
    staff = User.objects.filter(username="waimao").first()
    if staff is None or not Partner.objects.exists():
        ctx.log("风险预警：缺少演示账号或国别参考数据，跳过")
        return
    for code, level, note, since in WATCH:
        partner = Partner.objects.filter(code=code).first()
        if partner is None:
            continue
        WatchEntry.objects.update_or_create(
            partner=partner,
            defaults={
                "level": level,
                "note": note,
                "since": since,
                "updated_by": staff,
                "is_synthetic": True,
            },
        )
    us = Partner.objects.filter(code="502").first()
    tariff, _ = Scenario.objects.update_or_create(
        name="美国对机电产品加征关税",
        defaults={
            "description": "模拟对方对第84、85章产品加征关税，按公布清单逐行税率测算。",
            "flow": "export",
            "shock": "tariff",
            "tariff_pp": Decimal(25),
            "elasticity": Decimal("1.5"),
            "months": 12,
            "unit": staff.unit,
            "created_by": staff,
            "is_synthetic": True,
        },
    )
    tariff.partners.set([us] if us else [])
    tariff.products.all().delete()
    ScenarioProduct.objects.bulk_create(
        ScenarioProduct(scenario=tariff, line=i, hs_code=code, rate_pp=rate, note=note)
        for i, (code, rate, note) in enumerate(US_LIST, start=1)
    )
    eu = PartnerGroup.objects.filter(code="eu").first()
    shrink, _ = Scenario.objects.update_or_create(
        name="欧盟纺织服装需求萎缩",
        defaults={
            "description": "欧盟市场纺织服装进口需求下降三成。",
            "flow": "export",
            "shock": "share",
            "share_lost_pct": Decimal(30),
            "months": 12,
            "unit": staff.unit,
            "created_by": staff,
            "is_synthetic": True,
        },
    )
    shrink.partner_groups.set([eu] if eu else [])
    shrink.products.all().delete()
    ScenarioProduct.objects.bulk_create(
        ScenarioProduct(scenario=shrink, line=i, hs_code=code)
        for i, code in enumerate(["61", "62", "63"], start=1)
    )
    ctx.log(f"风险预警：关注国别 {len(WATCH)} 个，情景 2 个")


def register_loader() -> None:
    demo.register("risk", 450, load_risk)
