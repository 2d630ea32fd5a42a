"""The leaders' dashboard tile of the service desk: this year's appeals, on-time rate and
satisfaction, within the user's scope (registered with core.tiles; the dashboard does not
import this app)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from kaifang.core import tiles
from kaifang.core.models import User
from kaifang.servicedesk import stats


def tile(request: HttpRequest) -> tiles.Tile | None:
    user = request.user
    if not isinstance(user, User):
        return None
    today = timezone.localdate()
    report = stats.build(user=user, start=dt.date(today.year, 1, 1), end=today)
    total = report.total
    if not total.volume:
        return None
    rate = total.on_time_rate
    return tiles.Tile(
        title="企业诉求",
        url=reverse("servicedesk:stats"),
        figures=[
            tiles.TileFigure("本年受理", f"{total.volume} 件"),
            tiles.TileFigure(
                "按期办结率",
                "—" if rate is None else f"{rate:.1f}%",
                "" if rate is None else ("good" if rate >= 90 else "warn" if rate >= 75 else "bad"),
            ),
            tiles.TileFigure(
                "满意度", "—" if total.satisfaction is None else f"{total.satisfaction:.2f} 分"
            ),
            tiles.TileFigure("在办", f"{total.open} 件"),
        ],
    )


def register() -> None:
    tiles.register("servicedesk", 50, tile)
