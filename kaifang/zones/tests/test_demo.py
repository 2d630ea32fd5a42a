"""The demo loader: the speech's platforms and parks, two years of KPIs, projects at every
stage (some stuck), two chains; fast and idempotent."""

from __future__ import annotations

import time

import pytest

from kaifang.core import demo
from kaifang.zones import selectors
from kaifang.zones.models import (
    PIPELINE,
    Chain,
    KpiValue,
    Park,
    Platform,
    PlatformStatusChange,
    Project,
    ProjectStageChange,
    Stage,
)

pytestmark = pytest.mark.django_db


def test_demo_loads_everything_quickly_and_runs_twice(trade_reference):
    demo.run(size="small", log=lambda _m: None, only={"city", "supervision"})
    started = time.monotonic()
    demo.run(size="small", log=lambda _m: None, only={"zones"})
    assert time.monotonic() - started < 15  # seconds, on a busy shared machine
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
    counts = (
        KpiValue.objects.count(),
        Project.objects.count(),
        ProjectStageChange.objects.count(),
        PlatformStatusChange.objects.count(),
    )
    demo.run(size="small", log=lambda _m: None, only={"city", "supervision", "zones"})
    assert counts == (
        KpiValue.objects.count(),
        Project.objects.count(),
        ProjectStageChange.objects.count(),
        PlatformStatusChange.objects.count(),
    )
