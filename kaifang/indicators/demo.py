"""Demo indicators (all synthetic, labelled 演示数据): the usual set and comparison rows; two
years of entered values for the city, districts, peer cities, the province and the nation,
scaled to the demo city's own trade; annual targets; and an official trade series derived from
the demo customs records (official = records × 1.06–1.12, so the records cover about 90%).
Idempotent: values and targets are keyed, the synthetic official series is replaced."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Max, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from kaifang.core import demo
from kaifang.indicators.actions import indicators_seed
from kaifang.indicators.models import (
    COUNT_UNITS,
    Indicator,
    IndicatorValue,
    OfficialImport,
    OfficialTrade,
    Region,
    RegionKind,
    Target,
)
from kaifang.trade.models import CustomsRecord, TradeRollup

SOURCE = "演示数据（虚构）"
# Annual base of the previous year for the city, by entered indicator.
CITY_BASE = {
    "retail": Decimal(1800),
    "online_retail": Decimal(420),
    "new_fie": Decimal(60),
    "cbec": Decimal(95),
    "outsourcing": Decimal(52000),
    "trains": Decimal(600),
}
# Size of each comparison row relative to the city, and its growth.
SCALE = {
    "wuhan": (Decimal(8), 0.09),
    "zhengzhou": (Decimal(6), 0.07),
    "xuzhou": (Decimal("1.3"), 0.05),
    "province": (Decimal(22), 0.06),
    "nation": (Decimal(3000), 0.05),
}
SEASON = [0.78, 0.72, 0.95, 1.0, 1.02, 1.03, 1.0, 1.01, 1.04, 1.05, 1.12, 1.28]


def _latest() -> dt.date:
    found = TradeRollup.objects.aggregate(m=Max("period"))["m"]
    if isinstance(found, dt.date):
        return found
    today = timezone.localdate()
    return dt.date(today.year, today.month, 1)


def _city_trade_bases(year: int) -> dict[str, Decimal]:
    """The demo city's previous-year totals in 亿元 (from its own records), so peers are
    scaled to it."""
    out = {}
    rows = (
        TradeRollup.objects.filter(dimension="mode", period__year=year)
        .values("flow")
        .annotate(v=Sum("value_cny"))
    )
    by_flow = {r["flow"]: (r["v"] or Decimal(0)) / Decimal(100_000_000) for r in rows}
    out["export"] = by_flow.get("export", Decimal(0)) or Decimal(300)
    out["import"] = by_flow.get("import", Decimal(0)) or Decimal(200)
    out["trade_total"] = out["export"] + out["import"]
    # the official series is the records × 1.06–1.12: scale to it, as targets are set on it
    for key in ("export", "import"):
        out[key] = out[key] * Decimal("1.09")
    out["trade_total"] = out["export"] + out["import"]
    out["trade_total_usd"] = out["trade_total"] * Decimal(10000) / Decimal("7.1")
    out["fdi"] = Decimal(65000)
    out["odi"] = Decimal(28000)
    return out


def _series(
    base: Decimal, growth: float, year: int, last_month: int, rng: object, *, whole: bool = False
) -> dict[dt.date, tuple[Decimal, Decimal, Decimal | None, Decimal | None]]:
    """(本月, 累计, 本月同比, 累计同比) for the previous year (12 months) and this year; whole
    numbers for an indicator that counts (新设外资企业 51 家, never 51.1)."""

    def value_of(raw: Decimal) -> Decimal:
        return raw.quantize(Decimal(1), rounding=ROUND_HALF_UP) if whole else raw

    def pct(now: Decimal, before: Decimal) -> Decimal | None:
        return (now - before) / before * 100 if before else None

    out: dict[dt.date, tuple[Decimal, Decimal, Decimal | None, Decimal | None]] = {}
    prev = [
        value_of(base / 12 * Decimal(str(SEASON[m] * rng.uniform(0.96, 1.04))))  # type: ignore[attr-defined]
        for m in range(12)
    ]
    ytd = Decimal(0)
    for m in range(12):
        ytd += prev[m]
        out[dt.date(year - 1, m + 1, 1)] = (prev[m], ytd, None, None)
    ytd_now = Decimal(0)
    ytd_prev = Decimal(0)
    for m in range(last_month):
        value = value_of(prev[m] * Decimal(str(1 + growth + rng.uniform(-0.04, 0.04))))  # type: ignore[attr-defined]
        ytd_now += value
        ytd_prev += prev[m]
        out[dt.date(year, m + 1, 1)] = (
            value,
            ytd_now,
            pct(value, prev[m]),
            pct(ytd_now, ytd_prev),
        )
    return out


def _q(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"))


def load_indicators(ctx: demo.DemoContext) -> None:
    indicators_seed()
    Region.objects.filter(kind__in=[RegionKind.DISTRICT]).update(is_synthetic=True)
    latest = _latest()
    year, last = latest.year, latest.month
    bases = _city_trade_bases(year - 1)
    regions = {r.code: r for r in Region.objects.all()}
    indicators = {i.code: i for i in Indicator.objects.all()}
    now = timezone.now()
    count = 0
    districts = [r for r in regions.values() if r.kind == RegionKind.DISTRICT]
    shares = [Decimal(str(ctx.rng.uniform(0.6, 1.6))) for _ in districts]
    total_share = sum(shares, Decimal(0)) or Decimal(1)
    for code, indicator in indicators.items():
        city_base = CITY_BASE.get(code) or bases.get(code)
        if city_base is None:
            continue
        rows: list[tuple[Region, Decimal, float]] = []
        if not indicator.is_computed:
            rows.append((regions["city"], city_base, 0.07))
            rows += [
                (d, city_base * s / total_share, ctx.rng.uniform(0.0, 0.12))
                for d, s in zip(districts, shares, strict=True)
            ]
        for peer, (scale, growth) in SCALE.items():
            if peer in regions:
                rows.append(
                    (regions[peer], city_base * scale, growth + ctx.rng.uniform(-0.03, 0.03))
                )
        for region, base, growth in rows:
            for period, (month, ytd, myoy, yyoy) in _series(
                base, growth, year, last, ctx.rng, whole=indicator.unit in COUNT_UNITS
            ).items():
                IndicatorValue.objects.update_or_create(
                    indicator=indicator,
                    region=region,
                    period=period,
                    defaults={
                        "month_value": _q(month),
                        "ytd_value": _q(ytd),
                        "month_yoy_pct": _q(myoy),
                        "ytd_yoy_pct": _q(yyoy),
                        "source": SOURCE,
                        "entered_at": now,
                        "is_synthetic": True,
                    },
                )
                count += 1
    targets = 0
    for code, growth in (
        ("trade_total", 1.08),
        ("export", 1.1),
        ("import", 1.05),
        ("fdi", 1.1),
        ("retail", 1.06),
    ):
        indicator = indicators[code]
        base = CITY_BASE.get(code) or bases[code]
        Target.objects.update_or_create(
            indicator=indicator,
            region=regions["city"],
            year=year,
            defaults={
                "value": _q(base * Decimal(str(growth))),
                "growth_pct": Decimal(str(round((growth - 1) * 100, 1))),
                "set_at": now,
                "is_synthetic": True,
            },
        )
        targets += 1
        for d, s in zip(districts, shares, strict=True):
            Target.objects.update_or_create(
                indicator=indicator,
                region=d,
                year=year,
                defaults={
                    "value": _q(base * s / total_share * Decimal(str(growth))),
                    "growth_pct": Decimal(str(round((growth - 1) * 100, 1))),
                    "set_at": now,
                    "is_synthetic": True,
                },
            )
            targets += 1
    official = _load_official(ctx)
    ctx.log(
        f"指标：{count} 个数值，{targets} 个年度目标，海关统计 {official} 行（均为虚构演示数据）"
    )


def _load_official(ctx: demo.DemoContext) -> int:
    """The official series from the demo records by month, flow, HS chapter and partner, each
    month raised by a factor of 1.06–1.12 (the records' coverage about 90%)."""
    OfficialTrade.objects.filter(is_synthetic=True).delete()
    grouped = (
        CustomsRecord.objects.filter(source="demo")
        .annotate(chapter=Substr("hs_code", 1, 2))
        .values("period", "flow", "chapter", "partner_code")
        .annotate(usd=Sum("value_usd"), cny=Sum("value_cny"))
        .order_by()
    )
    factors: dict[dt.date, Decimal] = {}
    rows = []
    for r in grouped.iterator(chunk_size=5000):
        period = r["period"]
        if period not in factors:
            factors[period] = Decimal(str(round(ctx.rng.uniform(1.06, 1.12), 4)))
        f = factors[period]
        rows.append(
            OfficialTrade(
                period=period,
                flow=r["flow"],
                hs_code=r["chapter"] or "",
                partner_code=r["partner_code"] or "",
                value_usd=None if r["usd"] is None else (r["usd"] * f).quantize(Decimal("0.0001")),
                value_cny=None if r["cny"] is None else (r["cny"] * f).quantize(Decimal("0.0001")),
                is_synthetic=True,
            )
        )
    batch = None
    if rows:
        batch = OfficialImport.objects.create(
            filename="演示：海关统计（虚构）",
            sha256="demo",
            flow="total",
            rows_read=len(rows),
            periods=sorted({p.isoformat() for p in factors}),
        )
        for row in rows:
            row.batch = batch
        OfficialTrade.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def register_loader() -> None:
    demo.register("indicators", 350, load_indicators)
