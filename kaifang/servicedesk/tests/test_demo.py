"""The demo loader: a no-op with a message before the register has enterprises; then a year
of appeals in every state, through the real actions; a second run adds nothing."""

from __future__ import annotations

import random

import pytest

from kaifang.core import demo
from kaifang.core.lib.uscc import synthetic_uscc
from kaifang.core.models import Unit
from kaifang.enterprises.models import Enterprise
from kaifang.servicedesk.demo import load_servicedesk
from kaifang.servicedesk.models import Appeal, AppealStatus, Visit


def _ctx(log):
    return demo.DemoContext(size="small", rng=random.Random("t"), log=log)  # noqa: S311 (demo data)


@pytest.mark.slow
def test_demo_loader(db):
    messages: list[str] = []
    demo.load_city(_ctx(messages.append))
    load_servicedesk(_ctx(messages.append))
    assert "没有企业" in messages[-1]
    districts = list(Unit.objects.filter(kind="district"))
    for n in range(12):
        Enterprise.objects.create(
            name=f"演示{n}号外贸公司", uscc=synthetic_uscc(9000 + n), district=districts[n % 3]
        )
    load_servicedesk(_ctx(messages.append))
    statuses = set(Appeal.objects.values_list("status", flat=True))
    assert {AppealStatus.RATED, AppealStatus.IN_PROGRESS} <= statuses
    assert Appeal.objects.filter(rating__isnull=False).count() > 40
    assert (
        Appeal.objects.filter(resolved_on_time=True).count()
        > Appeal.objects.filter(resolved_on_time=False).count()
        > 0
    )
    assert Appeal.objects.filter(reopen_count__gt=0).exists()
    assert Appeal.objects.filter(paused_workdays__gt=0).exists()
    assert Appeal.objects.filter(escalation_level__gt=0).exists()
    assert Visit.objects.exists()
    total = Appeal.objects.count()
    load_servicedesk(_ctx(messages.append))
    assert Appeal.objects.count() == total and "已存在" in messages[-1]
