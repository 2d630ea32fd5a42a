"""Liaison reads: rosters by officer and by unit, coverage, and quarterly visit progress,
all over the enterprises and visits the user may see."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, Q, QuerySet

from kaifang.core.models import RoleCode, User
from kaifang.core.scope import people_visible_to, visible_to
from kaifang.enterprises.models import Enterprise, EnterpriseStatus
from kaifang.servicedesk.models import Visit, VisitTarget


def quarter_of(day: dt.date) -> tuple[int, int, dt.date, dt.date]:
    q = (day.month - 1) // 3 + 1
    start = dt.date(day.year, 3 * q - 2, 1)
    end = dt.date(day.year + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)
    return day.year, q, start, end


def enterprises_for(user: User) -> QuerySet[Enterprise]:
    return visible_to(Enterprise.objects.exclude(status=EnterpriseStatus.CLOSED), user)


def firms_that_open(user: User, ids: Iterable[int]) -> set[int]:
    """Which of these firms' profiles the user may open: a visit he recorded stays his to read
    after its firm moved out of his scope, but a link to the firm would answer 404."""
    return set(
        visible_to(Enterprise.objects.filter(pk__in=set(ids)), user).values_list("pk", flat=True)
    )


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
    """Officers whose work the user may see and plan: people of the user's units (the scope
    gate for people) who are liaison officers of an enterprise or hold the liaison role. An
    officer of another unit who serves one of the user's enterprises is not theirs to plan."""
    people = people_visible_to(user)
    return (
        people.filter(Q(roles__code=RoleCode.LIAISON) | Q(liaison_enterprises__isnull=False))
        .distinct()
        .order_by("unit__order", "id")
    )


def assignable_people(user: User) -> QuerySet[User]:
    """Who the user may make a liaison officer or leader: the people of the user's units
    (liaison gives its holder the enterprise's records, so it cannot reach further)."""
    return people_visible_to(user).order_by("unit__order", "id")


def visit_progress(user: User, day: dt.date) -> list[Progress]:
    """Visits this quarter per officer, counting only the visits the user may see."""
    year, quarter, start, end = quarter_of(day)
    officers = list(officers_for(user).select_related("unit"))
    targets = {
        t.officer_id: t.target
        for t in VisitTarget.objects.filter(year=year, quarter=quarter, officer__in=officers)
    }
    done = dict(
        visible_to(Visit.objects.all(), user)
        .filter(visited_on__range=(start, end), officers__in=officers)
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


def _visit_words(q: str) -> Q:
    """The visit list's keyword: the firm's name, what it said, the problems found."""
    return (
        Q(enterprise__name__icontains=q)
        | Q(enterprise_said__icontains=q)
        | Q(problems__icontains=q)
    )


def visits_found(user: User | AnonymousUser, *, q: str) -> QuerySet[Visit]:
    """The header search's visits: through the scope gate on the visit *and on its firm*, so a
    visit of a firm outside the user's scope never appears (the visit list's exception for a
    visit's author, who reads it after its firm left his scope, does not reach the search)."""
    firms = visible_to(Enterprise.objects.all(), user)
    return (
        visible_to(Visit.objects.filter(_visit_words(q)), user)
        .filter(enterprise__in=firms)
        .select_related("enterprise")
    )


def visits_list(user: User) -> QuerySet[Visit]:
    return visible_to(Visit.objects.all(), user).select_related("enterprise", "created_by")


def visits_filtered(
    user: User,
    *,
    q: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Visit]:
    """The visit list's and its export's rows: what the user may see (visits_list), narrowed
    by a keyword (enterprise name, what it said, problems found) and the visit dates."""
    rows = visits_list(user)
    if q:
        rows = rows.filter(_visit_words(q))
    if date_from:
        rows = rows.filter(visited_on__gte=date_from)
    if date_to:
        rows = rows.filter(visited_on__lte=date_to)
    return rows


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
        .only("id", "name")  # what the panel shows; GROUP BY every column cost more
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
