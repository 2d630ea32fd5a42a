"""The breakdown table (trade/analysis/_breakdown_table.html), rendered once per content.

The overview shows five of these tables and a breakdown page one of 50 rows; the template
builds ten cells and up to six links per row and was the largest part of those pages' CPU
(bench/bench_cpu.py). The same tables are asked again and again (every user of a scope sees
the same figures until a rebuild), so each process keeps the HTML of the last few hundred,
keyed by everything the template reads: the rows' values, the query, the drill levels, the
language and the URL configuration. A changed figure, name or link is a different key, so the
HTML is always what the template would render now.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from kaifang.trade.selectors import Breakdown, Query
from kaifang.trade.selectors.breakdown import Row

TEMPLATE = "trade/analysis/_breakdown_table.html"
_SIZE = 256  # a 50-row table is about 60 kB of HTML: at most ~15 MB a process
_LOCK = threading.Lock()
_HTML: OrderedDict[Hashable, str] = OrderedDict()


def _value(value: object) -> Hashable:
    # Decimal("1.5") == Decimal("1.50"), but a template may show them apart.
    return str(value) if isinstance(value, Decimal) else value


def _row(row: Row) -> Hashable:
    sums = row.sums
    return (
        row.key,
        row.name,
        tuple(
            _value(v)
            for v in (sums.month, sums.month_prev, sums.prev_month, sums.ytd, sums.ytd_prev)
        ),
        *(
            _value(v)
            for v in (
                row.yoy_pct,
                row.month_yoy_pct,
                row.mom_pct,
                row.share_pct,
                row.contribution_pp,
            )
        ),
        row.keys,
    )


def table_html(
    *,
    table: Breakdown,
    rows: Sequence[Row],
    q: Query,
    next_levels: Sequence[tuple[str, str]] | None,
    next_industry_level: int | None = None,
    small: bool = False,
) -> SafeString:
    """The table as `{% include TEMPLATE %}` renders it with these variables."""
    context: dict[str, Any] = {"table": table, "rows": rows, "q": q, "small": small}
    if next_levels is not None:
        context["next_levels"] = next_levels
    if next_industry_level is not None:
        context["next_industry_level"] = next_industry_level
    key = (
        get_urlconf(),
        get_script_prefix(),
        translation.get_language(),
        q,
        table.by,
        table.label,
        table.level,
        table.overlapping,
        _row(table.total),
        tuple(_row(r) for r in rows),
        tuple(next_levels) if next_levels is not None else None,
        next_industry_level,
        small,
    )
    with _LOCK:
        html = _HTML.get(key)
        if html is not None:
            _HTML.move_to_end(key)
    if html is None:
        html = render_to_string(TEMPLATE, context)
        with _LOCK:
            _HTML[key] = html
            while len(_HTML) > _SIZE:
                _HTML.popitem(last=False)
    return mark_safe(html)  # noqa: S308 (the template's own escaped output)
