"""The leaders' dashboard tile of supervision: tasks by light within the user's scope
(registered with core.tiles; the dashboard does not import this app)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from kaifang.core import tiles
from kaifang.core.models import User
from kaifang.supervision.models import Light
from kaifang.supervision.selectors import tasks_visible

TONES = {Light.RED: "bad", Light.YELLOW: "warn", Light.GREEN: "good", Light.BLUE: ""}


def tile(request: HttpRequest) -> tiles.Tile | None:
    user = request.user
    if not isinstance(user, User):
        return None
    counts: dict[str, int] = {}
    for task in tasks_visible(user=user):
        light = str(getattr(task, "light", ""))
        counts[light] = counts.get(light, 0) + 1
    if not counts:
        return None
    return tiles.Tile(
        title="督查督办",
        url=reverse("supervision:boards"),
        figures=[
            tiles.TileFigure(str(label), f"{counts.get(value, 0)} 项", TONES[Light(value)])
            for value, label in Light.choices
        ],
    )


def register() -> None:
    tiles.register("supervision", 60, tile)
