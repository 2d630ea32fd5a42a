"""The daily reminders: working days on the Chinese calendar, once each, escalation."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from kaifang.core.models import AuditEntry
from kaifang.supervision import actions
from kaifang.supervision.models import EventKind, ReminderLog, Task
from kaifang.supervision.reminders import next_report_date, send_reminders
from kaifang.supervision.tests.conftest import at, make_task

pytestmark = pytest.mark.django_db


def run(day):
    with time_machine.travel(at(day.year, day.month, day.day, 8), tick=False):
        return send_reminders()


def kinds(task):
    return sorted(task.reminders.values_list("kind", flat=True))


def test_deadline_reminder_counts_working_days_across_national_day(city):
    with time_machine.travel(at(2026, 9, 1), tick=False):
        task = make_task(city, deadline=dt.date(2026, 10, 9))
        actions.task_sign(actor=city.district_a_user, task=task)
    Task.objects.filter(pk=task.pk).update(report_cycle="none")
    run(dt.date(2026, 9, 28))  # 4 working days before: too early
    assert "deadline" not in kinds(task)
    run(dt.date(2026, 9, 29))  # 3 working days before (Sep 30, Oct 8, Oct 9)
    assert kinds(task) == ["deadline"]
    log = task.reminders.get(kind="deadline")
    assert log.due == dt.date(2026, 10, 9) and log.sent_on == dt.date(2026, 9, 29)
    assert log.recipients == 2  # district A's two users (staff and liaison)


def test_the_run_is_idempotent(city):
    with time_machine.travel(at(2026, 9, 1), tick=False):
        task = make_task(city, deadline=dt.date(2026, 10, 9))
        actions.task_sign(actor=city.district_a_user, task=task)
    first = run(dt.date(2026, 9, 29))
    second = run(dt.date(2026, 9, 29))
    run(dt.date(2026, 9, 30))
    assert first >= 1
    assert second == 0
    assert ReminderLog.objects.filter(task=task, kind="deadline").count() == 1
    # the next day does not remind of the same deadline again (whatever else it sends)
    assert kinds(task).count("deadline") == 1
    assert (
        task.events.filter(kind=EventKind.REMIND).count()
        == ReminderLog.objects.filter(task=task).count()
    )


def test_nothing_is_sent_on_a_holiday(city):
    with time_machine.travel(at(2026, 9, 1), tick=False):
        make_task(city, deadline=dt.date(2026, 10, 9))
    assert run(dt.date(2026, 10, 5)) == 0
    assert not ReminderLog.objects.exists()


def test_unsigned_task_reminded_after_one_working_day(city):
    # Assigned on Wednesday Sep 30; Oct 1-7 are holidays; Oct 8 is the first working day after.
    with time_machine.travel(at(2026, 9, 30, 9), tick=False):
        task = make_task(city, deadline=dt.date(2026, 12, 31))
    run(dt.date(2026, 9, 30))
    assert "unsigned" not in kinds(task)
    run(dt.date(2026, 10, 8))
    assert kinds(task) == ["unsigned"]
    run(dt.date(2026, 10, 9))
    assert kinds(task) == ["unsigned", "unsigned"]  # daily while it stays unsigned
    actions.task_sign(actor=city.district_a_user, task=task)
    run(dt.date(2026, 10, 12))
    assert kinds(task).count("unsigned") == 2


def test_overdue_task_is_escalated_to_the_leader_once(city):
    with time_machine.travel(at(2026, 9, 1), tick=False):
        task = make_task(city, deadline=dt.date(2026, 9, 30))
        actions.task_sign(actor=city.district_a_user, task=task)
    run(dt.date(2026, 10, 8))
    log = task.reminders.get(kind="overdue")
    assert log.due == dt.date(2026, 9, 30)
    assert log.recipients == 4  # leader, officer and district A's two users
    assert task.events.filter(kind=EventKind.ESCALATE).count() == 1
    assert AuditEntry.objects.filter(action="supervision.task.escalate").count() == 1
    run(dt.date(2026, 10, 9))
    assert task.reminders.filter(kind="overdue").count() == 1


def test_milestone_and_reporting_reminders(city):
    with time_machine.travel(at(2026, 9, 1), tick=False):
        task = make_task(city, deadline=dt.date(2026, 12, 31))
        actions.task_sign(actor=city.district_a_user, task=task)
        actions.milestone_add(actor=city.officer, task=task, title="签约", due=dt.date(2026, 10, 9))
    Task.objects.filter(pk=task.pk).update(report_cycle="monthly", report_day=9)
    run(dt.date(2026, 9, 29))
    assert sorted(kinds(task)) == sorted([f"milestone:{task.milestones.get().pk}", "report"])
    assert task.reminders.get(kind="report").due == dt.date(2026, 10, 9)


def test_no_report_reminder_when_the_unit_already_reported(city):
    with time_machine.travel(at(2026, 9, 1), tick=False):
        task = make_task(city, deadline=dt.date(2026, 12, 31))
        actions.task_sign(actor=city.district_a_user, task=task)
    Task.objects.filter(pk=task.pk).update(report_cycle="monthly", report_day=9)
    with time_machine.travel(at(2026, 9, 28), tick=False):
        actions.task_report(actor=city.district_a_user, task=task, text="进展", percent=30)
    run(dt.date(2026, 9, 29))
    assert "report" not in kinds(task)


def test_next_report_date(city):
    task = make_task(city)
    task.report_cycle, task.report_day = "weekly", 5
    assert next_report_date(task, dt.date(2026, 9, 28))[0] == dt.date(2026, 10, 2)
    task.report_cycle, task.report_day = "monthly", 25
    assert next_report_date(task, dt.date(2026, 12, 26)) == (
        dt.date(2027, 1, 25),
        dt.date(2026, 12, 25),
    )
