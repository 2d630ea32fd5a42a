"""Zones' part of the header search: platforms, parks and projects by name, in scope."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from kaifang.core import search
from kaifang.zones.selectors import (
    PlatformFilter,
    ProjectFilter,
    parks_visible,
    platform_list,
    project_list,
)


def _found(
    label: str, rows: QuerySet[Any], detail: str, listing: str, q: str, limit: int
) -> search.Found:
    hits = [search.Hit(str(r.name), reverse(detail, args=[r.pk])) for r in rows[:limit]]
    total = rows.count() if len(hits) == limit else len(hits)
    return search.Found(label, hits, total, reverse(listing) + "?" + urlencode({"q": q}))


def find_platforms(user: search.AnyUser, q: str, limit: int) -> search.Found:
    rows = platform_list(user=user, filters=PlatformFilter(q=q))
    return _found("开放平台", rows, "zones:platform_detail", "zones:platform_list", q, limit)


def find_parks(user: search.AnyUser, q: str, limit: int) -> search.Found:
    rows = parks_visible(user=user).filter(name__icontains=q).order_by("name")
    return _found("园区", rows, "zones:park_detail", "zones:park_list", q, limit)


def find_projects(user: search.AnyUser, q: str, limit: int) -> search.Found:
    rows = project_list(user=user, filters=ProjectFilter(q=q))
    return _found("招商项目", rows, "zones:project_detail", "zones:project_list", q, limit)


def register() -> None:
    search.register("platforms", 40, find_platforms)
    search.register("parks", 41, find_parks)
    search.register("projects", 42, find_projects)
