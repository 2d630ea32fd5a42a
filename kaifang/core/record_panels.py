"""Panels on one record's page offered by apps that may not import the record's app (peers on
one tier). The page's app names a kind ("servicedesk.appeal") and renders whatever is
registered for it; the offering app registers a panel in its AppConfig.ready(). A panel whose
context function returns None is left out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string


@dataclass(frozen=True)
class RecordPanel:
    key: str
    title: str
    order: int
    template: str
    context: Callable[[HttpRequest, Any], dict[str, object] | None]


_PANELS: dict[str, dict[str, RecordPanel]] = defaultdict(dict)


def register(kind: str, panel: RecordPanel) -> None:
    _PANELS[kind][panel.key] = panel


def render(kind: str, request: HttpRequest, obj: Any) -> list[dict[str, str]]:
    rendered = []
    for panel in sorted(_PANELS.get(kind, {}).values(), key=lambda p: p.order):
        extra = panel.context(request, obj)
        if extra is None:
            continue
        context = {"object": obj, "panel_title": panel.title, **extra}
        rendered.append(
            {
                "key": panel.key,
                "title": panel.title,
                "html": render_to_string(panel.template, context, request=request),
            }
        )
    return rendered
