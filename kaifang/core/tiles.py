"""Dashboard tiles offered by modules the dashboard may not import (servicedesk, supervision,
zones …): each registers a function that returns a small tile for a user, or None when it has
nothing to show. The leaders' dashboard (kaifang.indicators) renders what is registered; a
module that is not installed is simply absent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest


@dataclass(frozen=True)
class TileFigure:
    label: str
    value: str
    tone: str = ""  # "", "good", "warn", "bad": a coloured figure


@dataclass(frozen=True)
class Tile:
    title: str
    url: str  # the page behind the tile
    figures: list[TileFigure] = field(default_factory=list)
    note: str = ""


Provider = Callable[[HttpRequest], Tile | None]


@dataclass(frozen=True)
class _Entry:
    key: str
    order: int
    provider: Provider


_PROVIDERS: dict[str, _Entry] = {}


def register(key: str, order: int, provider: Provider) -> None:
    _PROVIDERS[key] = _Entry(key=key, order=order, provider=provider)


def tiles_for(request: HttpRequest) -> list[Tile]:
    out = []
    for entry in sorted(_PROVIDERS.values(), key=lambda e: e.order):
        tile = entry.provider(request)
        if tile is not None:
            out.append(tile)
    return out


def registered() -> list[str]:
    return sorted(_PROVIDERS)
