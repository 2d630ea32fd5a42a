"""The figures of the analysis pages that change only with a rollup rebuild or an enterprise
change (both bump the rollup version) and differ only by scope and query: the overview's, and
those of concentration, new exporters and stopped traders. Each is cached per rollup version,
scope signature and query (`figures`); the views read them through it, and the worker fills
them right after a rebuild for each scope's default query (`kaifang.trade.refill`), so the
first viewer after an import meets a hit. The rendered pages are not cached (they carry the
user and a CSRF token)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.urls import reverse

from kaifang.core.lib import local_cache
from kaifang.core.models import User
from kaifang.trade.rollups import rollup_version
from kaifang.trade.selectors import (
    Breakdown,
    Keys,
    Query,
    TrendPoint,
    breakdown,
    concentration,
    concentration_of,
    enterprise_concentration,
    latest_period,
    new_exporters,
    stopped_traders,
    top_rows,
    totals_by_flow,
    trend,
)
from kaifang.trade.selectors.base import Viewer, scope_signature
from kaifang.trade.templatetags.trade_analysis import records_url

CACHE_SECONDS = 24 * 3600  # a rebuild or an enterprise change retires entries sooner
OVERVIEW_TABLES = [("group", 1), ("industry", 1), ("mode", 1), ("district", 1), ("park", 1)]


def kept_trend(user: User, q: Query, keys: Keys, months: int = 36) -> list[TrendPoint]:
    """The monthly export and import up to `q`'s month within `keys`, kept per rollup version,
    scope and keys like a breakdown table: where no rollup selects the keys (a partner within
    an HS chapter for a district user) the 36 months come from the records, 170–250 ms at
    5.6 M records on every view of the page (session 41). The flow does not change it."""
    drill = "&".join(f"{k}={v}" for k, v in sorted(keys.params().items()))
    key = f"{cache_key('trend', user, replace(q, flow='total'))}:{months}:{drill}"
    return local_cache.versioned(
        key,
        lambda: trend(viewer=user, end=q.period, currency=q.currency, keys=keys, months=months),
        CACHE_SECONDS,
    )


def trend_chart(user: User, q: Query, keys: Keys, months: int = 36) -> dict[str, Any]:
    if keys.is_empty:  # the overview's chart, kept with the overview's figures
        points = trend(viewer=user, end=q.period, currency=q.currency, months=months)
    else:
        points = kept_trend(user, q, keys, months)
    divisor = Decimal(10_000) if q.currency == "usd" else Decimal(100_000_000)
    if not keys.is_empty and q.currency == "cny":
        divisor = Decimal(10_000)
    unit = ("万" if divisor == 10_000 else "亿") + ("美元" if q.currency == "usd" else "元")
    series = []
    for flow, label in (("export", "出口"), ("import", "进口")):
        fq = Query(year=q.year, month=q.month, flow=flow, currency=q.currency)
        values, links = [], []
        for p in points:
            value = p.export if flow == "export" else p.import_
            values.append(float(round(value / divisor, 2)))
            pq = Query(year=p.period.year, month=p.period.month, flow=fq.flow, currency=q.currency)
            links.append(records_url(pq, keys, "month"))
        series.append({"name": label, "values": values, "links": links})
    return {
        "labels": [p.period.strftime("%Y-%m") for p in points],
        "series": series,
        "unit": unit,
    }


def _top_enterprises_chart(
    user: User, q: Query, limit: int = 10, memo: dict[Any, Any] | None = None
) -> dict[str, Any]:
    """The largest enterprises this year to date, as bars that open each profile (一企一档)."""
    rows = top_rows(viewer=user, by="enterprise", q=q, limit=limit, memo=memo)
    rows.reverse()  # ECharts draws a category axis bottom-up: the largest goes on top
    divisor = Decimal(10_000)
    return {
        "labels": [r.name for r in rows],
        "values": [float(round(r.ytd / divisor, 1)) for r in rows],
        "links": [reverse("enterprises:detail", args=[int(r.key)]) for r in rows],
        "unit": "万" + ("美元" if q.currency == "usd" else "元"),
        "name": f"1–{q.month}月累计",
    }


def _overview(user: User, q: Query) -> dict[str, Any]:
    cards = totals_by_flow(viewer=user, q=q)
    memo: dict[Any, Any] = {}  # the tables share two base groupings: partner, enterprise
    tables = [breakdown(viewer=user, by=by, q=q, level=lv, memo=memo) for by, lv in OVERVIEW_TABLES]
    partners = breakdown(viewer=user, by="partner", q=q, memo=memo)
    return {
        "cards": [
            (label, cards[flow], records_url(replace(q, flow=flow), Keys(), "ytd"))
            for flow, label in (("total", "进出口"), ("export", "出口"), ("import", "进口"))
        ],
        "chart": trend_chart(user, q, Keys()),
        "top_chart": _top_enterprises_chart(user, q, memo=memo),
        "tables": tables,
        "partners": partners,
        "concentration": concentration_of(partners),
    }


def _new_exporters(user: User, q: Query) -> dict[str, Any]:
    return {"items": new_exporters(viewer=user, q=q)}


def _stopped(user: User, q: Query) -> dict[str, Any]:
    return {"items": stopped_traders(viewer=user, q=q)}


def _concentration(user: User, q: Query) -> dict[str, Any]:
    # The 100 largest firms' partner sums come from the enterprise × partner stage rollup.
    city = concentration(viewer=user, q=q)
    return {"city": city, "items": enterprise_concentration(viewer=user, q=q)}


@dataclass(frozen=True)
class Page:
    default_flow: str  # the flow of the page's default query (the one the worker refills)
    compute: Callable[[User, Query], dict[str, Any]]
    only_flow: str | None = None  # the page shows this flow whatever is asked


# Pages whose figures depend on the scope and the query only (not on drill keys). New
# exporters and stopped traders walk every firm's months of the enterprise rollup in Python.
PAGES: dict[str, Page] = {
    "overview": Page("total", _overview),
    "concentration": Page("total", _concentration),
    "new-exporters": Page("export", _new_exporters, only_flow="export"),
    "stopped": Page("total", _stopped),
}


def cache_key(name: str, user: User, q: Query) -> str:
    parts = [f"trade:{name}", str(rollup_version()), scope_signature(user)]
    return ":".join([*parts, str(q.year), str(q.month), q.flow, q.currency])


def figures(name: str, user: User, q: Query) -> dict[str, Any]:
    """The figures of page `name` for this user's scope and `q`: this process's copy, the
    shared cache's, else computed and kept in both (a day, or until the rollup version
    moves; `core.lib.local_cache`)."""
    key = cache_key(name, user, q)
    return local_cache.versioned(key, lambda: PAGES[name].compute(user, q), CACHE_SECONDS)


def kept_breakdown(user: User, by: str, q: Query, keys: Keys, level: int = 1) -> Breakdown:
    """One breakdown table, kept per rollup version, scope, query, keys and level like the
    overview's tables: the breakdown page's, and a park page's firms (by enterprise within
    the park). Its rows' names are as computed; a page that shows them reads them afresh."""
    drill = "&".join(f"{k}={v}" for k, v in sorted(keys.params().items()))
    key = f"{cache_key('breakdown', user, q)}:{by}:{level}:{drill}"
    return local_cache.versioned(
        key,
        lambda: breakdown(viewer=user, by=by, q=q, keys=keys, level=level),
        CACHE_SECONDS,
    )


def report_month(user: Viewer) -> dt.date | None:
    """The newest month with data the user sees (the pages' default report month), kept per
    rollup version and scope like the figures (a district user's MAX runs over the enterprise
    rollup of all their firms); the refill leaves it in the shared cache too."""
    key = f"trade:latest:{rollup_version()}:{scope_signature(user)}"
    return local_cache.versioned(key, lambda: latest_period(user), CACHE_SECONDS)


def default_query(user: User, name: str) -> Query | None:
    """The query page `name` shows a user who opens it without parameters (as the views'
    `_setup` makes it): the newest month the user sees, the page's flow, US dollars."""
    latest = report_month(user)
    if latest is None:
        return None
    page = PAGES[name]
    return Query(year=latest.year, month=latest.month, flow=page.default_flow, currency="usd")
