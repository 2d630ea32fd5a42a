"""Liaison reads: rosters by officer and by unit, coverage, and quarterly visit progress,
all over the enterprises and visits the user may see."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet

from kaifang.core.models import RoleCode, User
from kaifang.core.scope import visible_to
from kaifang.enterprises.models import Enterprise, EnterpriseStatus
from kaifang.servicedesk.models import Visit, VisitTarget


def quarter_of(day: dt.date) -> tuple[int, int, dt.date, dt.date]:
    q = (day.month - 1) // 3 + 1
    start = dt.date(day.year, 3 * q - 2, 1)
    end = dt.date(day.year + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)
    return day.year, q, start, end


def enterprises_for(user: User) -> QuerySet[Enterprise]:
    return visible_to(Enterprise.objects.exclude(status=EnterpriseStatus.CLOSED), user)


def roster_by_officer(user: User) -> list[dict[str, object]]:
    rows: dict[int, dict[str, object]] = {}
    qs = (
        enterprises_for(user)
        .filter(liaison__isnull=False)
        .select_related("liaison", "liaison__unit", "liaison_leader__leader")
    )
    for e in qs.order_by("liaison__unit__order", "liaison_id", "name"):
        assert e.liaison is not None  # noqa: S101 (filtered above)
        row = rows.setdefault(
            e.liaison.pk, {"officer": e.liaison, "unit": e.liaison.unit, "enterprises": []}
        )
        row["enterprises"].append(e)  # type: ignore[attr-defined]
    return list(rows.values())


def roster_by_unit(user: User) -> list[dict[str, object]]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"officers": 0, "enterprises": 0})
    seen: set[int] = set()
    qs = (
        enterprises_for(user)
        .filter(liaison__isnull=False)
        .values_list("liaison_id", "liaison__unit__name")
    )
    for officer_id, unit_name in qs:
        entry = counts[unit_name or "（无单位）"]
        entry["enterprises"] += 1
        if officer_id not in seen:
            seen.add(officer_id)
            entry["officers"] += 1
    return [{"unit": k, **v} for k, v in sorted(counts.items())]


@dataclass(frozen=True)
class Progress:
    officer: User
    target: int
    done: int

    @property
    def behind(self) -> bool:
        return self.done < self.target


def officers_for(user: User) -> QuerySet[User]:
    """Officers whose work the user may see: liaison officers of visible enterprises, plus
    users with the liaison role in the user's units."""
    ids = set(enterprises_for(user).exclude(liaison=None).values_list("liaison_id", flat=True))
    in_units = Q(roles__code=RoleCode.LIAISON, unit__in=_units(user))
    return User.objects.filter(is_active=True).filter(Q(pk__in=ids) | in_units).distinct()


def assignable_people(user: User) -> QuerySet[User]:
    """Who the user may make a liaison officer or leader: people of the units in the user's
    scope (liaison gives its holder the enterprise's records, so it cannot reach further)."""
    from kaifang.core.scope import effective_scope

    people = User.objects.filter(is_active=True)
    if effective_scope(user).sees_all:
        return people
    return people.filter(unit__in=_units(user))


def _units(user: User) -> list[int]:
    from kaifang.core.scope import effective_scope

    scope = effective_scope(user)
    if scope.sees_all:
        return list(User.objects.exclude(unit=None).values_list("unit_id", flat=True))
    return list(scope.unit_ids)


def visit_progress(user: User, day: dt.date) -> list[Progress]:
    year, quarter, start, end = quarter_of(day)
    officers = list(officers_for(user).select_related("unit"))
    targets = {
        t.officer_id: t.target
        for t in VisitTarget.objects.filter(year=year, quarter=quarter, officer__in=officers)
    }
    done = dict(
        Visit.objects.filter(visited_on__range=(start, end), officers__in=officers)
        .values("officers")
        .annotate(n=Count("id", distinct=True))
        .values_list("officers", "n")
    )
    return sorted(
        (Progress(o, targets.get(o.pk, 0), done.get(o.pk, 0)) for o in officers),
        key=lambda p: (not p.behind, p.officer.display_name),
    )


def coverage(user: User, day: dt.date) -> dict[str, object]:
    _, _, start, end = quarter_of(day)
    unassigned = enterprises_for(user).filter(liaison__isnull=True).select_related("district")
    idle = [p.officer for p in visit_progress(user, day) if p.done == 0]
    return {"unassigned": unassigned, "idle": idle, "quarter_start": start, "quarter_end": end}


def visits_list(user: User) -> QuerySet[Visit]:
    return visible_to(Visit.objects.all(), user).select_related("enterprise", "created_by")


@dataclass(frozen=True)
class MyEnterprise:
    enterprise: Enterprise
    last_visit: dt.date | None
    visited_this_quarter: bool


def my_enterprises(user: User, day: dt.date) -> list[MyEnterprise]:
    """The enterprises the user is the liaison officer of (within what the user may see):
    those not yet visited this quarter first, longest unvisited first, then the rest."""
    _, _, start, _ = quarter_of(day)
    rows = (
        enterprises_for(user)
        .filter(liaison=user)
        .select_related("district")
        .annotate(last_visit=Max("visits__visited_on"))
    )
    found = [
        MyEnterprise(e, e.last_visit, bool(e.last_visit and e.last_visit >= start)) for e in rows
    ]
    return sorted(
        found,
        key=lambda m: (
            m.visited_this_quarter,
            m.last_visit or dt.date.min,
            m.enterprise.name,
        ),
    )
