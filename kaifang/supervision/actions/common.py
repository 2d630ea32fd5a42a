"""Writes of 督查督办: the helpers every action shares. Each action validates, saves in one
transaction under row locks, writes the task's timeline event and an audit record, and
notifies after commit.

Lock order: document, then candidates by id, then task, then its extension requests.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from kaifang.core import audit
from kaifang.core.models import Unit, User
from kaifang.supervision import tasks as wiring
from kaifang.supervision.decompose import UnitRef
from kaifang.supervision.models import (
    Task,
    TaskEvent,
    TaskStatus,
)
from kaifang.supervision.permissions import is_lead_member, is_supervisor

# --- helpers -----------------------------------------------------------------------------


def task_event(
    *, task: Task, kind: str, actor: User | None, message: str = "", **data: Any
) -> TaskEvent:
    """One line on the task's timeline."""
    return TaskEvent.objects.create(
        task=task, kind=kind, actor=actor, message=message, data=audit._plain(data)
    )


def _require_supervisor(actor: User) -> None:
    if not is_supervisor(actor):
        raise PermissionDenied("只有督查部门（办公室）可以进行此操作。")


def _require_lead(actor: User, task: Task) -> None:
    if not is_lead_member(actor, task):
        raise PermissionDenied("只有牵头单位的工作人员可以进行此操作。")


def _require_status(task: Task, allowed: Sequence[str], verb: str) -> None:
    if task.status not in allowed:
        current = TaskStatus(task.status).label
        raise ValidationError(f"当前状态为“{current}”，不能{verb}。")


def _lock(task: Task) -> Task:
    return Task.objects.select_for_update().get(pk=task.pk)


def _task_url(task: Task) -> str:
    return reverse("supervision:task_detail", args=[task.pk])


def _unit_users(unit_id: int) -> list[User]:
    return list(User.objects.filter(unit_id=unit_id, is_active=True))


def _notify_later(
    *, recipients: Sequence[User | None], title: str, body: str, task: Task, level: str = "info"
) -> None:
    people = [user for user in recipients if user is not None]
    url = _task_url(task)
    transaction.on_commit(
        lambda: wiring.notify_users(
            recipients=people, title=title, body=body, url=url, level=level, about=task
        )
    )


def unit_directory() -> list[UnitRef]:
    """The unit tree as the decomposer's directory: name, short name and aliases."""
    refs = []
    for unit in Unit.objects.filter(is_active=True):
        aliases = tuple(a for a in [unit.short_name, *unit.alias_list()] if a and a != unit.name)
        refs.append(UnitRef(unit.name, aliases))
    return refs


def _units_by_name(names: Sequence[str]) -> tuple[list[Unit], list[str]]:
    """Units found by exact name, and the names that matched none."""
    found = {u.name: u for u in Unit.objects.filter(name__in=names)}
    return [found[n] for n in names if n in found], [n for n in names if n not in found]
