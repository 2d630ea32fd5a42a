"""Supervision's part of the header search: tasks by their wording, in the user's scope."""

from __future__ import annotations

from django.urls import reverse

from kaifang.core import search
from kaifang.supervision.models import Task
from kaifang.supervision.selectors import TaskFilter, task_list


def _hit(t: Task) -> search.Hit:
    due = f"{t.deadline:%Y-%m-%d}" if t.deadline else ""
    detail = " · ".join(x for x in (str(t.lead_unit or ""), due, t.get_status_display()) if x)
    return search.Hit(t.title, reverse("supervision:task_detail", args=[t.pk]), detail)


def find(user: search.AnyUser, q: str, limit: int) -> search.Found:
    tasks = task_list(user=user, filters=TaskFilter(q=q))
    return search.found("督办事项", tasks, _hit, listing="supervision:task_list", q=q, limit=limit)


def register() -> None:
    search.register("tasks", 30, find)
