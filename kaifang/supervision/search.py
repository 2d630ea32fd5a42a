"""Supervision's part of the header search: tasks by their wording, in the user's scope."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from kaifang.core import search
from kaifang.supervision.selectors import TaskFilter, task_list


def find(user: search.AnyUser, q: str, limit: int) -> search.Found:
    tasks = task_list(user=user, filters=TaskFilter(q=q))
    hits = [
        search.Hit(
            t.title,
            reverse("supervision:task_detail", args=[t.pk]),
            " · ".join(
                x
                for x in (
                    str(t.lead_unit or ""),
                    f"{t.deadline:%Y-%m-%d}" if t.deadline else "",
                    t.get_status_display(),
                )
                if x
            ),
        )
        for t in tasks[:limit]
    ]
    more = reverse("supervision:task_list") + "?" + urlencode({"q": q})
    return search.Found("督办事项", hits, tasks.count() if len(hits) == limit else len(hits), more)


def register() -> None:
    search.register("tasks", 30, find)
