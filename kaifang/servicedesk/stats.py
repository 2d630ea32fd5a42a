"""Statistics per unit and per category over the appeals a user may see: volume, time to
accept and to resolve (working days), on-time rate, satisfaction, returns and transfers,
reopen rate; and the enterprises that keep coming back."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils import timezone

from kaifang.core import calendar
from kaifang.core.models import User
from kaifang.servicedesk.models import Appeal, AppealEvent, AppealStatus, Category
from kaifang.servicedesk.selectors import appeals_for


@dataclass
class Row:
    key: str
    label: str
    volume: int = 0
    accepted: int = 0
    accept_days: int = 0
    resolved: int = 0
    resolve_days: int = 0
    on_time: int = 0
    rated: int = 0
    rating_sum: int = 0
    returns: int = 0
    transfers: int = 0
    reopened: int = 0
    open: int = 0

    @property
    def avg_accept(self) -> float | None:
        return round(self.accept_days / self.accepted, 1) if self.accepted else None

    @property
    def avg_resolve(self) -> float | None:
        return round(self.resolve_days / self.resolved, 1) if self.resolved else None

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.resolved, 1) if self.resolved else None

    @property
    def satisfaction(self) -> float | None:
        return round(self.rating_sum / self.rated, 2) if self.rated else None

    @property
    def reopen_rate(self) -> float | None:
        return round(100 * self.reopened / self.resolved, 1) if self.resolved else None


@dataclass
class Report:
    start: dt.date
    end: dt.date
    by_unit: list[Row] = field(default_factory=list)
    by_category: list[Row] = field(default_factory=list)
    total: Row = field(default_factory=lambda: Row("total", "合计"))
    repeated: list[dict[str, object]] = field(default_factory=list)


def _days(a: dt.datetime, b: dt.datetime) -> int:
    return max(0, calendar.workdays_between(timezone.localdate(a), timezone.localdate(b)))


@dataclass(frozen=True)
class _Measured:
    """One appeal's working days to accept and to resolve (None: not yet), counted once for
    the three rows it adds to (its unit, its category, the total): counting them per row
    took three quarters of the statistics' 170 ms for the large city's 553 appeals."""

    appeal: Appeal
    accept_days: int | None
    resolve_days: int | None


def _measured(appeal: Appeal) -> _Measured:
    accepted, resolved = appeal.accepted_at, appeal.resolved_at
    return _Measured(
        appeal,
        _days(appeal.registered_at, accepted) if accepted else None,
        _days(appeal.registered_at, resolved) if resolved else None,
    )


def _add(row: Row, measured: _Measured) -> None:
    appeal = measured.appeal
    row.volume += 1
    if measured.accept_days is not None:
        row.accepted += 1
        row.accept_days += measured.accept_days
    if measured.resolve_days is not None:
        row.resolved += 1
        row.resolve_days += measured.resolve_days
        row.on_time += bool(appeal.resolved_on_time)
    if appeal.rating:
        row.rated += 1
        row.rating_sum += appeal.rating
    row.reopened += appeal.reopen_count > 0
    row.open += appeal.is_open


def tally(appeals: Iterable[Appeal]) -> Row:
    """One row over `appeals` (the monthly briefing's appeals paragraph)."""
    row = Row("total", "合计")
    for appeal in appeals:
        _add(row, _measured(appeal))
    return row


ONE_DAY = dt.timedelta(days=1)


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def registered_between(qs: QuerySet[Appeal], start: dt.date, end: dt.date) -> QuerySet[Appeal]:
    """`qs`'s appeals registered from `start` to `end` (local dates), not merged. Compared as
    times from local midnight to local midnight: `registered_at__date` made SQLite call
    Python to cast every appeal's time to a date, twice per statistics page."""
    window = qs.filter(
        registered_at__gte=_midnight(start), registered_at__lt=_midnight(end + ONE_DAY)
    )
    return window.exclude(status=AppealStatus.MERGED)


def period_appeals(user: User, start: dt.date, end: dt.date) -> QuerySet[Appeal]:
    return registered_between(appeals_for(user), start, end).select_related("unit")


def build(*, user: User, start: dt.date, end: dt.date) -> Report:
    report = Report(start=start, end=end)
    units: dict[str, Row] = {}
    categories: dict[str, Row] = {
        value: Row(value, str(label)) for value, label in Category.choices
    }
    appeals = list(period_appeals(user, start, end))
    for appeal in appeals:
        unit_key = str(appeal.unit_id or 0)
        if unit_key not in units:
            units[unit_key] = Row(unit_key, appeal.unit.name if appeal.unit else "（未派单）")
        measured = _measured(appeal)
        for row in (units[unit_key], categories[appeal.category], report.total):
            _add(row, measured)
    moves: dict[tuple[int | None, str], int] = defaultdict(int)
    events = AppealEvent.objects.filter(
        appeal__in=[a.pk for a in appeals], kind__in=["returned", "transferred"]
    ).values_list("unit_id", "kind")
    for event_unit, kind in events:
        moves[(event_unit, kind)] += 1
    for (moved_unit, kind), count in moves.items():
        key = str(moved_unit or 0)
        if key in units:
            setattr(units[key], "returns" if kind == "returned" else "transfers", count)
        if kind == "returned":
            report.total.returns += count
        else:
            report.total.transfers += count
    report.by_unit = sorted(units.values(), key=lambda r: -r.volume)
    report.by_category = [r for r in categories.values() if r.volume]
    report.repeated = list(
        period_appeals(user, start, end)
        .values("enterprise_id", "enterprise__name")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .order_by("-n", "enterprise__name")[:20]
    )
    return report


HEADERS = [
    "单位/类别",
    "诉求量",
    "平均签收（工作日）",
    "平均办结（工作日）",
    "按期办结率%",
    "满意度",
    "退回",
    "转办",
    "重办率%",
    "在办",
]


def row_cells(row: Row) -> list[object]:
    return [
        row.label,
        row.volume,
        row.avg_accept,
        row.avg_resolve,
        row.on_time_rate,
        row.satisfaction,
        row.returns,
        row.transfers,
        row.reopen_rate,
        row.open,
    ]
