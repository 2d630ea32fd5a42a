"""The leaders' dashboard (驾驶舱): every figure the page shows, for one user and month,
computed from the same selectors as the pages each tile drills to, and cached per scope and
data version (a rollup rebuild, an entered value, an official import or a target retire it);
the part read from trade's rollups is cached apart, per rollup version. After a rebuild the
worker refills the city's and the districts' dashboards (`refill`)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from kaifang.core.lib import local_cache
from kaifang.core.models import DataScope, User
from kaifang.core.scope import effective_scope
from kaifang.indicators import measures, selectors
from kaifang.indicators.models import (
    IndicatorValue,
    OfficialImport,
    Region,
    RegionKind,
    Target,
)
from kaifang.trade.refill import after_version_moves, refill_viewers
from kaifang.trade.rollups import rollup_version
from kaifang.trade.selectors import Keys, Query, breakdown, latest_period, totals_by_flow
from kaifang.trade.selectors.base import scope_signature
from kaifang.trade.templatetags.trade_analysis import breakdown_url, records_url

YI = Decimal(100_000_000)
CACHE_SECONDS = 3600
# The trade part and the official sums are keyed by what changes them (trade's rollup version,
# the official imports), like the trade overview (24 h): an hour after a refill, a page miss
# still finds them.
PART_CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class FlowCard:
    flow: str
    label: str
    month: Decimal  # 亿元
    ytd: Decimal
    month_yoy: Decimal | None
    ytd_yoy: Decimal | None
    link: str


@dataclass(frozen=True)
class RowLite:
    name: str
    ytd: Decimal  # 亿元
    yoy: Decimal | None
    share: Decimal | None
    link: str


@dataclass
class Dashboard:
    year: int
    month: int
    region: Region | None
    sees_all: bool
    own_firms: bool = False  # a liaison officer's (仅本人): his firms, not his district
    cards: list[FlowCard] = field(default_factory=list)
    headline: selectors.Line | None = None  # 进出口总额 with target and progress
    official: selectors.Figure | None = None  # the official figure (city only, when present)
    coverage_pct: Decimal | None = None
    groups: list[RowLite] = field(default_factory=list)
    partners: list[RowLite] = field(default_factory=list)
    industries: list[RowLite] = field(default_factory=list)
    chapters: list[RowLite] = field(default_factory=list)
    districts: list[RowLite] = field(default_factory=list)
    districts_chart: dict[str, Any] = field(default_factory=dict)
    consumption: list[selectors.Line] = field(default_factory=list)
    investment: list[selectors.Line] = field(default_factory=list)
    peers: selectors.PeerTable | None = None
    links: dict[str, str] = field(default_factory=dict)

    @property
    def elapsed_pct(self) -> Decimal:
        return measures.elapsed_pct(self.month)

    @property
    def head_ytd(self) -> Decimal | None:
        """The headline 累计 (official where present), else the records' own."""
        if self.headline is not None:
            return self.headline.figure.ytd
        return self.cards[0].ytd if self.cards else None

    @property
    def head_yoy(self) -> Decimal | None:
        if self.headline is not None:
            return self.headline.figure.ytd_yoy
        return self.cards[0].ytd_yoy if self.cards else None

    @property
    def head_source(self) -> str:
        return self.headline.figure.source if self.headline is not None else "企业进出口记录"


def default_period(user: User) -> tuple[int, int]:
    """The newest month with data the user sees (cached per rollup version and scope)."""
    key = f"indicators:latest:{rollup_version()}:{scope_signature(user)}"
    return local_cache.versioned(key, lambda: _default_period(user), CACHE_SECONDS)


def _default_period(user: User) -> tuple[int, int]:
    latest = latest_period(user)
    if latest is None:
        today = timezone.localdate()
        return today.year, today.month
    return latest.year, latest.month


def _latest_and_count(model: type[Model], field: str | None) -> list[str]:
    """Scalar subqueries over a whole table (names from the model, quoted; no input)."""
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(str(model._meta.get_field(field or "id").column))  # type: ignore[union-attr]
    latest = f"(SELECT MAX({column}) FROM {table})"  # noqa: S608
    return [latest] if field is None else [latest, f"(SELECT COUNT(*) FROM {table})"]  # noqa: S608


def data_version() -> str:
    """What the indicators' part of a dashboard depends on: the trade rollup version, the
    latest entered value and target and their counts, the latest official import. One
    statement of five scalar subqueries (three ORM aggregates cost three queries' CPU on
    every workbench)."""
    parts = [
        *_latest_and_count(IndicatorValue, "entered_at"),
        *_latest_and_count(Target, "set_at"),
        *_latest_and_count(OfficialImport, None),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    text = ":".join(
        str(x)
        for x in (
            rollup_version(),
            *row,
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _lite(rows: list[Any], q: Query, by: str, level: int = 1, limit: int = 6) -> list[RowLite]:
    return [
        RowLite(
            name=r.name,
            ytd=r.ytd / YI,
            yoy=r.yoy_pct,
            share=r.share_pct,
            link=records_url(q, r.keys, "ytd"),
        )
        for r in rows[:limit]
    ]


def build(user: User, year: int, month: int) -> Dashboard:
    key = f"indicators:dash:{data_version()}:{scope_signature(user)}:{year}:{month}"
    return local_cache.versioned(key, lambda: _build(user, year, month), CACHE_SECONDS)


@dataclass(frozen=True)
class TradeFigures:
    """The dashboard's part read from trade's rollups: the same for a scope until the next
    rebuild, whatever is entered, targeted or imported into the indicators meanwhile."""

    cards: list[FlowCard]
    groups: list[RowLite]
    partners: list[RowLite]
    industries: list[RowLite]
    chapters: list[RowLite]
    districts: list[RowLite]
    districts_chart: dict[str, Any]


def trade_figures(user: User, year: int, month: int) -> TradeFigures:
    """Cached per rollup version and scope (like the trade overview), apart from the
    indicators' part: an entered value or a target then rebuilds only the indicator lines."""
    key = f"indicators:dash-trade:{rollup_version()}:{scope_signature(user)}:{year}:{month}"
    cached = cache.get(key)
    if isinstance(cached, TradeFigures):
        return cached
    found = _trade_figures(user, year, month)
    cache.set(key, found, PART_CACHE_SECONDS)
    return found


def _trade_figures(user: User, year: int, month: int) -> TradeFigures:
    q = Query(year=year, month=month, flow="total", currency="cny")
    cards: list[FlowCard] = []
    totals = totals_by_flow(viewer=user, q=q)
    for flow, label in (("total", "进出口"), ("export", "出口"), ("import", "进口")):
        row = totals[flow]
        cards.append(
            FlowCard(
                flow=flow,
                label=label,
                month=row.month / YI,
                ytd=row.ytd / YI,
                month_yoy=row.month_yoy_pct,
                ytd_yoy=row.yoy_pct,
                link=records_url(replace(q, flow=flow), Keys(), "ytd"),
            )
        )
    tables: dict[Any, Any] = {}
    groups_table = breakdown(viewer=user, by="group", q=q, memo=tables)
    groups = _lite(groups_table.rows, q, "group")
    partners_table = breakdown(viewer=user, by="partner", q=q, memo=tables)
    partners = _lite(partners_table.rows, q, "partner", limit=5)
    industries_table = breakdown(viewer=user, by="industry", q=q, level=2, memo=tables)
    industries = _lite(industries_table.rows, q, "industry", 2)
    chapters_table = breakdown(viewer=user, by="hs2", q=q, memo=tables)
    chapters = _lite(chapters_table.rows, q, "hs2")
    districts_table = breakdown(viewer=user, by="district", q=q, memo=tables)
    rows = [r for r in districts_table.rows if r.key != "-"]
    districts = _lite(rows, q, "district", limit=len(rows))
    rows.reverse()  # ECharts draws the category axis bottom-up: the largest on top
    districts_chart = {
        "labels": [r.name for r in rows],
        "values": [float(round(r.ytd / YI, 4)) for r in rows],
        "links": [records_url(q, r.keys, "ytd") for r in rows],
        "unit": "亿元",
        "name": f"1–{month}月累计",
    }
    return TradeFigures(
        cards=cards,
        groups=groups,
        partners=partners,
        industries=industries,
        chapters=chapters,
        districts=districts,
        districts_chart=districts_chart,
    )


def _build(user: User, year: int, month: int) -> Dashboard:
    everything = selectors.sees_all(user)
    region = selectors.home_region(user)
    q = Query(year=year, month=month, flow="total", currency="cny")
    own_firms = effective_scope(user).widest == DataScope.SELF
    dash = Dashboard(
        year=year, month=month, region=region, sees_all=everything, own_firms=own_firms
    )
    trade = trade_figures(user, year, month)
    dash.cards = list(trade.cards)
    dash.groups, dash.partners = list(trade.groups), list(trade.partners)
    dash.industries, dash.chapters = list(trade.industries), list(trade.chapters)
    dash.districts, dash.districts_chart = list(trade.districts), dict(trade.districts_chart)
    memo: dict[Any, Any] = {}
    trade_total = selectors.indicators().filter(code="trade_total").first()
    if trade_total is not None and region is not None:
        if region.kind == RegionKind.CITY:
            dash.headline = selectors.line(trade_total, region, year, month, memo)
            if dash.headline.figure.source == "海关统计":
                dash.official = dash.headline.figure
                records = dash.cards[0].ytd
                official = dash.official.ytd
                dash.coverage_pct = records / official * 100 if official else None
        else:
            target = selectors.target_for(trade_total, region, year)
            value = None if target is None else target.value
            fig = selectors.Figure.of(
                dash.cards[0].month,
                dash.cards[0].ytd,
                None,
                None,
                "企业进出口记录",
            )
            dash.headline = selectors.Line(
                indicator=trade_total,
                region=region,
                figure=replace(fig, ytd_yoy=dash.cards[0].ytd_yoy),
                target=value,
                progress=measures.progress(dash.cards[0].ytd, value, month),
            )
    if region is not None:
        for code in ("retail", "online_retail"):
            ind = selectors.indicators().filter(code=code).first()
            if ind is not None:
                dash.consumption.append(selectors.line(ind, region, year, month, memo))
        for code in ("fdi", "odi"):
            ind = selectors.indicators().filter(code=code).first()
            if ind is not None:
                dash.investment.append(selectors.line(ind, region, year, month, memo))
    if trade_total is not None:
        dash.peers = selectors.peers(trade_total, year, month, memo)
    qs = f"?year={year}&month={month}"
    dash.links = {
        "overview": reverse("trade:analysis_overview") + "?" + _params(q),
        "groups": breakdown_url(q, Keys(), "group"),
        "partners": breakdown_url(q, Keys(), "partner"),
        "industries": breakdown_url(q, Keys(), "industry", 2),
        "chapters": breakdown_url(q, Keys(), "hs2"),
        "districts": breakdown_url(q, Keys(), "district"),
        "peers": reverse("indicators:indicator_detail", args=["trade_total"]) + qs,
        "retail": reverse("indicators:indicator_detail", args=["retail"]) + qs,
        "fdi": reverse("indicators:indicator_detail", args=["fdi"]) + qs,
        "coverage": reverse("indicators:coverage") + qs,
    }
    return dash


def refill() -> int:
    """Build the dashboards the first viewers after an import would otherwise wait for: the
    city's (one for everyone who sees it all), that of each district's or park's unit (one
    for the unit's users who see no firm outside it) and each liaison officer's (trade's
    `refill_viewers`), each for their newest month. Run by the worker each time trade's
    rollup version moves (`connect`) and after an official import; returns the dashboards
    built."""
    viewers = refill_viewers()
    for user in viewers:
        year, month = default_period(user)
        build(user, year, month)
    return len(viewers)


def connect() -> None:
    after_version_moves(
        "kaifang.indicators.dashboard.refill", dispatch_uid="indicators.dashboard_refill"
    )


def _params(q: Query) -> str:
    return "&".join(f"{k}={v}" for k, v in q.params().items())


def period_of(year: int | None, month: int | None, user: User) -> tuple[int, int]:
    if year and month:
        return year, month
    return default_period(user)


def as_date(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)
