"""Drill-down: the customs records a figure sums. Always read from the facts through the
scope gate with the same key filter the breakdowns use, so the footer total equals the
figure that linked here."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet, Sum

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


def records_total(qs: QuerySet[CustomsRecord], currency: str) -> Decimal:
    field_name = "value_usd" if currency == "usd" else "value_cny"
    value = qs.order_by().aggregate(total=Sum(field_name))["total"]
    return value if isinstance(value, Decimal) else ZERO
