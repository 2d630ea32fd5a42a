"""Demo data beside the platforms, parks and projects of demo.py: two years of monthly park
KPIs against targets on every demo park, and the appeals that concern a platform (one raised
on its page by an enterprise operating on it, one project problem of a chosen category).
Idempotent like demo.py: what is there already is kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError

from kaifang.core import demo
from kaifang.core.models import User
from kaifang.trade.selectors.measures import add_months
from kaifang.zones.actions import appeals as actions_appeals
from kaifang.zones.models import (
    Park,
    ParkKpiDefinition,
    ParkKpiTarget,
    ParkKpiValue,
    Platform,
    Project,
    ProjectProblem,
)

# KPI → its monthly size for a park of 100 亿元 a year, and its yearly growth.
PARK_KPI_SCALE = {
    "营业收入": (Decimal("8.3"), 0.14),
    "规上工业总产值": (Decimal("7.1"), 0.12),
    "进出口额": (Decimal("2.4"), 0.18),
    "实际使用外资": (Decimal("420"), 0.1),
    "固定资产投资": (Decimal("1.9"), 0.08),
    "新签约项目": (Decimal("3"), 0.1),
    "新增入驻企业": (Decimal("6"), 0.05),
}
SEASON = {1: 0.8, 2: 0.7, 3: 0.95, 10: 1.08, 11: 1.12, 12: 1.2}


def _park_value(name: str, size: Decimal, period: dt.date, today: dt.date, seed: int) -> Decimal:
    base, growth = PARK_KPI_SCALE.get(name, (Decimal(1), 0.1))
    years_back = (today.year - period.year) + (today.month - period.month) / 12
    wobble = 1 + (((period.month * 5 + period.year + seed) % 9) - 4) / 40
    value = float(base * size / 100) * SEASON.get(period.month, 1.0) * wobble
    value /= (1 + growth) ** years_back
    return Decimal(str(round(value, 0 if base < 10 and name.startswith("新") else 2)))


def park_kpis(today: dt.date) -> None:
    """24 months of every park KPI on each demo park, and this and last year's targets."""
    definitions = list(ParkKpiDefinition.objects.all())
    last = add_months(today.replace(day=1), -1)
    months = [add_months(last, -i) for i in range(24)]
    for seed, park in enumerate(Park.objects.filter(is_synthetic=True).order_by("pk")):
        latest = park.outputs.exclude(output=None).order_by("-year").first()
        size = latest.output if latest is not None and latest.output else Decimal(50)
        have = set(park.kpi_values.values_list("definition_id", "period"))
        ParkKpiValue.objects.bulk_create(
            [
                ParkKpiValue(
                    park=park,
                    definition=d,
                    period=m,
                    value=_park_value(d.name, size, m, today, seed),
                )
                for d in definitions
                for m in months
                if (d.pk, m) not in have
            ]
        )
        for d in definitions:
            for year in (today.year - 1, today.year):
                full = sum(
                    (
                        _park_value(d.name, size, dt.date(year, m, 1), today, seed)
                        for m in range(1, 13)
                    ),
                    Decimal(0),
                )
                ParkKpiTarget.objects.get_or_create(
                    park=park,
                    definition=d,
                    year=year,
                    defaults={"target": (full * Decimal("1.1")).quantize(Decimal("0.01"))},
                )


def appeals(ctx: demo.DemoContext) -> None:
    """One appeal raised on a platform's page, one project problem turned into an appeal."""
    officer = User.objects.filter(username="waimao").first()
    if officer is None:
        return
    try:
        platform = (
            Platform.objects.filter(is_synthetic=True, enterprises__uscc__gt="")
            .order_by("-name")
            .distinct()
            .first()
        )
        if platform is not None and not platform.appeals.exists():
            enterprise = platform.enterprises.exclude(uscc="").order_by("pk").first()
            if enterprise is not None:
                actions_appeals.platform_raise_appeal(
                    actor=officer,
                    platform=platform,
                    enterprise=enterprise,
                    category="logistics",
                    text="回程班列舱位紧张，出口订单排期延后，希望平台协调增加班次",
                )
        project = (
            Project.objects.filter(is_synthetic=True, enterprise__uscc__gt="")
            .exclude(platform=None)
            .exclude(stage="terminated")
            .order_by("pk")
            .first()
        )
        if project is not None and not ProjectProblem.objects.filter(project=project).exists():
            actions_appeals.project_raise_problem(
                actor=officer,
                project=project,
                category="land_energy",
                text="二期用地指标尚未落实，厂房扩建无法按期开工",
            )
    except ValidationError as error:  # the service desk absent: the demo still stands
        ctx.log(f"zones: 演示诉求未生成（{'；'.join(error.messages)}）")
