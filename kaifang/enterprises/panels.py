"""Profile panels (一企一档). Higher apps (trade, servicedesk, supervision, zones) register a
panel here, the way apps register with Django's admin, so the register knows nothing of
who serves it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string

from kaifang.enterprises.models import Enterprise


@dataclass(frozen=True)
class ProfilePanel:
    key: str
    title: str
    order: int
    template: str
    context: Callable[[HttpRequest, Enterprise], dict[str, object]]


_PANELS: dict[str, ProfilePanel] = {}


def register(panel: ProfilePanel) -> None:
    _PANELS[panel.key] = panel


def render_panels(request: HttpRequest, enterprise: Enterprise) -> list[dict[str, str]]:
    rendered = []
    for panel in sorted(_PANELS.values(), key=lambda p: p.order):
        context = {"enterprise": enterprise, "panel_title": panel.title}
        context.update(panel.context(request, enterprise))
        rendered.append(
            {
                "key": panel.key,
                "title": panel.title,
                "html": render_to_string(panel.template, context, request=request),
            }
        )
    return rendered


@dataclass(frozen=True)
class ProfileAction:
    """A button at the top of the enterprise page (before the panels, so a phone shows it
    first), contributed by a higher app: 记录走访 from servicedesk. `url` returns None to hide
    the button from a user."""

    key: str
    order: int
    label: str
    url: Callable[[HttpRequest, Enterprise], str | None]


_ACTIONS: dict[str, ProfileAction] = {}


def register_action(action: ProfileAction) -> None:
    _ACTIONS[action.key] = action


def actions_for(request: HttpRequest, enterprise: Enterprise) -> list[dict[str, str]]:
    shown = []
    for action in sorted(_ACTIONS.values(), key=lambda a: a.order):
        url = action.url(request, enterprise)
        if url:
            shown.append({"key": action.key, "label": action.label, "url": url})
    return shown
