"""The demo loader: a no-op with a message before the register has enterprises; then a year
of appeals in every state, through the real actions; a second run adds nothing."""

from __future__ import annotations

import random

import pytest

from kaifang.core import demo
from kaifang.core.lib.uscc import synthetic_uscc
from kaifang.core.models import Unit, User
from kaifang.enterprises.models import Enterprise, EnterpriseEvent
from kaifang.servicedesk.demo import TZ, load_servicedesk
from kaifang.servicedesk.models import Appeal, AppealEvent, AppealStatus, Visit


def _ctx(log):
    return demo.DemoContext(size="small", rng=random.Random("t"), log=log)  # noqa: S311 (demo data)


@pytest.mark.slow
def test_demo_loader(db):
    messages: list[str] = []
    demo.load_city(_ctx(messages.append))
    load_servicedesk(_ctx(messages.append))
    assert "没有企业" in messages[-1]
    districts = list(Unit.objects.filter(kind="district"))
    officer = User.objects.get(username="liaison1")
    for n in range(12):
        district = districts[n % 3]
        Enterprise.objects.create(
            name=f"演示{n}号外贸公司",
            uscc=synthetic_uscc(9000 + n),
            district=district,
            liaison=officer if district.pk == officer.unit_id else None,
            is_synthetic=True,
        )
    mine = set(Enterprise.objects.filter(liaison=officer).values_list("pk", flat=True))
    assert mine
    load_servicedesk(_ctx(messages.append))
    # officers keep their own district's firms: the loader does not hand out the others
    assert set(Enterprise.objects.filter(liaison=officer).values_list("pk", flat=True)) == mine
    assert not Enterprise.objects.filter(liaison__isnull=False).exclude(pk__in=mine).exists()
    # timeline events and visit records carry the day of the visit, not the load time
    for visit in Visit.objects.all():
        assert visit.created_at.astimezone(TZ).date() == visit.visited_on
        event = EnterpriseEvent.objects.get(kind="visit", payload__visit=visit.pk)
        assert event.created_at.astimezone(TZ).date() == visit.visited_on
    mirrored = EnterpriseEvent.objects.filter(kind__startswith="appeal.")
    assert mirrored.exists()
    for event in mirrored[:80]:
        steps = AppealEvent.objects.filter(
            appeal_id=event.payload["appeal"], kind=event.kind.removeprefix("appeal.")
        )
        assert event.created_at in set(steps.values_list("created_at", flat=True))
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
