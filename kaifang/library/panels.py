"""The 可享政策 panel on the enterprise profile (一企一档): the support items the enterprise
meets, nearly meets or may meet, with the reasons, as far as the viewer's scope reaches (the
profile itself is already behind the scope gate)."""

from __future__ import annotations

from django.http import HttpRequest

from kaifang.enterprises import panels
from kaifang.enterprises.models import Enterprise
from kaifang.library.selectors import matches_for_enterprise


def panel_context(request: HttpRequest, enterprise: Enterprise) -> dict[str, object]:
    return {"matches": list(matches_for_enterprise(user=request.user, enterprise=enterprise)[:20])}


def register() -> None:
    panels.register(
        panels.ProfilePanel(
            key="library",
            title="可享政策",
            order=45,
            template="library/partials/enterprise_panel.html",
            context=panel_context,
        )
    )
