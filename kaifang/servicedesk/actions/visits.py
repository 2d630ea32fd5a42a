"""Liaison (包联) and visit (走访) writes: assignment, the visit record feeding the enterprise's
problems and development direction, a visit's problem becoming an appeal, quarterly targets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaifang.core import audit
from kaifang.core.models import User
from kaifang.core.scope import check_people, visible_to
from kaifang.enterprises.actions import enterprise_update
from kaifang.enterprises.events import enterprise_event
from kaifang.enterprises.models import Enterprise
from kaifang.servicedesk.actions.appeals import appeal_create
from kaifang.servicedesk.models import Appeal, LiaisonLeader, Source, Visit, VisitTarget


@transaction.atomic
def liaison_assign(
    *,
    actor: User,
    enterprises: Sequence[Enterprise],
    officer: User,
    leader: User | None = None,
) -> int:
    """Make `officer` (and optionally `leader`) responsible for each enterprise."""
    if not enterprises:
        raise ValidationError("请至少选择一家企业。")
    check_people(actor, [officer], field="officer", label="包联干部")
    check_people(actor, [leader], field="leader", label="包联领导")
    visible = set(
        visible_to(
            Enterprise.objects.filter(pk__in=[e.pk for e in enterprises]), actor
        ).values_list("pk", flat=True)
    )
    if len(visible) != len({e.pk for e in enterprises}):
        raise ValidationError("只能为您数据范围内的企业分配包联干部。")
    changed = 0
    for enterprise in enterprises:
        if enterprise.liaison_id != officer.pk:
            enterprise_update(actor=actor, enterprise=enterprise, liaison=officer)
            changed += 1
        if leader is not None:
            LiaisonLeader.objects.update_or_create(
                enterprise=enterprise, defaults={"leader": leader}
            )
            enterprise_event(
                enterprise=enterprise,
                kind="liaison.leader",
                text=f"包联领导：{leader}",
                actor=actor,
            )
    audit.record(
        actor=actor,
        action="liaison.assign",
        object_type="enterprises.enterprise",
        object_repr=f"{len(enterprises)} 家企业 → {officer}",
        changes={
            "officer": officer.pk,
            "leader": leader.pk if leader else None,
            "enterprises": [e.pk for e in enterprises],
        },
    )
    return changed


def _append(existing: str, day: dt.date, text: str) -> str:
    line = f"【{day:%Y-%m-%d} 走访】{text.strip()}"
    return f"{existing.rstrip()}\n{line}" if existing.strip() else line


@transaction.atomic
def visit_create(
    *,
    actor: User,
    enterprise: Enterprise,
    visited_on: dt.date,
    officers: Sequence[User],
    people_met: str = "",
    enterprise_said: str = "",
    problems: str = "",
    plans: str = "",
    follow_ups: str = "",
    is_synthetic: bool = False,
) -> Visit:
    if visited_on > timezone.localdate() + dt.timedelta(days=1):
        raise ValidationError({"visited_on": "走访日期不能晚于今天。"})
    check_people(actor, officers, field="officers", label="走访人员")
    visit = Visit.objects.create(
        enterprise=enterprise,
        visited_on=visited_on,
        unit=actor.unit,
        people_met=people_met.strip(),
        enterprise_said=enterprise_said.strip(),
        problems=problems.strip(),
        plans=plans.strip(),
        follow_ups=follow_ups.strip(),
        created_by=actor,
        is_synthetic=is_synthetic,
    )
    visit.officers.set(list(officers) or [actor])
    feed: dict[str, Any] = {}
    if visit.problems:
        feed["problems"] = _append(enterprise.problems, visited_on, visit.problems)
    if visit.plans:
        feed["development_direction"] = _append(
            enterprise.development_direction, visited_on, visit.plans
        )
    if feed:
        enterprise_update(actor=actor, enterprise=enterprise, **feed)
    names = "、".join(u.display_name for u in visit.officers.all())
    enterprise_event(
        enterprise=enterprise,
        kind="visit",
        text=f"{visited_on:%Y-%m-%d} 走访（{names}）：{visit.enterprise_said[:80] or '已记录'}",
        actor=actor,
        payload={"visit": visit.pk},
    )
    audit.record(actor=actor, action="visit.create", obj=visit, changes={"officers": names})
    return visit


def visit_problem_to_appeal(
    *, actor: User, visit: Visit, category: str, description: str
) -> Appeal:
    """One step from a problem heard on a visit to a registered appeal."""
    enterprise = visit.enterprise
    if not enterprise.uscc:
        raise ValidationError("该企业没有统一社会信用代码，请先在企业档案中补充。")
    return appeal_create(
        actor=actor,
        enterprise_name=enterprise.name,
        uscc=enterprise.uscc,
        category=category,
        description=description,
        source=Source.VISIT,
        contact_name=enterprise.contact_name,
        contact_phone=enterprise.contact_phone,
        visit=visit,
    )


@transaction.atomic
def visit_target_set(
    *, actor: User, officer: User, year: int, quarter: int, target: int
) -> VisitTarget:
    check_people(actor, [officer], field="officer", label="包联干部")
    row, _ = VisitTarget.objects.update_or_create(
        officer=officer, year=year, quarter=quarter, defaults={"target": target}
    )
    audit.record(
        actor=actor,
        action="visit_target.set",
        obj=row,
        changes={"officer": officer.pk, "year": year, "quarter": quarter, "target": target},
    )
    return row
