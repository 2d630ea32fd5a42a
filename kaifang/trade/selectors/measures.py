"""The arithmetic of Chinese commerce statistics, pure and in Decimal: 同比, 环比, 占比, 拉动,
concentration. None means "not defined" (a zero base), never zero."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

ZERO = Decimal(0)
HUNDRED = Decimal(100)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after `day`'s month (negative goes back)."""
    index = day.year * 12 + (day.month - 1) + months
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from `start`'s month to `end`'s month."""
    return (end.year - start.year) * 12 + (end.month - start.month)


def growth_pct(current: Decimal, previous: Decimal) -> Decimal | None:
    """同比/环比 in per cent: (current − previous) / previous × 100; None on a zero base."""
    if previous == 0:
        return None
    return (current - previous) / previous * HUNDRED


def share_pct(part: Decimal, whole: Decimal) -> Decimal | None:
    """占比 in per cent; None when the whole is zero."""
    if whole == 0:
        return None
    return part / whole * HUNDRED


def contribution_pp(current: Decimal, previous: Decimal, total_previous: Decimal) -> Decimal | None:
    """拉动 in percentage points: this item's growth over the whole's previous value × 100.
    The contributions of a partition sum to the whole's growth rate."""
    if total_previous == 0:
        return None
    return (current - previous) / total_previous * HUNDRED


def top_share_pct(values: Iterable[Decimal], *, n: int = 5) -> Decimal | None:
    """The share of the `n` largest values in their sum, in per cent."""
    ordered = sorted(values, reverse=True)
    total = sum(ordered, ZERO)
    if total == 0:
        return None
    return sum(ordered[:n], ZERO) / total * HUNDRED


def hhi(values: Iterable[Decimal]) -> Decimal | None:
    """Herfindahl–Hirschman index: the sum of squared shares × 10,000 (0 … 10,000)."""
    items = list(values)
    total = sum(items, ZERO)
    if total == 0:
        return None
    return sum(((v / total) ** 2 for v in items), ZERO) * Decimal(10000)
