"""Sections of the profile page (个人中心) that other apps contribute, the way workbench
panels work: an app registers a template and a context function in its `ready()`; a function
that returns None leaves its section out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string

Context = Callable[[HttpRequest], dict[str, object] | None]


@dataclass(frozen=True)
class Section:
    key: str
    order: int
    template: str
    context: Context


_SECTIONS: dict[str, Section] = {}


def register(key: str, order: int, template: str, context: Context) -> None:
    _SECTIONS[key] = Section(key=key, order=order, template=template, context=context)


def sections_for(request: HttpRequest) -> list[str]:
    html: list[str] = []
    for section in sorted(_SECTIONS.values(), key=lambda s: s.order):
        data = section.context(request)
        if data is not None:
            html.append(render_to_string(section.template, data, request=request))
    return html
