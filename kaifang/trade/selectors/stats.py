"""The figures of one breakdown as plain JSON-ready data, amounts as full-precision decimal
strings: what `kaifang trade-stats --json` prints and `GET /api/v1/trade/stats` returns."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kaifang.trade.selectors.base import Query, Viewer
from kaifang.trade.selectors.breakdown import Row, breakdown

# the public names of the breakdowns (CLI --by, API ?by) → the selectors' names
BYS = {
    "partner": "partner",
    "partner-group": "group",
    "industry": "industry",
    "hs2": "hs2",
    "hs4": "hs4",
    "mode": "mode",
    "district": "district",
    "park": "park",
    "enterprise": "enterprise",
}

PLACES = Decimal("0.0001")  # the storage precision of customs values


def _text(value: Decimal | None) -> str | None:
    """A ratio at full precision without trailing zeros (25, 66.666…67); None if undefined."""
    return None if value is None else format(value.normalize(), "f")


def _amount(value: Decimal) -> str:
    """Full precision, printed alike on SQLite and PostgreSQL."""
    return str(value.quantize(PLACES))


def row_json(row: Row) -> dict[str, Any]:
    return {
        "key": row.key,
        "name": row.name,
        "month": _amount(row.month),
        "ytd": _amount(row.ytd),
        "ytd_prev": _amount(row.ytd_prev),
        "yoy_pct": _text(row.yoy_pct),
        "share_pct": _text(row.share_pct),
        "month_prev": _amount(row.sums.month_prev),
        "month_yoy_pct": _text(row.month_yoy_pct),
        "prev_month": _amount(row.sums.prev_month),
        "mom_pct": _text(row.mom_pct),
        "contribution_pp": _text(row.contribution_pp),
    }


def stats_json(*, viewer: Viewer, by: str, q: Query, level: int = 1) -> dict[str, Any]:
    """One breakdown (`by` is a key of BYS) within the viewer's scope (None: the whole city)."""
    table = breakdown(viewer=viewer, by=BYS[by], q=q, level=level)
    result: dict[str, Any] = {
        "year": q.year,
        "month": q.month,
        "by": by,
        "flow": q.flow,
        "currency": q.currency,
        "source": table.source,
        "total": row_json(table.total),
        "rows": [row_json(r) for r in table.rows],
    }
    if table.overlapping:
        result["note"] = "一个国家(地区)可属于多个分组，各分组占比之和不等于100%"
    return result
