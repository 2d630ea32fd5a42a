"""The workbench panel: the headline figures (进出口 and its 同比, target progress, the
official figure) at the top of a leader's or bureau user's workbench, a district user's own."""

from __future__ import annotations

from django.http import HttpRequest

from kaifang.core import workbench
from kaifang.core.models import User
from kaifang.indicators import dashboard


def panel_context(request: HttpRequest) -> dict[str, object] | None:
    user = request.user
    if not isinstance(user, User):
        return None
    year, month = dashboard.default_period(user)
    data = dashboard.build(user, year, month)
    if not data.cards or not data.cards[0].ytd:
        return None
    return {"d": data}


def register() -> None:
    workbench.register("indicators", 1, "indicators/partials/workbench.html", panel_context)
