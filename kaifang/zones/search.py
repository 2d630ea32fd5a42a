"""Zones' part of the header search: platforms, parks and projects by name, in scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from kaifang.core import search
from kaifang.zones.selectors import (
    PlatformFilter,
    ProjectFilter,
    parks_visible,
    platform_list,
    project_list,
)


def _by_name(detail: str) -> Callable[[Any], search.Hit]:
    return lambda row: search.Hit(str(row.name), reverse(detail, args=[row.pk]))


def find_platforms(user: search.AnyUser, q: str, limit: int) -> search.Found:
    rows = platform_list(user=user, filters=PlatformFilter(q=q))
    hit = _by_name("zones:platform_detail")
    return search.found("开放平台", rows, hit, listing="zones:platform_list", q=q, limit=limit)


def find_parks(user: search.AnyUser, q: str, limit: int) -> search.Found:
    rows = parks_visible(user=user).filter(name__icontains=q).order_by("name")
    hit = _by_name("zones:park_detail")
    return search.found("园区", rows, hit, listing="zones:park_list", q=q, limit=limit)


def find_projects(user: search.AnyUser, q: str, limit: int) -> search.Found:
    rows = project_list(user=user, filters=ProjectFilter(q=q))
    hit = _by_name("zones:project_detail")
    return search.found("招商项目", rows, hit, listing="zones:project_list", q=q, limit=limit)


def register() -> None:
    search.register("platforms", 40, find_platforms)
    search.register("parks", 41, find_parks)
    search.register("projects", 42, find_projects)
