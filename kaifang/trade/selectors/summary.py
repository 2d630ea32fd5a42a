"""The drill-down's count and totals: from the rollups where one dimension selects its
records (`drill_summary`), else one aggregate over the facts (`records_summary`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum

from kaifang.core.lib import request_memo
from kaifang.trade.models import CustomsRecord, Dimension, TradeRollup
from kaifang.trade.selectors.base import (
    FIRM_KEYS,
    NONE_KEY,
    Keys,
    Query,
    Viewer,
    enterprise_rollup,
    firms_named,
    flow_filter,
    group_codes,
    scoped_sources,
    sees_all,
)
from kaifang.trade.selectors.measures import ZERO


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


def rollup_sources(viewer: Viewer, keys: Keys) -> list[QuerySet[Any]] | None:
    """Rollup rows whose sums by period and flow are those of the records `keys` select
    within the viewer's scope (the drill-down's count and totals; a keyed page's trend and
    cards), or None where no rollup selects them."""
    given = keys.params().keys()
    if keys.is_empty:
        key: tuple[str, dict[str, Any]] | None = (str(Dimension.MODE), {})
    elif given == {"enterprise"}:
        return [enterprise_rollup(viewer).filter(key=keys.enterprise)]
    elif given <= FIRM_KEYS:
        # a district, park or industry: the enterprise rollup of the firms it names
        return [enterprise_rollup(viewer).filter(key__in=firms_named(viewer, keys))]
    elif given == {"group"}:
        # a partner group: the partner rollup of its members
        key = (str(Dimension.PARTNER), {"key__in": sorted(group_codes(keys.group))})
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
    The same figures as `records_summary` of `drill_records` (tested). Read once per
    request: the page's footer and the plan's costs (`plans.py`) both ask."""
    key = ("trade.drill_summary", None if viewer is None else viewer.pk, q, span, keys)
    return request_memo.memo(key, lambda: _read_drill_summary(viewer, q, span, keys))


def _read_drill_summary(viewer: Viewer, q: Query, span: str, keys: Keys) -> RecordsSummary | None:
    sources = rollup_sources(viewer, keys)
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
