"""The core app's contributions to the page shell: the bell's unread count on every page, and
the workbench panels 最新通知 and 后台任务."""

from __future__ import annotations

from django.http import HttpRequest

from kaifang.core import shell_hooks, workbench
from kaifang.core.jobs import jobs_for
from kaifang.core.models import JobStatus, User
from kaifang.core.notifications import notifications_for, unread_count


def _user(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def _unread(request: HttpRequest, user: User) -> int:
    """The unread count, counted once per request (the bell and the workbench panel)."""
    cached: int | None = getattr(request, "_kaifang_unread", None)
    if cached is None:
        cached = unread_count(user)
        setattr(request, "_kaifang_unread", cached)  # noqa: B010
    return cached


def bell_context(request: HttpRequest) -> dict[str, object]:
    user = _user(request)
    return {"unread_notifications": _unread(request, user) if user else 0}


def notifications_panel(request: HttpRequest) -> dict[str, object] | None:
    user = _user(request)
    if user is None:
        return None
    shown = ("id", "title", "level", "read_at", "created_at")  # what the panel shows
    rows = list(notifications_for(user).only(*shown)[:6])
    return {"rows": rows, "unread": _unread(request, user)}


def jobs_panel(request: HttpRequest) -> dict[str, object] | None:
    """Running jobs first, then the latest few; absent for a user who never started one."""
    user = _user(request)
    if user is None:
        return None
    # What the panel shows: a job row also holds its parameters, result and traceback.
    mine = jobs_for(user).only("id", "title", "status", "percent", "finished_at", "result_file")
    running = list(mine.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])[:10])
    recent = list(mine.exclude(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])[:5])
    if not running and not recent:
        return None
    return {"running": running, "recent": recent}


def register_all() -> None:
    shell_hooks.register(bell_context)
    workbench.register(
        "notifications", 10, "core/partials/workbench_notifications.html", notifications_panel
    )
    workbench.register("jobs", 20, "core/partials/workbench_jobs.html", jobs_panel)
