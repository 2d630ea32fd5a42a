"""Extension points for the page shell: calendar warnings, notification counts and the like
register a function that returns extra context for every authenticated page."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

ShellHook = Callable[[HttpRequest], dict[str, object]]
_HOOKS: list[ShellHook] = []


def register(hook: ShellHook) -> ShellHook:
    if hook not in _HOOKS:
        _HOOKS.append(hook)
    return hook


def hooks() -> list[ShellHook]:
    return list(_HOOKS)
