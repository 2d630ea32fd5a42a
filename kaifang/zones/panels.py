"""Zones' contributions to other pages: the enterprise profile panel (its platforms, park and
projects) and the workbench panel (my stuck projects, next milestones)."""

from __future__ import annotations

from django.http import HttpRequest

from kaifang.core import workbench
from kaifang.core.models import User
from kaifang.enterprises import panels
from kaifang.enterprises.models import Enterprise
from kaifang.zones.selectors import enterprise_zone_context, workbench_lists


def enterprise_panel(request: HttpRequest, enterprise: Enterprise) -> dict[str, object]:
    return enterprise_zone_context(user=request.user, enterprise=enterprise)


def workbench_panel(request: HttpRequest) -> dict[str, object] | None:
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    lists = workbench_lists(user=user)
    if not lists["stuck"] and not lists["milestones"]:
        return None
    return lists


def register_all() -> None:
    panels.register(
        panels.ProfilePanel(
            key="zones",
            title="平台、园区与招商项目",
            order=50,
            template="zones/partials/enterprise_panel.html",
            context=enterprise_panel,
        )
    )
    workbench.register("zones", 40, "zones/partials/workbench.html", workbench_panel)
