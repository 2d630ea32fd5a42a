"""Drill-down: the customs records a figure sums. Always read from the facts through the
scope gate with the same key filter the breakdowns use, so the footer total equals the
figure that linked here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When

from kaifang.core.scope import effective_scope, scope_q

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
    keys_q,
    scoped_sources,
    sees_all,
)
from kaifang.trade.selectors.measures import ZERO


# The drill-down lists the largest records first, and one of two plans gives its page:
# - walk: read the value index downwards, keep the records that match, stop at the page.
#   It reads about `depth × records / matching` index entries (depth: the rows up to the
#   end of the page; records: the whole table, which the index covers; matching: the
#   drill-down's count), each a row fetched by its id. Bounded by the page when the
#   matching share is large (the city's year, a district's, a large partner's).
# - narrow: read the matching records through the key's or scope's own index (partner,
#   HS code, the unique key's (enterprise, period) prefix, (period, flow)), sort them and
#   cut the page. Bounded by the matching records, so right when they are few (one firm,
#   a liaison officer's handful, a small partner) or the page is deep.
# SQLite keeps no statistics, so it cannot weigh the two; the rollups can: every rollup row
# counts its records (`rows`). A walked entry costs about a narrowed row plus the margin
# for large records clustering in other firms or partners than the matching ones.
WALK_ENTRY_COST = 4


def drill_records(
    *,
    viewer: Viewer,
    q: Query,
    span: str,
    keys: Keys,
    depth: int | None = None,
    matching: int | None = None,
) -> QuerySet[CustomsRecord]:
    """The records of a figure, largest first (ties by month, then id). `depth` is how many
    rows from the top the caller reads (the end of its page; None: all of them, as the
    export does), `matching` the drill-down's count when the caller has it (otherwise read
    from the rollups where they can answer). The plan, walk or narrow (above), follows from
    both and the table's size; either gives the same rows in the same order (tested)."""
    if span not in SPANS:
        raise ValueError(f"unknown span {span!r}")
    months = q.span_months(span)
    order = (f"-{q.field}", "period", "id")
    if depth is not None and matching is None:
        summary = drill_summary(viewer=viewer, q=q, span=span, keys=keys)
        matching = summary.count if summary is not None else None
    if depth is not None and matching is not None and walks(depth, matching, table_records()):
        return _walked(viewer, q, months, keys).select_related("enterprise").order_by(*order)
    # Every span is one month or a run of months: a range, which an index's period serves.
    qs = apply_keys(facts(viewer), keys).filter(period__gte=months[0], period__lte=months[-1])
    return flow_filter(qs, q.flow).select_related("enterprise").order_by(*order)


def walks(depth: int, matching: int, records: int) -> bool:
    """Whether walking the value index reads fewer entries (weighted) than narrowing reads
    rows: `depth × records / matching` entries against `matching` rows."""
    if matching <= 0 or depth >= matching:
        return False
    return depth * records * WALK_ENTRY_COST <= matching * matching


def table_records() -> int:
    """The number of customs records, from the trade-mode rollup (every record has a row
    there, the empty mode included): about a thousand rows summed."""
    rows = TradeRollup.objects.filter(dimension=Dimension.MODE).aggregate(n=Sum("rows"))["n"]
    return int(rows or 0)


def _walked(
    viewer: Viewer, q: Query, months: list[dt.date], keys: Keys
) -> QuerySet[CustomsRecord]:
    """The drill-down's records with every condition inside one CASE, which no index can
    serve, so the only index left to SQLite (and PostgreSQL) is the value index of the
    ORDER BY. The conditions are those of the narrow plan: the scope gate's own condition
    for customs records (`scope_q`, what `visible_to` filters by), the keys (`keys_q`, what
    `apply_keys` filters by), the months and the flow."""
    condition = keys_q(keys) & Q(period__in=months)
    if q.flow != "total":
        condition &= Q(flow=q.flow)
    if viewer is not None:
        gate = scope_q(CustomsRecord, effective_scope(viewer))
        if gate is not None:
            condition &= gate
    matches = Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())
    return CustomsRecord.objects.alias(drill_match=matches).filter(drill_match=1)


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
