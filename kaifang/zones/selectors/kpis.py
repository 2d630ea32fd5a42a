"""Monthly KPIs of platforms and parks against their annual targets: the progress table and
the chart data. A platform's KPIs are those of its kind; every park reports the park KPIs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from kaifang.trade.selectors.measures import share_pct
from kaifang.zones.models import (
    KpiDefinition,
    KpiTarget,
    KpiValue,
    Park,
    ParkKpiDefinition,
    ParkKpiTarget,
    ParkKpiValue,
    Platform,
)

ZERO = Decimal(0)


@dataclass
class KpiProgress:
    definition: KpiDefinition | ParkKpiDefinition
    year: int
    months: list[Decimal | None]  # 12 values, None where not reported
    previous: list[Decimal | None]  # the same months a year earlier
    target: Decimal | None

    @property
    def ytd(self) -> Decimal:
        return sum((v for v in self.months if v is not None), ZERO)

    @property
    def previous_ytd(self) -> Decimal:
        reported = [i for i, v in enumerate(self.months) if v is not None]
        last = max(reported) if reported else -1
        return sum((v for v in self.previous[: last + 1] if v is not None), ZERO)

    @property
    def progress_pct(self) -> Decimal | None:
        pct = share_pct(self.ytd, self.target) if self.target else None
        return pct.quantize(Decimal("0.1")) if pct is not None else None

    @property
    def yoy_pct(self) -> Decimal | None:
        if not self.previous_ytd:
            return None
        return ((self.ytd - self.previous_ytd) / self.previous_ytd * 100).quantize(Decimal("0.1"))

    @property
    def time_pct(self) -> Decimal:
        """The share of the year elapsed by the last reported month (时间进度)."""
        reported = [i for i, v in enumerate(self.months) if v is not None]
        return Decimal((max(reported) + 1) * 100) / 12 if reported else ZERO

    @property
    def behind(self) -> bool:
        pct = self.progress_pct
        return pct is not None and pct < self.time_pct

    def cumulative(self) -> list[Decimal | None]:
        total = ZERO
        out: list[Decimal | None] = []
        for value in self.months:
            if value is None:
                out.append(None)
                continue
            total += value
            out.append(total)
        return out


def _progress(
    definitions: Sequence[KpiDefinition | ParkKpiDefinition],
    values: Iterable[KpiValue | ParkKpiValue],
    targets: Iterable[KpiTarget | ParkKpiTarget],
    year: int,
) -> list[KpiProgress]:
    by_month = {(v.definition_id, v.period): v.value for v in values}
    by_definition = {t.definition_id: t.target for t in targets}
    return [
        KpiProgress(
            definition=d,
            year=year,
            months=[by_month.get((d.pk, dt.date(year, m, 1))) for m in range(1, 13)],
            previous=[by_month.get((d.pk, dt.date(year - 1, m, 1))) for m in range(1, 13)],
            target=by_definition.get(d.pk),
        )
        for d in definitions
    ]


def _two_years(year: int) -> dict[str, dt.date]:
    return {"period__gte": dt.date(year - 1, 1, 1), "period__lt": dt.date(year + 1, 1, 1)}


def kpi_progress(platform: Platform, year: int) -> list[KpiProgress]:
    return _progress(
        list(KpiDefinition.objects.filter(kind_id=platform.kind_id)),
        KpiValue.objects.filter(platform=platform, **_two_years(year)),
        KpiTarget.objects.filter(platform=platform, year=year),
        year,
    )


def park_kpi_progress(park: Park, year: int) -> list[KpiProgress]:
    """The park's monthly KPIs of a year against its annual targets (and a year earlier)."""
    return _progress(
        list(ParkKpiDefinition.objects.all()),
        ParkKpiValue.objects.filter(park=park, **_two_years(year)),
        ParkKpiTarget.objects.filter(park=park, year=year),
        year,
    )


def kpi_chart(progress: KpiProgress) -> dict[str, Any]:
    """Data for the chart: monthly bars, the cumulative line and the target line."""

    def num(value: Decimal | None) -> float | None:
        return None if value is None else float(value)

    return {
        "title": str(progress.definition),
        "unit": progress.definition.unit,
        "labels": [f"{m}月" for m in range(1, 13)],
        "months": [num(v) for v in progress.months],
        "previous": [num(v) for v in progress.previous],
        "cumulative": [num(v) for v in progress.cumulative()],
        "target": num(progress.target),
        "year": progress.year,
    }


def kpi_years(owner: Platform | Park) -> list[int]:
    """The years with figures, and this year, newest first."""
    values: QuerySet[Any] = (
        KpiValue.objects.filter(platform=owner)
        if isinstance(owner, Platform)
        else ParkKpiValue.objects.filter(park=owner)
    )
    years = {d.year for d in values.dates("period", "year")}
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)
