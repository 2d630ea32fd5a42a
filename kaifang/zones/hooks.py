"""Zones listens to its peers through kaifang.core.handover (never importing them): when
supervision accepts a task as done, the platform milestones linked to it are completed."""

from __future__ import annotations

from typing import Any

from kaifang.core import handover


def _task_done(sender: Any, task_id: int, actor: Any = None, **kwargs: Any) -> None:
    from kaifang.zones.actions import on_task_done

    on_task_done(task_id=task_id, actor=actor)


def connect() -> None:
    handover.task_done.connect(_task_done, dispatch_uid="zones.task_done")
