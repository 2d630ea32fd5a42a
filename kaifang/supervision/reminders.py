"""The daily reminder run: before deadlines, milestones and reporting dates, after a task has
waited a working day unsigned, and escalation to the responsible leader once overdue.

All counting is in working days on the Chinese calendar (`kaifang.core.calendar`). The run is
idempotent: each reminder is one `ReminderLog` row unique on (task, kind, due), taken before
the notification goes out, so running it twice a day sends nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from kaifang.core import audit
from kaifang.core.calendar import is_workday, workdays_between
from kaifang.core.models import User
from kaifang.supervision import tasks as wiring
from kaifang.supervision.models import (
    EventKind,
    ReminderLog,
    ReportCycle,
    Task,
    TaskEvent,
    TaskStatus,
)
from kaifang.supervision.selectors import warn_workdays

logger = logging.getLogger(__name__)


def next_report_date(task: Task, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """(the next reporting date on or after today, the one before it), or None if one-off."""
    if task.report_cycle == ReportCycle.WEEKLY:
        ahead = (task.report_day - today.isoweekday()) % 7
        due = today + dt.timedelta(days=ahead)
        return due, due - dt.timedelta(days=7)
    if task.report_cycle == ReportCycle.MONTHLY:
        day = min(task.report_day, 28)
        due = today.replace(day=day)
        if due < today:
            due = (due.replace(day=1) + dt.timedelta(days=32)).replace(day=day)
        previous = (due.replace(day=1) - dt.timedelta(days=1)).replace(day=day)
        return due, previous
    return None


def _send(
    *,
    task: Task,
    kind: str,
    due: dt.date,
    today: dt.date,
    recipients: Sequence[User],
    title: str,
    body: str,
    level: str = "info",
    escalate: bool = False,
) -> bool:
    """Claim the (task, kind, due) slot, then notify after commit; False if already sent."""
    try:
        with transaction.atomic():
            ReminderLog.objects.create(
                task=task, kind=kind, due=due, sent_on=today, recipients=len(recipients)
            )
            TaskEvent.objects.create(
                task=task,
                kind=EventKind.ESCALATE if escalate else EventKind.REMIND,
                message=f"{title}（{len(recipients)} 人）",
                data={"kind": kind, "due": due.isoformat()},
            )
            if escalate:
                audit.record(
                    actor=None,
                    action="supervision.task.escalate",
                    obj=task,
                    changes={"deadline": due, "recipients": [u.pk for u in recipients]},
                )
            url = reverse("supervision:task_detail", args=[task.pk])
            people = list(recipients)
            transaction.on_commit(
                lambda: wiring.notify_users(
                    recipients=people, title=title, body=body, url=url, level=level, about=task
                )
            )
    except IntegrityError:
        return False
    return True


def send_reminders(*, today: dt.date | None = None) -> int:
    """Send today's reminders; returns how many went out. Quiet on rest days."""
    today = today or timezone.localdate()
    if not is_workday(today):
        return 0
    n = warn_workdays()
    done_slots = set(
        ReminderLog.objects.filter(task__status__in=_OPEN).values_list("task_id", "kind", "due")
    )
    sent = 0
    tasks = (
        Task.objects.filter(status__in=_OPEN)
        .select_related("lead_unit", "leader", "officer")
        .prefetch_related("milestones")
    )
    members: dict[int, list[User]] = {}
    for task in tasks:
        if task.lead_unit_id not in members:
            members[task.lead_unit_id] = list(
                User.objects.filter(unit_id=task.lead_unit_id, is_active=True)
            )
        unit_users = members[task.lead_unit_id]

        def slot(kind: str, due: dt.date, task: Task = task) -> bool:
            return (task.pk, kind, due) not in done_slots

        assigned_on = timezone.localdate(task.assigned_at)
        waiting = task.status == TaskStatus.ASSIGNED and workdays_between(assigned_on, today) >= 1
        if waiting and slot("unsigned", today):  # once a working day while it stays unsigned
            sent += _send(
                task=task,
                kind="unsigned",
                due=today,
                today=today,
                recipients=unit_users,
                title="督办事项尚未签收",
                body=f"{task.title}（交办于 {assigned_on:%Y-%m-%d}），请及时签收。",
                level="warning",
            )
        if task.status == TaskStatus.COMPLETION_REQUESTED:
            continue  # the ball is with the office
        left = workdays_between(today, task.deadline)
        if 0 <= left <= n and slot("deadline", task.deadline):
            sent += _send(
                task=task,
                kind="deadline",
                due=task.deadline,
                today=today,
                recipients=unit_users,
                title=f"督办事项还有 {left} 个工作日到期",
                body=f"{task.title}（完成时限 {task.deadline:%Y-%m-%d}）",
                level="warning",
            )
        if task.deadline < today and slot("overdue", task.deadline):
            people = [u for u in (task.leader, task.officer) if u is not None]
            sent += _send(
                task=task,
                kind="overdue",
                due=task.deadline,
                today=today,
                recipients=[*people, *unit_users],
                title="督办事项已逾期",
                body=f"{task.title}：{task.lead_unit}牵头，时限 {task.deadline:%Y-%m-%d}。",
                level="error",
                escalate=True,
            )
        for milestone in task.milestones.all():
            if milestone.done_at is not None:
                continue
            kind = f"milestone:{milestone.pk}"
            if 0 <= workdays_between(today, milestone.due) <= n and slot(kind, milestone.due):
                sent += _send(
                    task=task,
                    kind=kind,
                    due=milestone.due,
                    today=today,
                    recipients=unit_users,
                    title="督办节点即将到期",
                    body=f"{task.title}：节点“{milestone.title}”（{milestone.due:%Y-%m-%d}）",
                )
        report = next_report_date(task, today)
        if report is not None and task.status != TaskStatus.ASSIGNED:
            due, previous = report
            left = workdays_between(today, due)
            already = task.reports.filter(reported_on__gt=previous).exists()
            if due <= task.deadline and 0 <= left <= n and not already and slot("report", due):
                sent += _send(
                    task=task,
                    kind="report",
                    due=due,
                    today=today,
                    recipients=unit_users,
                    title="请按时报送督办事项进展",
                    body=f"{task.title}：报送日 {due:%Y-%m-%d}",
                )
    logger.info("supervision reminders: %s sent on %s", sent, today)
    return sent


_OPEN = [
    TaskStatus.ASSIGNED,
    TaskStatus.SIGNED,
    TaskStatus.IN_PROGRESS,
    TaskStatus.COMPLETION_REQUESTED,
]
