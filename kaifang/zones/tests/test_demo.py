"""The demo loader: the speech's platforms and parks, two years of KPIs (platforms' and parks'),
projects at every stage (some stuck), a platform's appeals, two chains; idempotent."""

from __future__ import annotations

import pytest

from kaifang.core import demo
from kaifang.core.lib.uscc import synthetic_uscc
from kaifang.core.models import Unit
from kaifang.enterprises.models import Enterprise
from kaifang.zones import selectors
from kaifang.zones.demo import PLATFORMS
from kaifang.zones.models import (
    PIPELINE,
    Chain,
    KpiValue,
    Park,
    ParkKpiValue,
    Platform,
    PlatformAppeal,
    PlatformStatusChange,
    Project,
    ProjectProblem,
    ProjectStageChange,
    Stage,
)

pytestmark = pytest.mark.django_db


def _firms_in_the_platforms_parks() -> None:
    """The register's demo (another loader) puts firms in the parks; these stand in for it, so
    platforms have operating firms and projects have enterprises to raise appeals for."""
    parks = sorted({row[4] for row in PLATFORMS if row[4]})
    Enterprise.objects.bulk_create(
        Enterprise(
            name=f"{park[:4]}演示企业{number}",
            uscc=synthetic_uscc(7400 + index * 30 + number),
            park=Unit.objects.get(name=park),
            is_synthetic=True,
        )
        for index, park in enumerate(parks)
        for number in range(25)
    )


def test_demo_loads_everything_quickly_and_runs_twice(trade_reference):
    demo.run(size="small", log=lambda _m: None, only={"city", "supervision"})
    _firms_in_the_platforms_parks()
    demo.run(size="small", log=lambda _m: None, only={"zones"})
    assert {"示范综合保税区", "自贸大厦", "示范中亚班列"} <= set(
        Platform.objects.values_list("name", flat=True)
    )
    assert {"中欧科创国际合作产业园", "中德产业园"} <= set(
        Park.objects.values_list("name", flat=True)
    )
    assert Park.objects.get(name="中德产业园").team.count() == 3
    trains = Platform.objects.get(name="示范中亚班列")
    assert trains.kpi_values.dates("period", "month").count() == 24
    assert trains.status_changes.count() == 3
    stages = set(Project.objects.values_list("stage", flat=True))
    assert {s.value for s in PIPELINE} | {Stage.TERMINATED} <= stages
    assert any(selectors.is_stuck(p) for p in Project.objects.all())
    zongbao = Platform.objects.get(name="示范综合保税区")
    assert zongbao.milestones.filter(task_ref__isnull=False).exists()
    assert Chain.objects.count() == 2
    # the chains' rollup holds every code the demo's segments name (decision 0024)
    from kaifang.zones import chain_rollup

    assert chain_rollup.covered() == chain_rollup.wanted() != set()
    from kaifang.zones.tests.rollups import derived_match

    assert derived_match()  # the firm and partner rollups too (decision 0045)
    zhongde = Park.objects.get(name="中德产业园")
    assert zhongde.kpi_values.dates("period", "month").count() == 24
    year = zhongde.kpi_targets.order_by("-year").values_list("year", flat=True).first()
    progress = selectors.park_kpi_progress(zhongde, year)
    assert progress and all(row.target for row in progress)
    assert PlatformAppeal.objects.filter(raised=True).exists()
    problem = ProjectProblem.objects.get()
    assert problem.project.platform is not None  # listed on its platform's page too
    counts = (
        KpiValue.objects.count(),
        Project.objects.count(),
        ProjectStageChange.objects.count(),
        PlatformStatusChange.objects.count(),
        ParkKpiValue.objects.count(),
        PlatformAppeal.objects.count(),
    )
    demo.run(
        size="small", log=lambda _m: None, only={"city", "enterprises", "supervision", "zones"}
    )
    assert counts == (
        KpiValue.objects.count(),
        Project.objects.count(),
        ProjectStageChange.objects.count(),
        PlatformStatusChange.objects.count(),
        ParkKpiValue.objects.count(),
        PlatformAppeal.objects.count(),
    )
