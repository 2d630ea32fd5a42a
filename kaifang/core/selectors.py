"""Reads of the core app, all through the scope gate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from kaifang.core.models import AuditEntry, Unit, User
from kaifang.core.scope import visible_to


@dataclass(frozen=True)
class UnitRow:
    unit: Unit
    depth: int


def unit_tree(*, user: User | AnonymousUser) -> list[UnitRow]:
    """Visible units in tree order, with depth for indentation."""
    units = list(visible_to(Unit.objects.select_related("parent"), user))
    ids = {u.pk for u in units}
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        parent_key = unit.parent_id if unit.parent_id in ids else None
        children.setdefault(parent_key, []).append(unit)
    rows: list[UnitRow] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in sorted(children.get(parent, []), key=lambda u: (u.order, u.pk)):
            rows.append(UnitRow(unit=unit, depth=depth))
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return rows


def _action_matches(text: str) -> Q:
    """The entries whose code holds `text` (export, zones.park) or whose Chinese description,
    as the audit page shows it, does (导出, 修改外向型企业): the page shows descriptions, and a
    search for what it shows found nothing."""
    match = Q(action__icontains=text)
    if text.isascii():
        return match
    from kaifang.core import audit_labels  # the labels read the app registry

    kinds: dict[str, set[str]] = {}
    pairs = AuditEntry.objects.order_by().values_list("action", "object_type").distinct()
    for code, object_type in pairs:
        if text in audit_labels.describe(code, object_type):
            kinds.setdefault(code, set()).add(object_type)
    for code, object_types in kinds.items():
        match |= Q(action=code, object_type__in=sorted(object_types))
    return match


def audit_search(
    *,
    user_query: str = "",
    object_query: str = "",
    action: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """Audit entries matching the filters; administrators only (the view checks)."""
    qs = AuditEntry.objects.select_related("actor")
    if user_query:
        qs = qs.filter(Q(actor_name__icontains=user_query) | Q(actor__username=user_query))
    if object_query:
        qs = qs.filter(
            Q(object_repr__icontains=object_query)
            | Q(object_type__icontains=object_query)
            | Q(object_id=object_query)
        )
    if action:
        qs = qs.filter(_action_matches(action))
    if since:
        qs = qs.filter(created_at__date__gte=since)
    if until:
        qs = qs.filter(created_at__date__lte=until)
    return qs
