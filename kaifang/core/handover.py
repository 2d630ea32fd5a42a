"""Hand-overs between peer modules (supervision, servicedesk, zones …), which must not import
each other. The module that offers something provides a named function in its
AppConfig.ready(); another calls it by name and gets None back when the provider is not
installed. Events go the other way through the signals below.

Names in use:
  "supervision.task_open"      (actor, title, lead_unit, deadline, source_sentence, tags) → task
  "supervision.task_summaries" (user, ids) → [{id, title, status, done, url}] within scope
  "servicedesk.appeal_create"  (actor, enterprise_name, uscc, category, description, source,
                                title) → appeal
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.dispatch import Signal

_PROVIDERS: dict[str, Callable[..., Any]] = {}

# Sent by supervision after a task is accepted as done (办结销号), on commit: task_id, actor.
task_done = Signal()


def provide(name: str, func: Callable[..., Any]) -> None:
    _PROVIDERS[name] = func


def available(name: str) -> bool:
    return name in _PROVIDERS


def call(name: str, **kwargs: Any) -> Any:
    """The provider's answer, or None when no installed module provides `name`."""
    func = _PROVIDERS.get(name)
    return None if func is None else func(**kwargs)
