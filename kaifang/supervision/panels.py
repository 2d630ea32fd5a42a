"""The 督办事项 panel on the enterprise profile (一企一档): the tasks that concern the
enterprise, as far as the viewer's scope reaches, each with its light."""

from __future__ import annotations

from django.http import HttpRequest

from kaifang.enterprises import panels
from kaifang.enterprises.models import Enterprise
from kaifang.supervision.selectors import enterprise_tasks


def panel_context(request: HttpRequest, enterprise: Enterprise) -> dict[str, object]:
    return {"tasks": enterprise_tasks(user=request.user, enterprise=enterprise)}


def register() -> None:
    panels.register(
        panels.ProfilePanel(
            key="supervision",
            title="督办事项",
            order=40,
            template="supervision/partials/enterprise_panel.html",
            context=panel_context,
        )
    )
