"""Periodic work: register a function with `@periodic`, then `ensure_schedules()` writes the
matching django-q2 `Schedule` rows. The `kaifang qcluster` process runs the scheduler beside
its workers (about every 30 s it enqueues the schedules that are due), so periodic work needs no
cron daemon and no extra server.

    @periodic("servicedesk.sla_scan", cron="*/10 * * * *")     # cron, in Asia/Shanghai
    def sla_scan() -> None: ...

    @periodic("core.jobs.fail_stale", minutes=10)
    def fail_stale_jobs() -> None: ...

Each app names its schedules in Chinese in its `ready()` for the administration pages:

    schedules.label("servicedesk.sla_scan", "诉求时限扫描：临期提醒与逾期升级")

A label is display only: the row keeps the code as its name, which `ensure_schedules` matches
rows by (so no migration, and no renamed row left behind as a duplicate).

Periodic functions take no arguments and must be idempotent: the scheduler may run one late
or, after a restart, not at all for a missed slot (`catch_up` is off).
`ensure_schedules()` is idempotent too: it is called by `kaifang setup-schedules` (run by
`make demo` and at every deployment) and leaves unchanged rows untouched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from croniter import croniter
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

F = TypeVar("F", bound=Callable[[], Any])

# Schedules whose function lives in our package are ours to create, change and remove.
MANAGED_PREFIX = "kaifang."


@dataclass(frozen=True)
class Periodic:
    name: str
    func: str
    cron: str | None = None
    minutes: int | None = None

    def next_run(self, now: dt.datetime) -> dt.datetime:
        if self.cron:
            local = timezone.localtime(now)
            result: dt.datetime = croniter(self.cron, local).get_next(dt.datetime)
            return result
        return now + dt.timedelta(minutes=self.minutes or 1)


_PERIODIC: dict[str, Periodic] = {}


def periodic(name: str, *, cron: str | None = None, minutes: int | None = None) -> Callable[[F], F]:
    """Register a no-argument function to run on a cron string or every `minutes`."""
    if (cron is None) == (minutes is None):
        raise ImproperlyConfigured(f"periodic {name!r}: give exactly one of cron= or minutes=")
    if cron is not None and not croniter.is_valid(cron):
        raise ImproperlyConfigured(f"periodic {name!r}: invalid cron string {cron!r}")
    if minutes is not None and minutes < 1:
        raise ImproperlyConfigured(f"periodic {name!r}: minutes must be at least 1")

    def decorator(func: F) -> F:
        path = f"{func.__module__}.{func.__qualname__}"
        if not path.startswith(MANAGED_PREFIX):
            raise ImproperlyConfigured(f"periodic {name!r}: {path} is outside the kaifang package")
        _PERIODIC[name] = Periodic(name=name, func=path, cron=cron, minutes=minutes)
        return func

    return decorator


_LABELS: dict[str, str] = {}


def label(name: str, text: str) -> None:
    """Name the periodic schedule `name` in Chinese (the admin's 任务 column, setup-schedules)."""
    _LABELS[name] = text


def label_for(name: str) -> str:
    """The schedule's Chinese name; "" for a row an administrator made himself."""
    return _LABELS.get(name, "")


def labelled(words: str) -> list[str]:
    """Names of the schedules whose label holds `words` (the admin's search box)."""
    return sorted(name for name, text in _LABELS.items() if words in text)


def registered() -> list[Periodic]:
    return sorted(_PERIODIC.values(), key=lambda p: p.name)


@dataclass
class ScheduleReport:
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    removed: list[str]


@transaction.atomic
def ensure_schedules() -> ScheduleReport:
    """Make the Schedule table match the registry. Rows for our functions that are no longer
    registered are removed; rows an administrator made for other functions are left alone."""
    from django_q.models import Schedule

    report = ScheduleReport(created=[], updated=[], unchanged=[], removed=[])
    now = timezone.now()
    for item in registered():
        kind = Schedule.CRON if item.cron else Schedule.MINUTES
        wanted: dict[str, Any] = {
            "func": item.func,
            "schedule_type": kind,
            "cron": item.cron,
            "minutes": item.minutes,
            "repeats": -1,
        }
        row = Schedule.objects.filter(name=item.name).order_by("id").first()
        if row is None:
            Schedule.objects.create(name=item.name, next_run=item.next_run(now), **wanted)
            report.created.append(item.name)
            continue
        if all(getattr(row, key) == value for key, value in wanted.items()):
            report.unchanged.append(item.name)
            continue
        for key, value in wanted.items():
            setattr(row, key, value)
        row.next_run = item.next_run(now)
        row.save()
        report.updated.append(item.name)
    names = {item.name for item in registered()}
    stale = Schedule.objects.filter(func__startswith=MANAGED_PREFIX).exclude(name__in=names)
    report.removed = sorted(str(n) for n in stale.values_list("name", flat=True))
    stale.delete()
    return report
