"""Dashboard tiles offered by modules the dashboard may not import (servicedesk, supervision,
zones …): each registers a function that returns a small tile for a user, or None when it has
nothing to show. The leaders' dashboard (kaifang.indicators) renders what is registered; a
module that is not installed is simply absent.

The dashboard's own figures are cached per scope and data version; the tiles, whose modules
the dashboard cannot see change, are cached per user, provider and asked year for
TILE_SECONDS (a minute): a leader's glance may lag a resolved appeal by that much, and a warm
dashboard does not run five providers' queries on every request (docs/performance.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.http import HttpRequest

TILE_SECONDS = 60


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


def _key(entry: _Entry, request: HttpRequest) -> str:
    user = getattr(request.user, "pk", None)
    year = request.GET.get("year", "")[:4]
    return f"tiles:{entry.key}:{user}:{year}"


def tiles_for(request: HttpRequest) -> list[Tile]:
    entries = sorted(_PROVIDERS.values(), key=lambda e: e.order)
    keys = {entry.key: _key(entry, request) for entry in entries}
    cached = cache.get_many(list(keys.values()))
    fresh: dict[str, tuple[Tile | None]] = {}
    out = []
    for entry in entries:
        found = cached.get(keys[entry.key])
        if isinstance(found, tuple):  # (tile,) or (None,): a cached "nothing to show" too
            tile = found[0]
        else:
            tile = entry.provider(request)
            fresh[keys[entry.key]] = (tile,)
        if tile is not None:
            out.append(tile)
    if fresh:
        cache.set_many(fresh, TILE_SECONDS)
    return out


def registered() -> list[str]:
    return sorted(_PROVIDERS)
