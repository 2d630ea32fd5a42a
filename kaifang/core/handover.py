"""Handing work over to supervision (督办) without importing it.

Peers on one tier do not import each other: the service desk turns an overdue or leader-marked
appeal into a supervised task, but it must not import the supervision app. Supervision
registers its task opener here in its `AppConfig.ready()`; a caller asks `open_task(...)` and
gets the new task, or None when no opener is registered (supervision not installed)."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from django.db import models

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
