"""Drill-down: the customs records a figure sums. Always read from the facts through the
scope gate with the same key filter the breakdowns use, so the footer total equals the
figure that linked here."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import CharField, Count, QuerySet, Sum
from django.db.models.functions import Cast

from kaifang.trade.models import CustomsRecord, Dimension, TradeRollup
from kaifang.trade.selectors.base import (
    NONE_KEY,
    SPANS,
    Keys,
    Query,
    Viewer,
    apply_keys,
    enterprise_rollup,
    facts,
    flow_filter,
    scoped_sources,
    sees_all,
)
from kaifang.trade.selectors.measures import ZERO


def drill_records(*, viewer: Viewer, q: Query, span: str, keys: Keys) -> QuerySet[CustomsRecord]:
    """The records of a figure, largest first. How the months are filtered steers the plan
    (issue 17): the whole city without a key walks the value index downwards and stops at the
    page (the months as an expression no index serves, so SQLite, which has no statistics,
    does not sort a year's records by the period index instead); a scope or a key narrows
    the records through its own index first (the months as a range, which the unique key's
    (enterprise, period) prefix serves), and the few it leaves are sorted."""
    if span not in SPANS:
        raise ValueError(f"unknown span {span!r}")
    months = q.span_months(span)
    qs = apply_keys(facts(viewer), keys)
    if keys.is_empty and sees_all(viewer):
        by_month: Any = Cast("period", output_field=CharField())
        # The flow too: the unique key holds it, and SQLite would scan that whole index.
        by_flow: Any = Cast("flow", output_field=CharField())
        qs = qs.alias(drill_month=by_month, drill_flow=by_flow)
        qs = qs.filter(drill_month__in=[m.isoformat() for m in months])
        if q.flow != "total":
            qs = qs.filter(drill_flow=q.flow)
    else:  # every span is one month or a run of months
        qs = flow_filter(qs.filter(period__gte=months[0], period__lte=months[-1]), q.flow)
    return qs.select_related("enterprise").order_by(f"-{q.field}", "period", "id")


@dataclass(frozen=True)
class RecordsSummary:
    """Count and both currency totals of a drill-down, from one aggregate over the facts
    (the page used to count them for the paginator and sum them three times)."""

    count: int
    usd: Decimal
    cny: Decimal

    def total(self, currency: str) -> Decimal:
        return self.usd if currency == "usd" else self.cny


def records_summary(qs: QuerySet[CustomsRecord]) -> RecordsSummary:
    row = qs.order_by().aggregate(n=Count("id"), usd=Sum("value_usd"), cny=Sum("value_cny"))
    usd, cny = row["usd"], row["cny"]
    return RecordsSummary(
        count=int(row["n"] or 0),
        usd=usd if isinstance(usd, Decimal) else ZERO,
        cny=cny if isinstance(cny, Decimal) else ZERO,
    )


def records_total(qs: QuerySet[CustomsRecord], currency: str) -> Decimal:
    field_name = "value_usd" if currency == "usd" else "value_cny"
    value = qs.order_by().aggregate(total=Sum(field_name))["total"]
    return value if isinstance(value, Decimal) else ZERO


def _rollup_key(keys: Keys) -> tuple[str, dict[str, str]] | None:
    """The rollup dimension and key filter that select exactly the records of `keys`, or
    None when the keys are not one rollup dimension (the summary then reads the facts).
    Rollups store a missing partner, HS code or trade mode as the empty key."""
    given = keys.params()
    if len(given) != 1:
        return None
    ((name, value),) = given.items()
    empty = value == NONE_KEY
    if name in {"partner", "mode"}:
        return str(getattr(Dimension, name.upper())), {"key": "" if empty else value}
    if name == "hs":
        if empty or len(value) == 2:
            return str(Dimension.HS2), {"key": "" if empty else value}
        if len(value) <= 4:  # a record's heading starts with the prefix iff its code does
            lookup = "key" if len(value) == 4 else "key__startswith"
            return str(Dimension.HS4), {lookup: value}
    return None


def _summary_sources(viewer: Viewer, keys: Keys) -> list[QuerySet[Any]] | None:
    """Rollup rows whose sums are the drill-down's count and totals, or None."""
    if keys.is_empty:
        key: tuple[str, dict[str, str]] | None = (str(Dimension.MODE), {})
    elif keys.params().keys() == {"enterprise"}:
        return [enterprise_rollup(viewer).filter(key=keys.enterprise)]
    else:
        key = _rollup_key(keys)
    if key is None:
        return None
    dimension, lookup = key
    if viewer is None or sees_all(viewer):
        return [TradeRollup.objects.filter(dimension=dimension, **lookup)]
    return [source.filter(**lookup) for source in scoped_sources(viewer, dimension)]


def drill_summary(*, viewer: Viewer, q: Query, span: str, keys: Keys) -> RecordsSummary | None:
    """The drill-down's count and totals from the rollups (each row counts its records), so
    the page reads the facts only for its 50 rows; None where the rollups cannot answer.
    The same figures as `records_summary` of `drill_records` (tested)."""
    sources = _summary_sources(viewer, keys)
    if sources is None:
        return None
    months = q.span_months(span)
    count, usd, cny = 0, ZERO, ZERO
    for source in sources:
        row = flow_filter(source.filter(period__in=months), q.flow).aggregate(
            n=Sum("rows"), usd=Sum("value_usd"), cny=Sum("value_cny")
        )
        count += int(row["n"] or 0)
        usd += row["usd"] if isinstance(row["usd"], Decimal) else ZERO
        cny += row["cny"] if isinstance(row["cny"], Decimal) else ZERO
    return RecordsSummary(count=count, usd=usd, cny=cny)
