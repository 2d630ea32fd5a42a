"""A breakdown's cards and chart: 出口, 进口 and 进出口 of the report month, and the 36-month
trend, within the same keys as its table, read from the rollups that select the keys'
records where one does, else from the records as the viewer's table reads them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet, Sum

from kaifang.trade.models import Dimension, TradeRollup
from kaifang.trade.selectors.base import (
    FIRM_KEYS,
    Keys,
    Query,
    Sums,
    Viewer,
    grouped_rows,
    hidden_in_case,
    scoped_sources,
    sees_all,
    summed,
)
from kaifang.trade.selectors.breakdown import Row, make_row
from kaifang.trade.selectors.keyed import keyed_facts, place_facts, window_facts
from kaifang.trade.selectors.measures import ZERO, add_months
from kaifang.trade.selectors.summary import rollup_sources


def totals_by_flow(*, viewer: Viewer, q: Query, keys: Keys | None = None) -> dict[str, Row]:
    """出口, 进口 and 进出口 for the overview's cards (one grouped query)."""
    keys = keys or Keys()
    tq = Query(year=q.year, month=q.month, flow="total", currency=q.currency)
    by_flow = summed(
        *(
            grouped_rows(qs, F("flow"), tq, window_hidden=hidden)
            for qs, hidden in _flow_sources(viewer, keys, q.all_months())
        )
    )
    result = {}
    for flow in ("export", "import"):
        value = by_flow.get(flow, Sums())
        result[flow] = make_row(flow, flow, value, value, keys)
    everything = by_flow.get("export", Sums()) + by_flow.get("import", Sums())
    result["total"] = make_row("total", "total", everything, everything, keys)
    return result


def _flow_sources(
    viewer: Viewer, keys: Keys, months: list[dt.date]
) -> list[tuple[QuerySet[Any], bool]]:
    """Where totals by flow and period come from: without keys, the trade-mode rollups (they
    partition the records); within one key, the rollup rows that select its records (an
    enterprise's, a partner's or a group's, a trade mode's, an HS chapter's or heading's, the
    firms of a district, park or industry: the drill-down's count reads the same), so a
    breakdown within a key charts 36 months from rollups instead of reading them from the
    records (3.1 s within a district at 5.6 M records, session 40); else the records, within
    a place's keys as `keyed.place_facts` reads them, or, for a scoped viewer within trade
    keys, as his breakdown reads them over `months` (`keyed.window_facts`: a district user's
    chart within partner 112, HS 85 and 一般贸易 read the partner's records across the city,
    580 ms at 5.6 M records, where his table read the 107 firms that hold all three). Each with
    whether the months must be tested in a CASE."""
    if keys.is_empty:
        if viewer is None or sees_all(viewer):
            return [(TradeRollup.objects.filter(dimension=Dimension.MODE), False)]
        return [(qs, False) for qs in scoped_sources(viewer, Dimension.MODE)]
    sources = rollup_sources(viewer, keys)
    if sources is not None:
        return [(qs, False) for qs in sources]
    if keys.params().keys() & FIRM_KEYS:
        return [place_facts(viewer, keys, months)]
    if viewer is not None and not sees_all(viewer):
        end = months[-1]
        return [window_facts(viewer, keys, months, q=Query(year=end.year, month=end.month))]
    return [(keyed_facts(viewer, keys), False)]


@dataclass(frozen=True)
class TrendPoint:
    period: dt.date
    export: Decimal
    import_: Decimal

    @property
    def total(self) -> Decimal:
        return self.export + self.import_


def trend(
    *, viewer: Viewer, end: dt.date, currency: str, keys: Keys | None = None, months: int = 36
) -> list[TrendPoint]:
    """Monthly export and import for the `months` months up to `end` (gaps as zero)."""
    keys = keys or Keys()
    start = add_months(end, -(months - 1))
    field_name = "value_usd" if currency == "usd" else "value_cny"
    found: dict[tuple[dt.date, str], Decimal] = defaultdict(lambda: ZERO)
    for qs, hidden in _flow_sources(viewer, keys, [add_months(start, i) for i in range(months)]):
        in_range = Q(period__gte=start, period__lte=end)
        grouped = (
            (hidden_in_case(qs, in_range, "chart_months") if hidden else qs.filter(in_range))
            .values("period", "flow")
            .annotate(value=Sum(field_name))
            .order_by()
        )
        for r in grouped:
            found[(r["period"], r["flow"])] += r["value"] or ZERO
    points = []
    for i in range(months):
        period = add_months(start, i)
        points.append(
            TrendPoint(
                period=period,
                export=found.get((period, "export"), ZERO),
                import_=found.get((period, "import"), ZERO),
            )
        )
    return points
