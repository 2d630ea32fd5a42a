"""The workbench panel: my unsigned tasks, tasks due soon, red tasks."""

from __future__ import annotations

from django.http import HttpRequest

from kaifang.core import workbench
from kaifang.core.models import User
from kaifang.supervision.selectors import workbench_tasks


def panel_context(request: HttpRequest) -> dict[str, object] | None:
    user = request.user
    if not isinstance(user, User):
        return None
    lists = workbench_tasks(user=user)
    if not any(lists.values()):
        return None
    return lists  # type: ignore[return-value]


def register() -> None:
    workbench.register("supervision", 30, "supervision/partials/workbench.html", panel_context)
