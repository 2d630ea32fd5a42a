"""Drill-down: the customs records a figure sums. Always read from the facts through the
scope gate with the same key filter the breakdowns use, so the footer total equals the
figure that linked here."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from kaifang.trade.models import CustomsRecord
from kaifang.trade.selectors.base import SPANS, Keys, Query, Viewer, apply_keys, facts, flow_filter
from kaifang.trade.selectors.measures import ZERO


def drill_records(*, viewer: Viewer, q: Query, span: str, keys: Keys) -> QuerySet[CustomsRecord]:
    if span not in SPANS:
        raise ValueError(f"unknown span {span!r}")
    qs = apply_keys(facts(viewer), keys).filter(period__in=q.span_months(span))
    return (
        flow_filter(qs, q.flow).select_related("enterprise").order_by(f"-{q.field}", "period", "id")
    )


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
