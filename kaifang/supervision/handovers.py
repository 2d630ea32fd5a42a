"""What supervision offers its peers through kaifang.core.handover (they never import it)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from kaifang.core import handover
from kaifang.core.models import User
from kaifang.supervision.models import TaskStatus
from kaifang.supervision.selectors import tasks_visible


def task_summaries(*, user: User | AnonymousUser, ids: Iterable[int]) -> list[dict[str, Any]]:
    wanted = [int(i) for i in ids]
    rows = tasks_visible(user=user).filter(pk__in=wanted).order_by("deadline", "id")
    return [
        {
            "id": task.pk,
            "title": task.title,
            "status": TaskStatus(task.status).label,
            "done": task.status == TaskStatus.DONE,
            "deadline": task.deadline,
            "light": getattr(task, "light", ""),
            "url": reverse("supervision:task_detail", args=[task.pk]),
        }
        for task in rows
    ]


def register() -> None:
    handover.provide("supervision.task_summaries", task_summaries)
