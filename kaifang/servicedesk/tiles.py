"""The leaders' dashboard tile of the service desk: this year's appeals, on-time rate and
satisfaction, within the user's scope (registered with core.tiles; the dashboard does not
import this app)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from kaifang.core import tiles
from kaifang.core.models import User
from kaifang.servicedesk import stats
from kaifang.servicedesk.models import OPEN_STATUSES


def tile(request: HttpRequest) -> tiles.Tile | None:
    """The same definitions as the statistics page (stats.py): appeals registered this year,
    merged ones left out; 按期办结率 = on time ÷ resolved; 满意度 = the mean rating."""
    user = request.user
    if not isinstance(user, User):
        return None
    today = timezone.localdate()
    appeals = stats.period_appeals(user, dt.date(today.year, 1, 1), today)
    sums = appeals.aggregate(
        volume=Count("id"),
        resolved=Count("id", filter=Q(resolved_at__isnull=False)),
        on_time=Count("id", filter=Q(resolved_at__isnull=False, resolved_on_time=True)),
        rating=Avg("rating"),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
    )
    if not sums["volume"]:
        return None
    rate = 100 * sums["on_time"] / sums["resolved"] if sums["resolved"] else None
    return tiles.Tile(
        title="企业诉求",
        url=reverse("servicedesk:stats"),
        figures=[
            tiles.TileFigure("本年受理", f"{sums['volume']} 件"),
            tiles.TileFigure(
                "按期办结率",
                "—" if rate is None else f"{rate:.1f}%",
                "" if rate is None else ("good" if rate >= 90 else "warn" if rate >= 75 else "bad"),
            ),
            tiles.TileFigure(
                "满意度", "—" if sums["rating"] is None else f"{sums['rating']:.2f} 分"
            ),
            tiles.TileFigure("在办", f"{sums['open']} 件"),
        ],
    )


def register() -> None:
    tiles.register("servicedesk", 50, tile)
