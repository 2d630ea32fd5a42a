"""Reads: every staff read goes through the scope gate; the public reads go by tracking code,
which is the enterprise's only key, and return the one appeal and its public timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from kaifang.core import calendar
from kaifang.core.models import Unit, User
from kaifang.core.scope import effective_scope, get_for_user, visible_to
from kaifang.servicedesk.models import (
    OPEN_STATUSES,
    WORKING_STATUSES,
    Appeal,
    AppealEvent,
    AppealStatus,
    RoutingRule,
    Visit,
)
from kaifang.servicedesk.similarity import THRESHOLD, similarity

AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class AppealFilters:
    q: str = ""
    status: str = ""
    category: str = ""
    unit: int | None = None
    view: str = ""
    sort: str = ""  # "" newest first, "resolve_due" nearest deadline first, "registered_at"


def appeals_for(user: AnyUser) -> QuerySet[Appeal]:
    return visible_to(Appeal.objects.all(), user)


def overdue_q(today: dt.date) -> Q:
    return Q(status__in=[AppealStatus.REGISTERED, AppealStatus.ROUTED], accept_due__lt=today) | Q(
        status__in=WORKING_STATUSES, resolve_due__lt=today
    )


def due_soon_q(today: dt.date) -> Q:
    horizon = calendar.add_workdays(today, 2)
    return Q(status__in=WORKING_STATUSES, resolve_due__gte=today, resolve_due__lte=horizon) | Q(
        status=AppealStatus.ROUTED, accept_due__gte=today, accept_due__lte=horizon
    )


def my_units(user: AnyUser) -> set[int]:
    if not isinstance(user, User) or not user.unit_id:
        return set()
    return {user.unit_id} | set(effective_scope(user).unit_ids)


def appeal_list(*, user: AnyUser, filters: AppealFilters) -> QuerySet[Appeal]:
    qs = appeals_for(user).select_related("enterprise", "unit")
    today = timezone.localdate()
    if filters.q:
        qs = qs.filter(
            Q(title__icontains=filters.q)
            | Q(enterprise_name__icontains=filters.q)
            | Q(tracking_code__icontains=filters.q.upper())
            | Q(description__icontains=filters.q)
        )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.unit:
        qs = qs.filter(unit_id=filters.unit)
    if filters.view == "to_accept":
        qs = qs.filter(status=AppealStatus.ROUTED, unit_id__in=my_units(user))
    elif filters.view == "overdue":
        qs = qs.filter(overdue_q(today))
    elif filters.view == "due_soon":
        qs = qs.filter(due_soon_q(today))
    elif filters.view == "duplicates":
        qs = qs.filter(duplicate_of__isnull=False, status__in=OPEN_STATUSES)
    if filters.sort == "resolve_due":
        qs = qs.order_by(F("resolve_due").asc(nulls_last=True), "-registered_at", "-id")
    elif filters.sort == "registered_at":
        qs = qs.order_by("registered_at", "id")
    return qs


def appeal_get(*, user: AnyUser, pk: object, write: bool = False) -> Appeal:
    return get_for_user(
        Appeal.objects.select_related("enterprise", "unit", "channel", "duplicate_of"),
        user,
        pk,
        write=write,
    )


def public_appeal(code: str) -> Appeal | None:
    """The one appeal this code opens, or None. Never a list, never a neighbour."""
    if not code:
        return None
    return Appeal.objects.filter(tracking_code=code).select_related("unit").first()


def public_timeline(appeal: Appeal) -> list[AppealEvent]:
    return list(appeal.events.exclude(public_text="").order_by("created_at", "id"))


def workbench_counts(user: User) -> dict[str, object]:
    """The workbench panel's three lists, with only the columns it shows (an appeal row with
    its description and every other field cost more to compile and load than to find)."""
    today = timezone.localdate()
    shown = appeals_for(user).only("id", "title", "accept_due", "resolve_due", "unit", "unit__name")
    shown = shown.select_related("unit")
    mine = shown.filter(unit_id__in=my_units(user))
    return {
        "to_accept": list(mine.filter(status=AppealStatus.ROUTED)[:8]),
        "due_soon": list(mine.filter(due_soon_q(today))[:8]),
        "overdue": list(shown.filter(overdue_q(today))[:8]),
    }


def visits_for(user: AnyUser) -> QuerySet[Visit]:
    return visible_to(Visit.objects.all(), user)


def find_duplicate(appeal: Appeal, *, viewer: User | None = None) -> tuple[Appeal | None, float]:
    """The most similar open appeal of the same enterprise, if similar enough; for staff,
    compared only with the appeals `viewer` may see (a hint must not open another
    district's appeal)."""
    best: tuple[Appeal | None, float] = (None, 0.0)
    others: QuerySet[Appeal] = Appeal.objects.filter(
        enterprise=appeal.enterprise, status__in=OPEN_STATUSES
    )
    if viewer is not None:
        others = visible_to(others, viewer)
    for other in others.exclude(pk=appeal.pk).only("pk", "description", "category"):
        score = similarity(appeal.description, other.description)
        if other.category == appeal.category:
            score = min(1.0, score + 0.05)
        if score >= THRESHOLD and score > best[1]:
            best = (other, score)
    return best


def routing_unit(category: str) -> Unit | None:
    rule = RoutingRule.objects.select_related("unit").filter(category=category).first()
    return rule.unit if rule else None
