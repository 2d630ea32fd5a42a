"""Where supervision meets the foundation: notifications, the background summary job, the
daily periodic reminders, the demo loader and the calendar's deadline years. Everything else
in the app calls the functions here, so the wiring lives in one place. (Imported at start-up
by core's autodiscovery of `tasks` modules, so the job and the periodic are registered.)"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Model
from django.utils import timezone

from kaifang.core import notifications
from kaifang.core.jobs import JobHandle, enqueue, job
from kaifang.core.models import Job, User
from kaifang.core.schedules import periodic
from kaifang.supervision import exports as exports  # registers the writer the worker runs

notifications.register_category("supervision", "督查督办")


def notify_users(
    *,
    recipients: Sequence[User],
    title: str,
    body: str,
    url: str,
    level: str = "info",
    about: Model | None = None,
) -> None:
    """Send through the notification channels (in-app, e-mail, group robot); with `about`, to
    those of the recipients who may see that record only."""
    people = [user for user in recipients if user is not None]
    if people:
        notifications.notify(
            recipients=people,
            title=title,
            body=body,
            url=url,
            category="supervision",
            level=level,
            about=about,
        )


def open_deadline_years() -> Iterable[int]:
    from kaifang.supervision.models import Task, TaskStatus

    return {
        d.year
        for d in Task.objects.exclude(status=TaskStatus.DONE)
        .values_list("deadline", flat=True)
        .distinct()
    }


@periodic("supervision.reminders", cron="30 8 * * *")
def daily_reminders() -> int:
    """Every morning at 08:30: reminders and escalations (quiet on rest days)."""
    from kaifang.supervision.reminders import send_reminders

    return send_reminders()


def period_bounds(period: str, today: dt.date) -> tuple[str, dt.date, dt.date]:
    """The week (Monday to today) or month (1st to today) a summary covers."""
    if period == "month":
        return "月", today.replace(day=1), today
    return "周", today - dt.timedelta(days=today.weekday()), today


@job("supervision.summary", label="督办进展汇总")
def build_summary(handle: JobHandle, *, period: str) -> dict[str, Any]:
    """The weekly/monthly progress summary as a Word file, within the owner's scope."""
    from kaifang.supervision.exports import summary_docx
    from kaifang.supervision.selectors import tasks_visible

    label, since, until = period_bounds(period, timezone.localdate())
    handle.progress(10, "汇总督办事项")
    items = list(tasks_visible(user=handle.owner).select_related("lead_unit"))
    handle.progress(60, "生成 Word 文件")
    data = summary_docx(tasks=items, period=label, since=since, until=until)
    handle.save_file(f"督查督办工作进展情况（{label}报）-{until:%Y%m%d}.docx", data)
    return {"tasks": len(items), "since": since.isoformat(), "until": until.isoformat()}


def start_summary(*, owner: User, period: str) -> Job:
    label = "月报" if period == "month" else "周报"
    return enqueue(
        kind="supervision.summary",
        owner=owner,
        title=f"督查督办进展汇总（{label}）",
        params={"period": period},
    )


def register() -> None:
    """Called from AppConfig.ready()."""
    from kaifang.core import calendar, demo

    calendar.register_deadline_years(open_deadline_years)
    from kaifang.supervision.demo import load_supervision

    demo.register("supervision", 300, load_supervision)
