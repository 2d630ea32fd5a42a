"""Dependence without a scenario (the 依赖度 page): firms whose top export market, or the
watch list's partners, take more than a threshold of their exports, and the city's partner and
product concentration year by year. Split from `selectors.py`, whose exposure it reads for the
watch list; kept per rollup version and scope, and refilled by the worker after an import."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from kaifang.core.lib import local_cache
from kaifang.risk.models import WatchEntry
from kaifang.risk.selectors import (
    EnterpriseExposure,
    Spec,
    WatchShares,
    watch_shares,
    window_label,
)
from kaifang.trade.figures import report_month
from kaifang.trade.rollups import rollup_version
from kaifang.trade.selectors import (
    Markets,
    Query,
    Viewer,
    breakdown,
    concentration_of,
    enterprise_concentration,
    markets,
)
from kaifang.trade.selectors.base import scope_signature
from kaifang.trade.selectors.dynamics import Concentration, EnterpriseConcentration


@dataclass(frozen=True)
class HhiPoint:
    label: str
    partners: Concentration
    products: Concentration


@dataclass
class Dependence:
    top_share: Decimal
    watch_share: Decimal
    months: int
    latest: dt.date | None = None
    q: Query | None = None
    concentrated: list[EnterpriseConcentration] = field(default_factory=list)
    on_watch: list[EnterpriseExposure] = field(default_factory=list)
    # The watch list's window ("2025-12 至 2026-11（12个月）"); None: no watch list. Not the
    # whole exposure: its 1,844 firms made the cached page 410 KB to pickle, 71 KB without.
    watch_window: str | None = None
    history: list[HhiPoint] = field(default_factory=list)
    markets: Markets | None = None


CONCENTRATION_FIRMS = 300
T = TypeVar("T")


DEPENDENCE_CACHE_SECONDS = 24 * 3600  # a rebuild or an enterprise change retires it sooner
DEFAULT_TOP_SHARE, DEFAULT_WATCH_SHARE, DEFAULT_MONTHS = Decimal(50), Decimal(30), 12


def refill_dependence() -> int:
    """The dependence page as it first opens (the default thresholds), for the city and each
    district or park user (trade's `refill_viewers`): run by the worker after a rebuild, so
    the first viewer after an import meets a cache hit. Returns the scopes filled."""
    from kaifang.trade.refill import refill_viewers

    viewers = refill_viewers(owners=False)
    for user in viewers:
        dependence(
            viewer=user,
            top_share=DEFAULT_TOP_SHARE,
            watch_share=DEFAULT_WATCH_SHARE,
            months=DEFAULT_MONTHS,
        )
    return len(viewers)


def dependence(
    *, viewer: Viewer, top_share: Decimal, watch_share: Decimal, months: int
) -> Dependence:
    """`figures_of_dependence`, cached per rollup version (every import, rebuild or
    enterprise change moves it), scope, thresholds and watch list: the page reads the
    concentration of 300 firms, a watch-list exposure and six breakdowns (about a second of
    work on a large city) that change only with those. On a miss, the parts no threshold
    changes come from `_part`. Kept in the process too, and shared after the response like the
    parts (decision 0055): the page's shared write was made while the user waited."""
    watch = sorted(WatchEntry.objects.values_list("partner__code", flat=True))
    digest = hashlib.sha256(",".join(watch).encode()).hexdigest()[:16]
    key = ":".join(
        [
            "risk:dependence:2",  # 2: the watch list's window, not its exposure (session 48)
            str(rollup_version()),
            scope_signature(viewer),
            f"{top_share}:{watch_share}:{months}:{digest}",
        ]
    )
    return local_cache.versioned(
        key,
        lambda: figures_of_dependence(
            viewer=viewer, top_share=top_share, watch_share=watch_share, months=months
        ),
        DEPENDENCE_CACHE_SECONDS,
    )


def _part(name: str, viewer: Viewer, given: str, compute: Callable[[], T]) -> T:
    """One part of the page that no threshold changes, kept per rollup version, scope and
    `given` (what it does depend on): a new threshold filters the kept parts instead of
    reading the trade again (the leader's page on a miss: about 180 ms of CPU at 5.6 M
    records; another threshold then about 40; session 55)."""
    key = ":".join(
        ["risk:dependence:part:1", name, str(rollup_version()), scope_signature(viewer), given]
    )
    return local_cache.versioned(key, compute, DEPENDENCE_CACHE_SECONDS)


def figures_of_dependence(
    *, viewer: Viewer, top_share: Decimal, watch_share: Decimal, months: int
) -> Dependence:
    """Enterprises whose top export market is above `top_share` % of their exports (trade's
    concentration, 1–N月累计), those whose exports to watch-list partners are above
    `watch_share` % (the exposure over the trailing `months`), the city's partner and product
    concentration year by year, and markets gained and lost."""
    found = Dependence(top_share=top_share, watch_share=watch_share, months=months)
    found.latest = latest = report_month(viewer)
    if latest is None:
        return found
    q = Query(year=latest.year, month=latest.month, flow="export")
    found.q = q
    month = f"{q.year}-{q.month}"
    largest = _part(
        "concentration",
        viewer,
        month,
        lambda: enterprise_concentration(viewer=viewer, q=q, limit=CONCENTRATION_FIRMS),
    )
    found.concentrated = [
        row for row in largest if row.top_share_pct is not None and row.top_share_pct > top_share
    ]
    watch_codes = frozenset(WatchEntry.objects.values_list("partner__code", flat=True))
    if watch_codes:
        spec = Spec(flow="export", partner_codes=watch_codes, months=months)
        shares: WatchShares = _part(
            "watch",
            viewer,
            f"{months}:{','.join(sorted(watch_codes))}",
            lambda: watch_shares(viewer=viewer, spec=spec),
        )
        found.watch_window = window_label(shares.months)
        found.on_watch = shares.above(watch_share)
    found.history, found.markets = _part(
        "history", viewer, month, lambda: _history_and_markets(viewer, latest, q)
    )
    return found


def _history_and_markets(
    viewer: Viewer, latest: dt.date, q: Query
) -> tuple[list[HhiPoint], Markets]:
    """The city's partner and product concentration at this month and the two Decembers
    before it, and the markets gained and lost this year."""
    history = []
    for year in range(latest.year - 2, latest.year + 1):
        point = Query(year=year, month=latest.month if year == latest.year else 12, flow="export")
        partners = concentration_of(breakdown(viewer=viewer, by="partner", q=point))
        if partners.partners:
            products = concentration_of(breakdown(viewer=viewer, by="hs2", q=point))
            history.append(HhiPoint(point.ytd_label, partners, products))
    return history, markets(viewer=viewer, q=q)
