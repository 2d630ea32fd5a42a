"""Handing work over between peer modules (supervision, servicedesk, zones …) without
importing each other.

Peers on one tier do not import each other. The service desk turns an overdue or leader-marked
appeal into a supervised task, and zones turns a platform milestone or a project into one:
supervision registers its task opener here in its `AppConfig.ready()`; a caller asks
`open_task(...)` and gets the new task, or None when no opener is registered (supervision not
installed).

Other offers go by name: the module that offers something `provide()`s a function in its
ready(); a caller uses `call(name, ...)` and gets None when no installed module provides it.
Names in use:
  "supervision.task_summaries" (user, ids) → [{id, title, status, done, deadline, url}] in scope
  "servicedesk.appeal_create"  (actor, enterprise_name, uscc, category, description, source,
                                title) → appeal
  "servicedesk.public_appeal"  (code) → the appeal a public tracking code opens, or None
  "servicedesk.categories"     () → [(value, label)] of the appeal categories
  "servicedesk.appeal_summaries" (user, ids) → [{id, code, title, category, status,
                                status_colour, open, enterprise, registered_at, url}] in scope
  "servicedesk.appeal_by_code" (user, code) → one such summary in scope, or None
Events go the other way as signals: `task_done` (task_id, actor) is sent by supervision after a
task is accepted as done (办结销号), on commit; zones completes the milestones linked to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Protocol

from django.db import models
from django.dispatch import Signal

from kaifang.core.models import Unit, User


class TaskOpener(Protocol):
    def __call__(
        self,
        *,
        actor: User | None,
        title: str,
        lead_unit: Unit,
        deadline: dt.date,
        source_sentence: str,
        tags: str = "",
    ) -> models.Model: ...


_OPENERS: list[TaskOpener] = []


def register_task_opener(opener: TaskOpener) -> None:
    """Supervision's ready() calls this once; the latest registration wins."""
    _OPENERS[:] = [opener]


def can_open_task() -> bool:
    return bool(_OPENERS)


def open_task(
    *,
    actor: User | None,
    title: str,
    lead_unit: Unit,
    deadline: dt.date,
    source_sentence: str,
    tags: str = "",
) -> models.Model | None:
    """Open a supervised task through the registered opener; None when there is none."""
    if not _OPENERS:
        return None
    return _OPENERS[0](
        actor=actor,
        title=title,
        lead_unit=lead_unit,
        deadline=deadline,
        source_sentence=source_sentence,
        tags=tags,
    )


_PROVIDERS: dict[str, Callable[..., Any]] = {}

task_done = Signal()


def provide(name: str, func: Callable[..., Any]) -> None:
    _PROVIDERS[name] = func


def available(name: str) -> bool:
    return name in _PROVIDERS


def call(name: str, **kwargs: Any) -> Any:
    """The provider's answer, or None when no installed module provides `name`."""
    func = _PROVIDERS.get(name)
    return None if func is None else func(**kwargs)
