"""The workbench panel (my open risk visits) and the enterprise profile panel (the scenarios
that sent a visit to this enterprise, and whether it happened)."""

from __future__ import annotations

from django.http import HttpRequest

from kaifang.core import workbench
from kaifang.core.models import User
from kaifang.core.scope import visible_to
from kaifang.enterprises import panels
from kaifang.enterprises.models import Enterprise
from kaifang.risk.models import FollowUp, FollowUpStatus


def _user(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def workbench_context(request: HttpRequest) -> dict[str, object] | None:
    user = _user(request)
    if user is None:
        return None
    rows = list(
        visible_to(
            FollowUp.objects.filter(enterprise__liaison=user, status=FollowUpStatus.OPEN), user
        )
        .select_related("enterprise", "scenario")
        .only("id", "enterprise", "enterprise__name", "scenario", "scenario__name")
        .order_by("-created_at")[:8]
    )
    return {"follow_ups": rows} if rows else None


def profile_context(request: HttpRequest, enterprise: Enterprise) -> dict[str, object]:
    user = _user(request)
    if user is None:
        return {"follow_ups": []}
    rows = visible_to(FollowUp.objects.filter(enterprise=enterprise), user)
    return {"follow_ups": list(rows.select_related("scenario", "liaison")[:10])}


def register_all() -> None:
    workbench.register("risk", 8, "risk/partials/workbench.html", workbench_context)
    panels.register(
        panels.ProfilePanel(
            "risk", "风险预警", 36, "risk/partials/profile_panel.html", profile_context
        )
    )
