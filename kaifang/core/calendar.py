"""China's working-day calendar (工作日), for deadlines counted in working days.

Sources, in order, for each day:
  1. the table an administrator enters (`CalendarDay`), which overrides everything;
  2. the chinese-calendar package, for the years it covers (read from the package itself);
  3. a year with neither the package nor an administrator's complete schedule
     (`CalendarYear.is_complete`): Monday–Friday, and the answer is *provisional*.

Never raises for an uncovered year and never pretends its data exists: the `*_checked`
variants say whether an answer rests on the Monday–Friday fallback, and the shell warns
administrators until the year is entered.

Conventions (one rule for both directions: walking from `a` to `b`, count the working
days you step onto, not `a` itself, `b` included):
  - `add_workdays(start, n)`, n > 0: the n-th working day after `start` (the due-date rule
    "第 N 个工作日" counted from the day after registration); n < 0: the |n|-th working day
    before `start`; n == 0: `start` itself, working day or not.
  - `workdays_between(a, b)`: b ≥ a: working days in (a, b]; b < a: minus the working days
    in [b, a). So `workdays_between(a, add_workdays(a, n)) == n` for every n, and
    `workdays_between(today, due)` is the working days left (negative: days overdue).

The administrator's table is cached per process. A change made in this process drops the
copy at once; other processes (worker, other web workers) see a version counter in the
shared database cache, read at most every few seconds, and reload at least every
five minutes in any case (bulk updates that bypass signals are caught by that).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

import chinese_calendar
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

ONE_DAY = dt.timedelta(days=1)

# The package's own bounds, as its _validate_date computes them (not hard-coded).
PACKAGE_FIRST_YEAR: int = min(chinese_calendar.holidays).year
PACKAGE_LAST_YEAR: int = max(chinese_calendar.holidays).year

_PACKAGE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}

_VERSION_KEY = "kaifang:calendar:version"
_CHECK_SECONDS = 5.0
_MAX_AGE_SECONDS = 300.0


@dataclass(frozen=True)
class DayStatus:
    """What is known about one day, and from where."""

    day: dt.date
    is_workday: bool
    provisional: bool
    name: str  # 春节, 国庆节 … or "" for an ordinary day
    source: str  # "admin", "package" or "fallback"


@dataclass(frozen=True)
class WorkdayResult:
    """A computed date and whether it rests on the Monday–Friday fallback."""

    date: dt.date
    provisional: bool

    def __str__(self) -> str:
        return self.date.isoformat()


@dataclass(frozen=True)
class WorkdayCount:
    days: int
    provisional: bool


@dataclass(frozen=True)
class _Snapshot:
    days: Mapping[dt.date, tuple[bool, str]]  # date -> (is_workday, name)
    complete_years: frozenset[int]
    version: object
    loaded_at: float
    checked_at: float


_state: _Snapshot | None = None


def _load(version: object, now: float) -> _Snapshot:
    from kaifang.core.models import CalendarDay, CalendarDayKind, CalendarYear

    days = {
        day: (kind == CalendarDayKind.MAKEUP_WORKDAY, name)
        for day, kind, name in CalendarDay.objects.values_list("date", "kind", "name")
    }
    complete = frozenset(
        CalendarYear.objects.filter(is_complete=True).values_list("year", flat=True)
    )
    return _Snapshot(days, complete, version, now, now)


def _snapshot() -> _Snapshot:
    global _state
    snap = _state
    now = time.monotonic()
    if snap is not None and now - snap.checked_at < _CHECK_SECONDS:
        return snap
    version = cache.get(_VERSION_KEY)
    if snap is not None and version == snap.version and now - snap.loaded_at < _MAX_AGE_SECONDS:
        snap = replace(snap, checked_at=now)
    else:
        snap = _load(version, now)
    _state = snap
    return snap


def clear_cache() -> None:
    """Forget this process's copy of the administrator's table (tests call this)."""
    global _state
    _state = None


def _publish_change() -> None:
    clear_cache()
    cache.set(_VERSION_KEY, time.time_ns(), timeout=None)


def invalidate() -> None:
    """The administrator's table changed: drop our copy now, tell other processes on commit."""
    clear_cache()
    transaction.on_commit(_publish_change)


def _status(day: dt.date, snap: _Snapshot) -> DayStatus:
    entry = snap.days.get(day)
    if entry is not None:
        return DayStatus(day, entry[0], provisional=False, name=entry[1], source="admin")
    year = day.year
    weekday = day.weekday() < 5
    if package_covers(year):
        if day in chinese_calendar.workdays:
            name = _PACKAGE_NAMES.get(chinese_calendar.workdays[day], "")
            return DayStatus(day, is_workday=True, provisional=False, name=name, source="package")
        if day in chinese_calendar.holidays:
            name = _PACKAGE_NAMES.get(chinese_calendar.holidays[day], "")
            return DayStatus(day, is_workday=False, provisional=False, name=name, source="package")
        return DayStatus(day, weekday, provisional=False, name="", source="package")
    if year in snap.complete_years:
        return DayStatus(day, weekday, provisional=False, name="", source="admin")
    return DayStatus(day, weekday, provisional=True, name="", source="fallback")


def _as_date(value: dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def day_status(day: dt.date) -> DayStatus:
    return _status(_as_date(day), _snapshot())


def is_workday(day: dt.date) -> bool:
    return day_status(day).is_workday


def package_covers(year: int) -> bool:
    return PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR


def is_year_covered(year: int) -> bool:
    """True when the package covers the year or an administrator has entered all of it."""
    return package_covers(year) or year in _snapshot().complete_years


def is_date_provisional(day: dt.date) -> bool:
    """For a stored date (a due date on a record): does its year rest on the fallback?"""
    return day_status(day).provisional


def add_workdays_checked(start: dt.date, n: int) -> WorkdayResult:
    """The n-th working day after `start` (before it when n < 0); see the module docstring."""
    snap = _snapshot()
    day = _as_date(start)
    step = ONE_DAY if n > 0 else -ONE_DAY
    remaining = abs(n)
    provisional = False
    while remaining:
        day += step
        status = _status(day, snap)
        provisional = provisional or status.provisional
        if status.is_workday:
            remaining -= 1
    return WorkdayResult(day, provisional)


def add_workdays(start: dt.date, n: int) -> dt.date:
    return add_workdays_checked(start, n).date


def workdays_between_checked(a: dt.date, b: dt.date) -> WorkdayCount:
    """Working days in (a, b] when b ≥ a; minus those in [b, a) when b < a."""
    snap = _snapshot()
    a, b = _as_date(a), _as_date(b)
    if b >= a:
        first, last, sign = a + ONE_DAY, b, 1
    else:
        first, last, sign = b, a - ONE_DAY, -1
    count = 0
    provisional = False
    day = first
    while day <= last:
        status = _status(day, snap)
        provisional = provisional or status.provisional
        count += status.is_workday
        day += ONE_DAY
    return WorkdayCount(sign * count, provisional)


def workdays_between(a: dt.date, b: dt.date) -> int:
    return workdays_between_checked(a, b).days


# --- Which years administrators must enter -------------------------------------------------

DeadlineYears = Callable[[], Iterable[int]]
_deadline_providers: list[DeadlineYears] = []


def register_deadline_years(provider: DeadlineYears) -> DeadlineYears:
    """Modules with deadlines (appeals, tasks) register a function returning the years their
    open deadlines reach, so the warning also covers a year further ahead than next year."""
    if provider not in _deadline_providers:
        _deadline_providers.append(provider)
    return provider


def years_needing_schedule(today: dt.date | None = None) -> list[int]:
    """This year, next year and every year an open deadline reaches, that is not covered."""
    today = today or timezone.localdate()
    years = {today.year, today.year + 1}
    for provider in _deadline_providers:
        years.update(year for year in provider() if year >= today.year)
    return sorted(year for year in years if not is_year_covered(year))
