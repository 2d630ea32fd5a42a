"""Workbench panels: modules register a function that renders their to-dos for a user."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    render: Callable[[HttpRequest], str | None]


_PANELS: dict[str, Panel] = {}


def register(
    key: str, order: int, template: str, context: Callable[[HttpRequest], dict[str, object] | None]
) -> None:
    def _render(request: HttpRequest) -> str | None:
        data = context(request)
        if data is None:
            return None
        return render_to_string(template, data, request=request)

    _PANELS[key] = Panel(key=key, order=order, render=_render)


def panels_for(request: HttpRequest) -> list[str]:
    html = []
    for panel in sorted(_PANELS.values(), key=lambda p: p.order):
        rendered = panel.render(request)
        if rendered:
            html.append(rendered)
    return html
