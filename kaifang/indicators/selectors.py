"""Reads of indicators: definitions, figures per region and month (computed from the customs
and investment records, or as entered), targets and progress, districts with 拉动, peers with
ranking, the official trade series and the enterprise records' coverage of it.

Scope: the city's, peers', province's and nation's values are published statistics every
signed-in user reads; a district's values go through the gate (`region__unit`). Whole-city
figures computed from records (and the official series) are for users who see the whole city;
a district user's dashboard asks for their district's region instead."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.http import Http404

from kaifang.core.models import User
from kaifang.core.scope import effective_scope, visible_to
from kaifang.indicators import measures
from kaifang.indicators.models import (
    Indicator,
    IndicatorValue,
    OfficialImport,
    OfficialTrade,
    Region,
    RegionKind,
    SourceKind,
    Target,
)
from kaifang.trade.models import Dimension, InvestmentRecord, TradeRollup
from kaifang.trade.rollups import rollup_version
from kaifang.trade.selectors import Query, breakdown
from kaifang.trade.selectors.base import Sums
from kaifang.trade.selectors.breakdown import names_for

ZERO = Decimal(0)
YI = Decimal(100_000_000)
WAN = Decimal(10_000)
DIVISORS = {"亿元": YI, "万元": WAN, "万美元": WAN, "亿美元": YI, "元": Decimal(1)}


def sees_all(user: User | None) -> bool:
    return user is None or effective_scope(user).sees_all


# --- regions and definitions ------------------------------------------------------------------


def visible_regions(user: User) -> QuerySet[Region]:
    """Every row without a unit (city, peers, province, nation) and the districts in scope."""
    base = Region.objects.filter(is_active=True)
    return (visible_to(base, user) | base.filter(unit__isnull=True)).order_by("order", "code")


def region_get(*, user: User, code: str) -> Region:
    region = visible_regions(user).filter(code=code).first()
    if region is None:
        raise Http404("地区不存在或不在您的数据范围内")
    return region


def city_region() -> Region | None:
    return Region.objects.filter(kind=RegionKind.CITY).first()


def home_region(user: User) -> Region | None:
    """The region a user's dashboard shows: the city, or their own district."""
    if sees_all(user):
        return city_region()
    return visible_to(Region.objects.filter(kind=RegionKind.DISTRICT), user).first()


def indicators() -> QuerySet[Indicator]:
    return Indicator.objects.filter(is_active=True)


def indicator_get(code: str) -> Indicator:
    found = indicators().filter(code=code).first()
    if found is None:
        raise Http404("指标不存在")
    return found


def visible_values(user: User) -> QuerySet[IndicatorValue]:
    base = IndicatorValue.objects.select_related("indicator", "region", "entered_by")
    return visible_to(base, user) | base.filter(region__unit__isnull=True)


def visible_targets(user: User) -> QuerySet[Target]:
    base = Target.objects.select_related("indicator", "region")
    return visible_to(base, user) | base.filter(region__unit__isnull=True)


# --- figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One indicator for one region and month, in the indicator's unit."""

    month: Decimal | None
    ytd: Decimal | None
    month_prev: Decimal | None = None  # 上年同月
    ytd_prev: Decimal | None = None  # 上年同期累计
    month_yoy: Decimal | None = None
    ytd_yoy: Decimal | None = None
    source: str = ""

    @classmethod
    def of(
        cls,
        month: Decimal | None,
        ytd: Decimal | None,
        month_prev: Decimal | None,
        ytd_prev: Decimal | None,
        source: str,
    ) -> Figure:
        return cls(
            month=month,
            ytd=ytd,
            month_prev=month_prev,
            ytd_prev=ytd_prev,
            month_yoy=measures.growth_pct(month, month_prev),
            ytd_yoy=measures.growth_pct(ytd, ytd_prev),
            source=source,
        )


EMPTY = Figure(month=None, ytd=None)


def _months(year: int, month: int) -> list[dt.date]:
    return [dt.date(year, m, 1) for m in range(1, month + 1)]


def _divisor(indicator: Indicator) -> Decimal:
    return DIVISORS.get(indicator.unit, Decimal(1))


def has_official(year: int, month: int) -> bool:
    return OfficialTrade.objects.filter(period=dt.date(year, month, 1)).exists()


def official_sums(year: int, month: int, *, flow: str, currency: str) -> dict[str, Decimal]:
    """The official series' month, 上年同月, ytd and 上年同期累计 (in yuan or dollars)."""
    column = "value_cny" if currency == "cny" else "value_usd"
    qs = OfficialTrade.objects.all()
    if flow != "total":
        qs = qs.filter(flow=flow)
    spans = {
        "month": [dt.date(year, month, 1)],
        "month_prev": [dt.date(year - 1, month, 1)],
        "ytd": _months(year, month),
        "ytd_prev": _months(year - 1, month),
    }
    every = sorted({m for months in spans.values() for m in months})
    result = qs.filter(period__in=every).aggregate(
        **{name: Sum(column, filter=Q(period__in=months)) for name, months in spans.items()}
    )
    return {name: result[name] or ZERO for name in spans}


def official_version() -> str:
    """Changes with every official import (each replaces months of the series) and any row
    added outside one (the newest row's id: a seek, where counting rows would read them)."""
    found = OfficialImport.objects.aggregate(m=Max("id"), n=Count("id"))
    newest = OfficialTrade.objects.aggregate(m=Max("id"))["m"]
    return f"{found['m']}:{found['n']}:{newest}"


def city_official_sums(
    year: int, month: int, *, flow: str, currency: str
) -> dict[str, Decimal] | None:
    """`official_sums` when the series covers the month and the same month last year, else
    None; cached until the next official import (summing the series reads some 40,000 rows
    of the large city: 20–35 ms of every dashboard rebuilt after an entered value)."""
    key = f"indicators:official:{official_version()}:{year}:{month}:{flow}:{currency}"
    cached = cache.get(key)
    if isinstance(cached, tuple):
        return cast("dict[str, Decimal] | None", cached[0])
    present = official_present(year, month, currency)
    found = (
        official_sums(year, month, flow=flow, currency=currency)
        if present["month"] and present["prev"]
        else None
    )
    cache.set(key, (found,), 24 * 3600)  # keyed by the imports: a new one retires it
    return found


def official_present(year: int, month: int, currency: str = "cny") -> dict[str, bool]:
    """Whether the official series covers this month and the same month last year (in the
    currency asked: a file in dollars gives no figure in yuan)."""
    column = "value_cny__isnull" if currency == "cny" else "value_usd__isnull"
    found = set(
        OfficialTrade.objects.filter(**{column: False})
        .filter(period__in=[dt.date(year, month, 1), dt.date(year - 1, month, 1)])
        .values_list("period", flat=True)
    )
    return {
        "month": dt.date(year, month, 1) in found,
        "prev": dt.date(year - 1, month, 1) in found,
    }


DistrictSums = tuple[Sums, dict[str, Sums]]  # the city's, and each district's by unit id


def district_sums(
    year: int, month: int, flow: str, currency: str, memo: dict[Any, Any] | None = None
) -> DistrictSums:
    """The customs records' sums of the city and of each district (trade's district
    breakdown for the whole city), cached per rollup version: the indicator list asks for
    one per customs indicator (flow × currency), each a breakdown of the city's enterprises."""
    memo = {} if memo is None else memo
    key = f"indicators:district-sums:{rollup_version()}:{year}:{month}:{flow}:{currency}"
    if key in memo:
        return cast(DistrictSums, memo[key])
    found = cache.get(key)
    if not isinstance(found, tuple):
        table = breakdown(
            viewer=None, by="district", q=Query(year, month, flow, currency), memo=memo
        )
        found = (table.total.sums, {r.key: r.sums for r in table.rows})
        cache.set(key, found, 24 * 3600)  # a rebuild retires it sooner (the version moves)
    memo[key] = found
    return cast(DistrictSums, found)


def _customs_figure(
    indicator: Indicator, region: Region, year: int, month: int, memo: dict[Any, Any]
) -> Figure:
    flow, currency = indicator.flow or "total", indicator.currency or "cny"
    divisor = _divisor(indicator)
    if region.kind == RegionKind.CITY:
        key = ("official", year, month, flow, currency)
        if key not in memo:  # the dashboard and the briefing ask for the city more than once
            memo[key] = city_official_sums(year, month, flow=flow, currency=currency)
        s = memo[key]
        if s is not None:
            return Figure.of(
                s["month"] / divisor,
                s["ytd"] / divisor,
                s["month_prev"] / divisor,
                s["ytd_prev"] / divisor,
                "海关统计",
            )
        t = district_sums(year, month, flow, currency, memo)[0]
        return Figure.of(
            t.month / divisor,
            t.ytd / divisor,
            t.month_prev / divisor,
            t.ytd_prev / divisor,
            "企业进出口记录",
        )
    if region.kind == RegionKind.DISTRICT and region.unit_id:
        sums = district_sums(year, month, flow, currency, memo)[1].get(str(region.unit_id))
        if sums is None:
            return Figure.of(ZERO, ZERO, ZERO, ZERO, "企业进出口记录")
        return Figure.of(
            sums.month / divisor,
            sums.ytd / divisor,
            sums.month_prev / divisor,
            sums.ytd_prev / divisor,
            "企业进出口记录",
        )
    return _entered_figure(indicator, region, year, month)


def investment_sums(
    kind: str, year: int, month: int, *, district_id: int | None = None, currency: str = "usd"
) -> dict[str, Decimal]:
    column = "amount_usd" if currency == "usd" else "amount_cny"
    qs = InvestmentRecord.objects.filter(kind=kind)
    if district_id is not None:
        qs = qs.filter(enterprise__district_id=district_id)
    spans = {
        "month": [dt.date(year, month, 1)],
        "month_prev": [dt.date(year - 1, month, 1)],
        "ytd": _months(year, month),
        "ytd_prev": _months(year - 1, month),
    }
    result = qs.aggregate(
        **{name: Sum(column, filter=Q(period__in=months)) for name, months in spans.items()}
    )
    return {name: result[name] or ZERO for name in spans}


def _investment_figure(indicator: Indicator, region: Region, year: int, month: int) -> Figure:
    if region.kind not in (RegionKind.CITY, RegionKind.DISTRICT):
        return _entered_figure(indicator, region, year, month)
    district = region.unit_id if region.kind == RegionKind.DISTRICT else None
    if region.kind == RegionKind.DISTRICT and district is None:
        return EMPTY
    s = investment_sums(
        indicator.investment_kind or "fdi",
        year,
        month,
        district_id=district,
        currency=indicator.currency or "usd",
    )
    d = _divisor(indicator)
    return Figure.of(
        s["month"] / d, s["ytd"] / d, s["month_prev"] / d, s["ytd_prev"] / d, "外资/对外投资记录"
    )


def _entered_figure(indicator: Indicator, region: Region, year: int, month: int) -> Figure:
    rows = {
        v.period: v
        for v in IndicatorValue.objects.filter(
            indicator=indicator,
            region=region,
            period__in=[dt.date(year, month, 1), dt.date(year - 1, month, 1)],
        )
    }
    now, before = rows.get(dt.date(year, month, 1)), rows.get(dt.date(year - 1, month, 1))
    if now is None:
        return EMPTY
    month_yoy = now.month_yoy_pct
    ytd_yoy = now.ytd_yoy_pct
    if month_yoy is None and before is not None:
        month_yoy = measures.growth_pct(now.month_value, before.month_value)
    if ytd_yoy is None and before is not None:
        ytd_yoy = measures.growth_pct(now.ytd_value, before.ytd_value)
    return Figure(
        month=now.month_value,
        ytd=now.ytd_value,
        month_prev=None if before is None else before.month_value,
        ytd_prev=None if before is None else before.ytd_value,
        month_yoy=month_yoy,
        ytd_yoy=ytd_yoy,
        source=now.source or "录入",
    )


def figure(
    indicator: Indicator,
    region: Region,
    year: int,
    month: int,
    memo: dict[Any, Any] | None = None,
) -> Figure:
    """The indicator for the region and month. Computed indicators are computed for the city
    (official series first) and the districts; every other row reads entered values."""
    memo = {} if memo is None else memo
    if indicator.source_kind == SourceKind.CUSTOMS:
        return _customs_figure(indicator, region, year, month, memo)
    if indicator.source_kind == SourceKind.INVESTMENT:
        return _investment_figure(indicator, region, year, month)
    return _entered_figure(indicator, region, year, month)


def target_for(indicator: Indicator, region: Region, year: int) -> Target | None:
    return Target.objects.filter(indicator=indicator, region=region, year=year).first()


@dataclass(frozen=True)
class Line:
    """An indicator on the dashboard or in the briefing: figure, target and progress."""

    indicator: Indicator
    region: Region
    figure: Figure
    target: Decimal | None
    progress: measures.Progress


def line(
    indicator: Indicator,
    region: Region,
    year: int,
    month: int,
    memo: dict[Any, Any] | None = None,
) -> Line:
    fig = figure(indicator, region, year, month, memo)
    target = target_for(indicator, region, year)
    value = None if target is None else target.value
    return Line(
        indicator=indicator,
        region=region,
        figure=fig,
        target=value,
        progress=measures.progress(fig.ytd, value, month),
    )


# --- districts and peers ----------------------------------------------------------------------


@dataclass(frozen=True)
class DistrictRow:
    region: Region
    figure: Figure
    share_pct: Decimal | None
    contribution_pp: Decimal | None
    progress: measures.Progress


def districts(
    indicator: Indicator,
    year: int,
    month: int,
    *,
    user: User,
    memo: dict[Any, Any] | None = None,
) -> list[DistrictRow]:
    """The districts the user sees, with 累计, 同比, 占比 of the city and 拉动 on the city's
    growth, ranked by 累计 (the ranked bar). Shares and 拉动 are against the sum of all
    districts (the records' city total), so they add up."""
    memo = {} if memo is None else memo
    every = list(Region.objects.filter(kind=RegionKind.DISTRICT, is_active=True))
    figures = {r.pk: figure(indicator, r, year, month, memo) for r in every}
    total = sum((f.ytd or ZERO for f in figures.values()), ZERO)
    total_prev = sum((f.ytd_prev or ZERO for f in figures.values()), ZERO)
    shown = set(
        visible_to(Region.objects.filter(kind=RegionKind.DISTRICT), user).values_list(
            "pk", flat=True
        )
    )
    targets = {
        t.region_id: t.value
        for t in Target.objects.filter(indicator=indicator, year=year, region__in=every)
    }
    rows = []
    for region in every:
        if region.pk not in shown:
            continue
        f = figures[region.pk]
        rows.append(
            DistrictRow(
                region=region,
                figure=f,
                share_pct=None if not total or f.ytd is None else f.ytd / total * 100,
                contribution_pp=measures.contribution_pp(f.ytd, f.ytd_prev, total_prev),
                progress=measures.progress(f.ytd, targets.get(region.pk), month),
            )
        )
    rows.sort(key=lambda r: (-(r.figure.ytd or ZERO), r.region.order))
    return rows


@dataclass(frozen=True)
class PeerRow:
    region: Region
    figure: Figure
    rank: measures.Ranked | None  # by 累计同比, among the cities (city and peers)


@dataclass(frozen=True)
class PeerTable:
    indicator: Indicator
    rows: list[PeerRow]
    city: PeerRow | None
    province: PeerRow | None

    @property
    def above_province_pp(self) -> Decimal | None:
        if self.city is None or self.province is None:
            return None
        a, b = self.city.figure.ytd_yoy, self.province.figure.ytd_yoy
        return None if a is None or b is None else a - b


def peers(
    indicator: Indicator, year: int, month: int, memo: dict[Any, Any] | None = None
) -> PeerTable:
    """The city, the peer cities, the province and the nation; cities ranked by 累计同比."""
    memo = {} if memo is None else memo
    regions = Region.objects.filter(is_active=True).exclude(kind=RegionKind.DISTRICT)
    figures = [(r, figure(indicator, r, year, month, memo)) for r in regions]
    cities = [
        (r.code, r.name, f.ytd_yoy)
        for r, f in figures
        if r.kind in (RegionKind.CITY, RegionKind.PEER)
    ]
    ranked = {x.key: x for x in measures.rank(cities)}
    rows = [PeerRow(region=r, figure=f, rank=ranked.get(r.code)) for r, f in figures]
    return PeerTable(
        indicator=indicator,
        rows=rows,
        city=next((x for x in rows if x.region.kind == RegionKind.CITY), None),
        province=next((x for x in rows if x.region.kind == RegionKind.PROVINCE), None),
    )


# --- official series and coverage -------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    key: str
    name: str
    official: Decimal
    records: Decimal

    @property
    def coverage_pct(self) -> Decimal | None:
        return None if not self.official else self.records / self.official * 100


@dataclass
class Coverage:
    year: int
    month: int
    currency: str
    by_month: list[CoverageRow] = field(default_factory=list)
    by_partner: list[CoverageRow] = field(default_factory=list)
    by_chapter: list[CoverageRow] = field(default_factory=list)
    total: CoverageRow | None = None


def _column(currency: str) -> str:
    return "value_cny" if currency == "cny" else "value_usd"


def _sum_by(qs: QuerySet[Any], key: Any, column: str) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for row in qs.annotate(k=key).values("k").annotate(v=Sum(column)).order_by():
        out[str(row["k"] or "-")] += row["v"] or ZERO
    return out


def coverage(year: int, month: int, *, currency: str = "cny", limit: int = 20) -> Coverage:
    """Enterprise records ÷ official, 1–month of `year`: by month, partner and HS chapter.
    Records come from the city-wide rollups (the same sums the trade pages show)."""
    from django.db.models import F

    months = _months(year, month)
    column = _column(currency)
    official = OfficialTrade.objects.filter(period__in=months)
    rolled = TradeRollup.objects.filter(period__in=months)
    result = Coverage(year=year, month=month, currency=currency)
    off_m = _sum_by(official, F("period"), column)
    rec_m = _sum_by(rolled.filter(dimension=Dimension.MODE), F("period"), column)
    for m in months:
        k = str(m)
        result.by_month.append(
            CoverageRow(m.strftime("%Y-%m"), f"{m.month}月", off_m.get(k, ZERO), rec_m.get(k, ZERO))
        )
    result.total = CoverageRow(
        "total", "合计", sum(off_m.values(), ZERO), sum(rec_m.values(), ZERO)
    )
    off_p = _sum_by(official, F("partner_code"), column)
    rec_p = _sum_by(rolled.filter(dimension=Dimension.PARTNER), F("key"), column)
    names = names_for("partner", list(off_p))
    result.by_partner = sorted(
        (CoverageRow(k, names.get(k, k), v, rec_p.get(k, ZERO)) for k, v in off_p.items()),
        key=lambda r: -r.official,
    )[:limit]
    off_c = _sum_by(official, Substr("hs_code", 1, 2), column)
    rec_c = _sum_by(rolled.filter(dimension=Dimension.HS2), F("key"), column)
    chapter_names = names_for("hs2", list(off_c))
    result.by_chapter = sorted(
        (CoverageRow(k, chapter_names.get(k, k), v, rec_c.get(k, ZERO)) for k, v in off_c.items()),
        key=lambda r: -r.official,
    )[:limit]
    return result


def latest_official_period() -> dt.date | None:
    row = OfficialTrade.objects.order_by("-period").values_list("period", flat=True).first()
    return row


def values_for_grid(
    indicator: Indicator, period: dt.date, regions: Iterable[Region]
) -> dict[int, IndicatorValue]:
    return {
        v.region_id: v
        for v in IndicatorValue.objects.filter(
            indicator=indicator, period=period, region__in=list(regions)
        )
    }
