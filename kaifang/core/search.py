"""Search from the page header (全局搜索): each module registers a finder that looks through its
own records *as the user may see them* (each finder goes through its app's scope-filtered
selectors), and the results page lists what each found. Core knows no module's models."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.urls import reverse

from kaifang.core.models import User

AnyUser = User | AnonymousUser

# A query shorter than this finds too much to be useful, and costs a scan of every table.
MIN_LENGTH = 2
PER_SOURCE = 8


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class Found:
    """What one module found: the first hits, how many in all, where to see them all."""

    label: str
    hits: list[Hit]
    total: int
    more_url: str = ""


Finder = Callable[[AnyUser, str, int], Found]

_FINDERS: dict[str, tuple[int, Finder]] = {}


def register(key: str, order: int, finder: Finder) -> None:
    """`finder(user, q, limit)` returns the module's hits for `q` within the user's scope."""
    _FINDERS[key] = (order, finder)


def search(user: AnyUser, q: str, *, limit: int = PER_SOURCE) -> list[Found]:
    q = q.strip()
    if len(q) < MIN_LENGTH:
        return []
    found = []
    for _order, finder in sorted(_FINDERS.values(), key=lambda item: item[0]):
        result = finder(user, q, limit)
        if result.total:
            found.append(result)
    return found


def found(
    label: str,
    rows: QuerySet[Any],
    hit: Callable[[Any], Hit],
    *,
    listing: str,
    q: str,
    limit: int,
) -> Found:
    """A finder's answer from its scoped rows: the first `limit` as hits (counted only when
    they fill the section), and the module's list (`listing`, a URL name) filtered by `q`."""
    hits = [hit(row) for row in rows[:limit]]
    total = rows.count() if len(hits) == limit else len(hits)
    return Found(label, hits, total, listing_url(listing, q))


def listing_url(listing: str, q: str) -> str:
    """The module's list (a URL name) filtered by `q`: the section's 查看全部. For a finder
    whose module searches otherwise than by a queryset (the library's full-text index)."""
    return reverse(listing) + "?" + urlencode({"q": q})
