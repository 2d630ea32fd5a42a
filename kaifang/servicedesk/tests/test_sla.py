"""Due dates in working days across the National Day holiday, pauses excluded, and the
daily scan's reminders and escalation on the right working day."""

from __future__ import annotations

import datetime as dt

import time_machine

from kaifang.core.models import CalendarDay, CalendarDayKind, Notification
from kaifang.servicedesk import actions, escalation, sla
from kaifang.servicedesk.models import Appeal, AppealEvent, Category, Priority, SlaRule
from kaifang.servicedesk.tests.conftest import at
from kaifang.supervision.models import Task

D = dt.date


def test_defaults_across_national_day_and_the_makeup_saturday(city, firm, make_appeal):
    appeal = make_appeal(firm, when=at(2026, 9, 30))
    # 10-01…10-07 are holidays; Saturday 10-10 is a make-up working day (调休).
    assert appeal.accept_due == D(2026, 10, 8)
    assert appeal.reply_due == D(2026, 10, 10)
    assert appeal.resolve_due == D(2026, 10, 13)
    assert appeal.due_provisional is False


def test_registration_on_a_holiday_counts_from_the_next_working_day(city, firm, make_appeal):
    appeal = make_appeal(firm, when=at(2026, 10, 3))
    assert appeal.accept_due == D(2026, 10, 8)
    assert appeal.resolve_due == D(2026, 10, 13)


def test_rules_are_editable_and_the_most_specific_wins(city, firm, make_appeal):
    SlaRule.objects.create(category="", priority="", accept_days=2, reply_days=4, resolve_days=10)
    SlaRule.objects.create(
        category=Category.FOREX,
        priority=Priority.URGENT,
        accept_days=1,
        reply_days=1,
        resolve_days=2,
    )
    general = make_appeal(firm, when=at(2026, 9, 30))
    assert general.accept_due == D(2026, 10, 9)
    assert general.resolve_due == D(2026, 10, 20)
    urgent = make_appeal(
        firm,
        when=at(2026, 9, 30),
        category=Category.FOREX,
        priority=Priority.URGENT,
        description="外汇结算账户被冻结，急需协调解冻，否则无法收汇。",
    )
    assert urgent.resolve_due == D(2026, 10, 9)


def test_provisional_when_the_calendar_lacks_the_year(city, firm, make_appeal):
    appeal = make_appeal(firm, when=at(2031, 12, 29))
    assert appeal.due_provisional is True
    for day in (1, 2):
        CalendarDay.objects.create(date=D(2032, 1, day), kind=CalendarDayKind.HOLIDAY, name="元旦")
    # an administrator's entry is honoured for the day it covers
    assert sla.compute_dues(start=D(2031, 12, 31), limits=sla.Limits(1, 1, 1)).accept == D(
        2032, 1, 5
    )


def test_pause_is_excluded_from_the_clock(city, accepted):
    appeal = accepted(when=at(2026, 11, 2))  # Monday
    assert appeal.resolve_due == D(2026, 11, 9)
    appeal = actions.appeal_pause(
        appeal=appeal, actor=city.district_a_user, reason="请补充报关单", at=at(2026, 11, 3)
    )
    assert appeal.status == "waiting"
    # resumed the next Monday: Wed, Thu, Fri, Mon passed paused (4 working days)
    appeal = actions.appeal_resume(appeal=appeal, actor=city.district_a_user, at=at(2026, 11, 9))
    assert appeal.paused_workdays == 4
    assert appeal.resolve_due == D(2026, 11, 13)
    kinds = list(appeal.events.values_list("kind", flat=True))
    assert "paused" in kinds and "resumed" in kinds
    public = [e.public_text for e in appeal.events.all() if e.public_text]
    assert any("补充材料" in text for text in public)


def test_commitment_date_for_a_complex_appeal(city, accepted):
    appeal = accepted(when=at(2026, 11, 2))
    appeal = actions.appeal_commit(
        appeal=appeal, actor=city.officer, commitment_date=D(2026, 12, 15), reason="需省厅协调"
    )
    assert appeal.resolve_due == D(2026, 12, 15)
    assert appeal.priority == Priority.COMPLEX


def _scan(day: dt.date) -> escalation.ScanReport:
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, 8, 30), tick=False):
        return escalation.scan(day)


def test_escalation_on_the_right_working_day_and_idempotent(city, accepted):
    city.district_a_user.title = "科长"
    city.district_a_user.save()
    appeal = accepted(when=at(2026, 9, 30))
    actions.appeal_reply(appeal=appeal, actor=city.district_a_user, text="已联系海关")
    # resolve due Tue 10-13: reminder on Mon 10-12 (one working day before)
    assert _scan(D(2026, 10, 9)).reminded == []
    assert _scan(D(2026, 10, 12)).reminded == [appeal.tracking_code]
    assert _scan(D(2026, 10, 12)).reminded == []  # once only
    assert _scan(D(2026, 10, 13)).escalated == []  # due today: not late yet
    first = _scan(D(2026, 10, 14))
    assert first.escalated == [appeal.tracking_code]
    assert Appeal.objects.get(pk=appeal.pk).escalation_level == 1
    assert Notification.objects.filter(
        recipient=city.district_a_user, title__contains="已逾期 1 个工作日"
    ).exists()
    assert _scan(D(2026, 10, 14)).escalated == []
    assert _scan(D(2026, 10, 15)).escalated == []
    # three working days late (Fri 10-16) → the bureau's leaders
    assert _scan(D(2026, 10, 16)).escalated == [appeal.tracking_code]
    assert Notification.objects.filter(recipient=city.leader, title__contains="已逾期").exists()
    # the weekend does not count; five working days late is Tue 10-20 → supervised
    assert _scan(D(2026, 10, 19)).supervised == []
    assert _scan(D(2026, 10, 20)).supervised == [appeal.tracking_code]
    appeal.refresh_from_db()
    assert appeal.supervised
    assert AppealEvent.objects.filter(appeal=appeal, kind="supervised").exclude(public_text="")
    task = Task.objects.get(pk=appeal.supervision_ref)
    assert task.lead_unit == city.district_a and appeal.tracking_code in task.title
    assert _scan(D(2026, 10, 21)).supervised == []


def test_paused_appeals_are_not_escalated(city, accepted):
    appeal = accepted(when=at(2026, 9, 30))
    actions.appeal_pause(appeal=appeal, actor=city.district_a_user, reason="补充合同")
    assert _scan(D(2026, 10, 30)).escalated == []


def test_unaccepted_appeal_escalates_against_the_accept_deadline(city, firm, make_appeal):
    appeal = make_appeal(firm, when=at(2026, 9, 30))
    actions.appeal_route(appeal=appeal, actor=city.officer, unit=city.district_a)
    assert _scan(D(2026, 10, 8)).escalated == []
    assert _scan(D(2026, 10, 9)).escalated == [appeal.tracking_code]
