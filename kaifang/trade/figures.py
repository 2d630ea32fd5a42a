"""The figures of the analysis pages that change only with a rollup rebuild or an enterprise
change (both bump the rollup version) and differ only by scope and query: the overview's, and
those of concentration, new exporters and stopped traders. Each is cached per rollup version,
scope signature and query (`figures`); the views read them through it, and the worker fills
them right after a rebuild for each scope's default query (`kaifang.trade.refill`), so the
first viewer after an import meets a hit. The rendered pages are not cached (they carry the
user and a CSRF token)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.urls import reverse

from kaifang.core.lib import local_cache
from kaifang.core.lib.deadline import read_deadline
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


def kept_trend(
    user: User,
    q: Query,
    keys: Keys,
    months: int = 36,
    *,
    remember: bool = True,
    deadline: float | None = None,
) -> list[TrendPoint]:
    """The monthly export and import up to `q`'s month within `keys`, kept per rollup version,
    scope and keys like a breakdown table: where no rollup selects the keys (a partner within
    an HS chapter for a district user) the 36 months come from the records, 170–250 ms at
    5.6 M records on every view of the page (session 41). The flow does not change it. A
    slow one is remembered for the worker (`remember_keyed`). `deadline`: the seconds its
    reads may take when computed (`DeadlinePassed` past them; a kept one is read whatever)."""
    key = f"{cache_key('trend', user, replace(q, flow='total'))}:{months}:{keys.signature()}"

    def compute() -> list[TrendPoint]:
        started = time.perf_counter()
        with read_deadline(deadline):
            points = trend(viewer=user, end=q.period, currency=q.currency, keys=keys, months=months)
        if remember and months == 36 and time.perf_counter() - started > SLOW_SECONDS:
            remember_keyed(user, "", 1, q, keys)
        return points

    return local_cache.versioned(key, compute, CACHE_SECONDS)


def trend_chart(
    user: User, q: Query, keys: Keys, months: int = 36, *, deadline: float | None = None
) -> dict[str, Any]:
    if keys.is_empty:  # the overview's chart, kept with the overview's figures
        points = trend(viewer=user, end=q.period, currency=q.currency, months=months)
    else:
        points = kept_trend(user, q, keys, months, deadline=deadline)
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


def kept_breakdown(
    user: User,
    by: str,
    q: Query,
    keys: Keys,
    level: int = 1,
    *,
    remember: bool = True,
    deadline: float | None = None,
) -> Breakdown:
    """One breakdown table, kept per rollup version, scope, query, keys and level like the
    overview's tables: the breakdown page's, and a park page's firms (by enterprise within
    the park). Its rows carry no names (`breakdown(named=False)`): a page names the rows it
    shows (`named_rows`), so a rename shows at once and a miss does not name 5,676 codes to
    show 100. A slow one is remembered for the worker (`remember_keyed`): the worker's own refill
    computes each scope's default pages only (dollars, the newest month, no keys).
    `deadline`: the seconds its reads may take when computed (`DeadlinePassed` past them: the
    page hands it to the worker, `trade.long_tables`); a kept one is read whatever."""
    key = f"{cache_key('breakdown', user, q)}:{by}:{level}:{keys.signature()}"

    def compute() -> Breakdown:
        started = time.perf_counter()
        with read_deadline(deadline):
            table = breakdown(viewer=user, by=by, q=q, keys=keys, level=level, named=False)
        slow = time.perf_counter() - started > SLOW_SECONDS
        if remember and slow:
            remember_keyed(user, by, level, q, keys)
        return table

    return local_cache.versioned(key, compute, CACHE_SECONDS)


# The pages within keys are too many to compute after every import for every scope (a row's
# next level, and its next), and so are the breakdowns in each currency and flow. But people
# return to the same ones each month (一般贸易's firms, a district's partners, the firms in
# yuan), and their first view after an import computes them: 0.2–1.4 s of CPU at 5.6 M
# records for the leader's firms within a trade mode or a partner group. The worker computes
# again, after each import, those that took longer than SLOW_SECONDS when last computed on
# view: the KEYED_PAGES newest, for the newest month, as their viewer.
KEYED_PAGES = 100
KEYED_KEY = "trade:keyed:viewed"  # (scope signature, user id, by, level, keys, flow, currency)
SLOW_SECONDS = 0.1
KeyedEntry = tuple[str, int, str, int, tuple[tuple[str, str], ...], str, str]


def remember_keyed(user: User, by: str, level: int, q: Query, keys: Keys) -> None:
    """Put a keyed page (its table `by`, or "" for its chart alone) first among those the
    worker computes after an import. One entry per scope signature: the figures are kept per
    scope, so one viewer of it stands for all; a table's entry stands for its page's chart.
    Ids and keys only (no figures); two processes writing at once may lose one: a hint, the
    page is computed on view."""
    params = tuple(sorted(keys.params().items()))
    entry: KeyedEntry = (scope_signature(user), user.pk, by, level, params, q.flow, q.currency)
    entries = keyed_entries()
    page = (entry[0], params, q.flow, q.currency)
    same_page = [e for e in entries if (e[0], e[4], e[5], e[6]) == page]
    if not by and same_page:
        return  # a table of these keys is listed: its refill computes the chart too
    # this table's entry, or the chart's alone, of the same page is replaced
    kept = [e for e in entries if e not in same_page or (e[2] and (e[2], e[3]) != (by, level))]
    cache.set(KEYED_KEY, [entry, *kept][:KEYED_PAGES], None)


def keyed_entries() -> list[KeyedEntry]:
    """The remembered keyed pages, newest first."""
    found = cache.get(KEYED_KEY, [])
    if not isinstance(found, list):
        return []
    return [e for e in found if isinstance(e, tuple) and len(e) == 7]


def refill_keyed() -> int:
    """Compute and keep the remembered keyed pages (`remember_keyed`) in their viewer's newest
    month, each through its viewer's own scope: a user gone inactive, or whose scope changed
    since (another signature), is skipped. Run by the worker after the rollup version moves
    (`trade.refill.connect`); returns the number of pages computed."""
    entries = keyed_entries()
    users = User.objects.filter(pk__in={e[1] for e in entries}, is_active=True)
    found = {user.pk: user for user in users.select_related("unit")}
    done = 0
    for signature, user_id, by, level, params, flow, currency in entries:
        user = found.get(user_id)
        if user is None or scope_signature(user) != signature:
            continue
        latest = report_month(user)
        if latest is None:
            continue
        q = Query(year=latest.year, month=latest.month, flow=flow, currency=currency)
        keys = Keys.from_params(dict(params))
        if not keys.is_empty:  # a page without keys charts the overview's kept trend
            kept_trend(user, q, keys, remember=False)
        if by:
            kept_breakdown(user, by, q, keys, level, remember=False)
        done += 1
    return done


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
