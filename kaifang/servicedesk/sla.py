"""The SLA clock of an appeal, in working days of the Chinese calendar.

A due date is the N-th working day after the clock's start day (the day of registration, or
of a reopening), at the end of that day. Each working day the clock passes while the appeal
waits for the enterprise (待企业补充) is added back, so paused time never counts. A complex
appeal may carry an approved commitment date, which replaces the resolve deadline (and is
also pushed back by paused days). Where the calendar has no official data for a year the
dates are computed Monday–Friday and flagged provisional.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kaifang.core import calendar
from kaifang.servicedesk.models import Appeal, AppealStatus, SlaRule

DEFAULT_ACCEPT_DAYS = 1
DEFAULT_REPLY_DAYS = 3
DEFAULT_RESOLVE_DAYS = 5

# Escalation ladder, in working days past a deadline (the daily scan applies it).
REMIND_DAYS_BEFORE = 1
ESCALATE_UNIT_HEAD_AFTER = 1
ESCALATE_LEADER_AFTER = 3
SUPERVISE_AFTER = 5


@dataclass(frozen=True)
class Limits:
    accept: int
    reply: int
    resolve: int


@dataclass(frozen=True)
class Dues:
    accept: dt.date
    reply: dt.date
    resolve: dt.date
    provisional: bool


def limits_for(*, category: str, priority: str) -> Limits:
    """The most specific rule wins: category+priority, category, priority, any."""
    rules = {
        (r.category, r.priority): r
        for r in SlaRule.objects.filter(category__in=[category, ""], priority__in=[priority, ""])
    }
    for key in ((category, priority), (category, ""), ("", priority), ("", "")):
        rule = rules.get(key)
        if rule is not None:
            return Limits(rule.accept_days, rule.reply_days, rule.resolve_days)
    return Limits(DEFAULT_ACCEPT_DAYS, DEFAULT_REPLY_DAYS, DEFAULT_RESOLVE_DAYS)


def compute_dues(
    *,
    start: dt.date,
    limits: Limits,
    paused_workdays: int = 0,
    commitment_date: dt.date | None = None,
) -> Dues:
    accept = calendar.add_workdays_checked(start, limits.accept)
    reply = calendar.add_workdays_checked(start, limits.reply + paused_workdays)
    if commitment_date is not None:
        resolve = (
            calendar.add_workdays_checked(commitment_date, paused_workdays)
            if paused_workdays
            else calendar.WorkdayResult(
                commitment_date, calendar.is_date_provisional(commitment_date)
            )
        )
    else:
        resolve = calendar.add_workdays_checked(start, limits.resolve + paused_workdays)
    return Dues(
        accept=accept.date,
        reply=reply.date,
        resolve=resolve.date,
        provisional=accept.provisional or reply.provisional or resolve.provisional,
    )


def apply_dues(appeal: Appeal) -> None:
    """Recompute the appeal's due dates in place (callers save)."""
    dues = compute_dues(
        start=appeal.clock_start,
        limits=limits_for(category=appeal.category, priority=appeal.priority),
        paused_workdays=appeal.paused_workdays,
        commitment_date=appeal.commitment_date,
    )
    appeal.accept_due = dues.accept
    appeal.reply_due = dues.reply
    appeal.resolve_due = dues.resolve
    appeal.due_provisional = dues.provisional


def paused_days(since: dt.date, until: dt.date) -> int:
    """Working days the clock passed while paused: those in (since, until]."""
    return max(0, calendar.workdays_between(since, until))


@dataclass(frozen=True)
class Stage:
    """The deadline an open appeal is running against now."""

    key: str  # "accept", "reply" or "resolve"
    label: str
    due: dt.date


def current_stage(appeal: Appeal) -> Stage | None:
    if appeal.status in (AppealStatus.REGISTERED, AppealStatus.ROUTED):
        return Stage("accept", "签收", appeal.accept_due)
    if appeal.status in (
        AppealStatus.ACCEPTED,
        AppealStatus.IN_PROGRESS,
        AppealStatus.REOPENED,
    ):
        if appeal.replied_at is None and appeal.reply_due < appeal.resolve_due:
            return Stage("reply", "阶段答复", appeal.reply_due)
        return Stage("resolve", "办结", appeal.resolve_due)
    return None  # paused, closed or merged: no clock


def workdays_overdue(due: dt.date, today: dt.date) -> int:
    """Working days past the due date (0 when not yet overdue)."""
    return max(0, calendar.workdays_between(due, today))


def workdays_left(due: dt.date, today: dt.date) -> int:
    return calendar.workdays_between(today, due)
