"""Rebuild the monthly rollups from the facts for a set of periods.

Pages for users who see the whole city read rollups; every rollup row is a GROUP BY of the
facts, so a total always equals the rows it drills down to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import CharField, Count, DecimalField, F, Sum, Value
from django.db.models.functions import Cast, Coalesce, Substr

from kaifang.trade.models import CustomsRecord, Dimension, TradeRollup

_ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=24, decimal_places=4))

_KEYS = {
    Dimension.PARTNER: F("partner_code"),
    Dimension.HS2: Substr("hs_code", 1, 2),
    Dimension.HS4: Substr("hs_code", 1, 4),
    Dimension.MODE: F("trade_mode"),
    Dimension.ENTERPRISE: Cast("enterprise_id", output_field=CharField()),
}


def rebuild_rollups(periods: Iterable[dt.date]) -> int:
    """Replace the rollups of `periods` by fresh sums of the facts; returns rows written."""
    months = sorted(set(periods))
    if not months:
        return 0
    TradeRollup.objects.filter(period__in=months).delete()
    written = 0
    for dimension, key in _KEYS.items():
        grouped = (
            CustomsRecord.objects.filter(period__in=months)
            .annotate(rollup_key=key)
            .values("rollup_key", "period", "flow")
            .annotate(
                usd=Sum(Coalesce("value_usd", _ZERO)),
                cny=Sum(Coalesce("value_cny", _ZERO)),
                n=Count("id"),
            )
            .order_by()
        )
        batch = [
            TradeRollup(
                dimension=dimension,
                key=row["rollup_key"] or "",
                period=row["period"],
                flow=row["flow"],
                value_usd=row["usd"] or 0,
                value_cny=row["cny"] or 0,
                rows=row["n"],
            )
            for row in grouped.iterator(chunk_size=5000)
        ]
        TradeRollup.objects.bulk_create(batch, batch_size=2000)
        written += len(batch)
    return written
