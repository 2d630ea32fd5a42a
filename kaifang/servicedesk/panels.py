"""Profile panels on the enterprise page (liaison, visits, appeals) and the workbench panel
(appeals waiting for my unit to accept, due soon, overdue)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from kaifang.core import workbench
from kaifang.core.models import User
from kaifang.enterprises import panels
from kaifang.enterprises.models import Enterprise
from kaifang.servicedesk import selectors
from kaifang.servicedesk.models import LiaisonLeader


def _user(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def liaison_context(request: HttpRequest, enterprise: Enterprise) -> dict[str, object]:
    leader = LiaisonLeader.objects.filter(enterprise=enterprise).select_related("leader").first()
    return {"officer": enterprise.liaison, "leader": leader.leader if leader else None}


def visits_context(request: HttpRequest, enterprise: Enterprise) -> dict[str, object]:
    user = _user(request)
    visits = selectors.visits_for(user).filter(enterprise=enterprise) if user else None
    return {"visits": list(visits.prefetch_related("officers")[:10]) if visits is not None else []}


def appeals_context(request: HttpRequest, enterprise: Enterprise) -> dict[str, object]:
    user = _user(request)
    if user is None:
        return {"appeals": []}
    rows = selectors.appeals_for(user).filter(enterprise=enterprise).select_related("unit")
    return {"appeals": list(rows[:20])}


def workbench_context(request: HttpRequest) -> dict[str, object] | None:
    user = _user(request)
    if user is None:
        return None
    data = selectors.workbench_counts(user)
    if not any(data.values()):
        return None
    return data


LIAISON_PANEL_ROWS = 12


def liaison_workbench_context(request: HttpRequest) -> dict[str, object] | None:
    """「我包联的企业」 for a liaison officer: not yet visited this quarter first, each with a
    one-tap 记录走访. Nothing for users who are nobody's liaison."""
    user = _user(request)
    if user is None:
        return None
    today = timezone.localdate()
    mine = selectors.my_enterprises(user, today)
    if not mine:
        return None
    _, quarter, _, _ = selectors.quarter_of(today)
    return {
        "rows": mine[:LIAISON_PANEL_ROWS],
        "total": len(mine),
        "pending": sum(1 for m in mine if not m.visited_this_quarter),
        "quarter": quarter,
        "officer": user,
    }


def visit_action_url(request: HttpRequest, enterprise: Enterprise) -> str | None:
    """记录走访 at the top of the enterprise page, for signed-in staff (the visit form checks
    the enterprise against the user's scope again)."""
    return reverse("servicedesk:visit_new", args=[enterprise.pk]) if _user(request) else None


def register_all() -> None:
    panels.register_action(panels.ProfileAction("visit", 10, "记录走访", visit_action_url))
    panels.register(
        panels.ProfilePanel(
            "liaison", "包联服务", 30, "servicedesk/partials/panel_liaison.html", liaison_context
        )
    )
    panels.register(
        panels.ProfilePanel(
            "visits", "走访记录", 31, "servicedesk/partials/panel_visits.html", visits_context
        )
    )
    panels.register(
        panels.ProfilePanel(
            "appeals", "企业诉求", 32, "servicedesk/partials/panel_appeals.html", appeals_context
        )
    )
    workbench.register("servicedesk", 5, "servicedesk/partials/workbench.html", workbench_context)
    workbench.register(
        "liaison", 1, "servicedesk/partials/workbench_liaison.html", liaison_workbench_context
    )
