"""The form renderer (settings.FORM_RENDERER): Django's, with the two widgets every filter bar
is made of, <select> and <input>, written out in Python instead of through the widget
templates.

Django renders a <select> as one template that includes an option template per choice, which
includes an attributes template: a filter bar of four selects is about a hundred template
includes, a sixth of a list page's CPU (bench/bench_cpu.py). The functions below produce the
same characters as Django's templates (select.html, select_option.html, input.html and the
input types that only include input.html; `core/tests/test_form_renderer.py` compares them
on the filter forms of the load mix's pages and on edge cases). Every other widget, and any
widget with its own template or option template, goes through the templates as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]

_WIDGETS = "django/forms/widgets/"
_OPTION = _WIDGETS + "select_option.html"
# Input types whose template is only `{% include "django/forms/widgets/input.html" %}`.
_INPUTS = {
    _WIDGETS + f"{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "color",
    )
}


def _value(value: object) -> str:
    """`{{ value }}`: localised and escaped as a template variable is."""
    return str(conditional_escape(localize(template_localtime(value))))


def _formatted(value: object) -> str:
    """`{{ value|stringformat:'s' }}` (a safe-marked value stays unescaped: is_safe filter)."""
    text = str(value)  # what "%s" does
    return text if isinstance(value, SafeData) else str(conditional_escape(text))


def _attrs(attrs: Mapping[str, object]) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(
            f" {_value(name)}" if value is True else f' {_value(name)}="{_formatted(value)}"'
        )
    return "".join(parts)


def _input(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value is not None else ""
    return (
        f'<input type="{_value(widget["type"])}" name="{_value(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>"
    )


def _select(widget: Mapping[str, Any]) -> str | None:
    parts = [f'<select name="{_value(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_value(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION:
                return None  # a custom option template: let the templates render it all
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_value(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


_RENDERERS: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    _WIDGETS + "select.html": _select,
    **dict.fromkeys(_INPUTS, _input),
}


class FormRenderer(DjangoTemplates):
    """Django's default renderer, with <select> and <input> rendered in Python."""

    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> SafeString | str:
        fast = _RENDERERS.get(template_name)
        widget = context.get("widget")
        if fast is not None and isinstance(widget, Mapping):
            html = fast(widget)
            if html is not None:
                return mark_safe(html)  # noqa: S308 (every value above is escaped)
        return super().render(template_name, context, request=request)
