"""Demo customs records of 示范市: 36 months of exports and imports of the demo firms.

Each firm trades a set of lines (flow × 8-digit HS code × partner × trade mode) tied to its
sector (machinery ships chapter 84, textiles 61–63 …), with partners weighted as a central-China
city's are and growing where its trade grows (RCEP, Central Asia), the Spring Festival dip and
the Q4 peak, firms entering and leaving, USD values and CNY at a monthly rate. `small` is about
200,000 rows, `large` over 5 million. Rows bypass the ORM (see trade/bulk.py); the loader
replaces every record of the demo firms, so a second run leaves the same data, then rebuilds the
rollups of every month it touched.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils import timezone

from kaifang.core import demo
from kaifang.core.models import HSCode
from kaifang.enterprises.demo import ENTERPRISES, MONTHS, EnterpriseSpec, enterprise_specs
from kaifang.enterprises.models import Enterprise
from kaifang.trade.bulk import insert_rows
from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import rebuild_rollups

SOURCE = "demo"
# Lines (flow × HS × partner × mode) over all firms; rows ≈ lines × active months.
LINES = {"small": 9_000, "large": 260_000}
MAX_LINES_PER_FIRM = {"small": 300, "large": 6_000}

# HS chapters each sector exports and imports, with weights.
CHAPTERS: dict[str, tuple[dict[str, float], dict[str, float]]] = {
    "machinery": (
        {"84": 0.68, "87": 0.12, "73": 0.12, "85": 0.08},
        {"84": 0.6, "85": 0.2, "90": 0.1, "73": 0.1},
    ),
    "electrical": (
        {"85": 0.74, "84": 0.1, "90": 0.1, "94": 0.06},
        {"85": 0.6, "90": 0.15, "84": 0.15, "39": 0.1},
    ),
    "textiles": (
        {"61": 0.3, "62": 0.3, "63": 0.2, "52": 0.08, "55": 0.05, "64": 0.07},
        {"52": 0.4, "55": 0.3, "54": 0.2, "84": 0.1},
    ),
    "chemicals": (
        {"29": 0.35, "28": 0.2, "38": 0.2, "39": 0.15, "32": 0.05, "30": 0.05},
        {"29": 0.35, "27": 0.25, "39": 0.2, "28": 0.1, "38": 0.1},
    ),
    "agri": (
        {"07": 0.45, "08": 0.2, "20": 0.25, "09": 0.05, "12": 0.05},
        {"12": 0.4, "10": 0.2, "23": 0.2, "08": 0.2},
    ),
    "materials": (
        {"38": 0.2, "76": 0.3, "70": 0.15, "81": 0.1, "73": 0.15, "68": 0.1},
        {"26": 0.4, "76": 0.2, "81": 0.2, "28": 0.2},
    ),
}

# Customs partner code → (export weight, import weight, yearly growth of the city's trade).
_US, _EU, _RCEP, _CA, _RU, _ME, _LA, _AF, _OTHER = (
    -0.04,
    0.0,
    0.10,
    0.25,
    0.12,
    0.08,
    0.06,
    0.06,
    0.03,
)
PARTNERS: dict[str, tuple[float, float, float]] = {
    "502": (14.0, 8.0, _US),  # 美国
    "304": (5.0, 9.0, _EU),  # 德国
    "309": (3.0, 1.0, _EU),  # 荷兰
    "305": (2.0, 2.0, _EU),  # 法国
    "307": (2.0, 2.0, _EU),  # 意大利
    "312": (1.5, 0.5, _EU),  # 西班牙
    "327": (1.2, 0.3, _EU),  # 波兰
    "301": (1.0, 0.5, _EU),  # 比利时
    "303": (2.0, 1.0, _OTHER),  # 英国
    "116": (6.0, 10.0, _RCEP),  # 日本
    "133": (5.0, 9.0, _RCEP),  # 韩国
    "110": (5.0, 0.5, _OTHER),  # 中国香港
    "143": (1.5, 6.0, _OTHER),  # 中国台湾
    "141": (5.0, 3.0, _RCEP),  # 越南
    "122": (3.0, 3.0, _RCEP),  # 马来西亚
    "136": (3.0, 2.0, _RCEP),  # 泰国
    "112": (3.0, 4.0, _RCEP),  # 印度尼西亚
    "129": (2.0, 0.5, _RCEP),  # 菲律宾
    "132": (2.0, 1.0, _RCEP),  # 新加坡
    "601": (3.0, 12.0, _RCEP),  # 澳大利亚
    "111": (3.0, 0.5, _OTHER),  # 印度
    "344": (4.0, 5.0, _RU),  # 俄罗斯联邦
    "145": (2.0, 3.0, _CA),  # 哈萨克斯坦
    "149": (1.5, 1.0, _CA),  # 乌兹别克斯坦
    "146": (1.0, 0.2, _CA),  # 吉尔吉斯斯坦
    "147": (0.5, 0.2, _CA),  # 塔吉克斯坦
    "148": (0.3, 0.3, _CA),  # 土库曼斯坦
    "131": (2.0, 2.0, _ME),  # 沙特阿拉伯
    "138": (2.5, 0.5, _ME),  # 阿联酋
    "137": (1.5, 0.3, _ME),  # 土耳其
    "113": (0.8, 0.5, _ME),  # 伊朗
    "410": (2.5, 8.0, _LA),  # 巴西
    "429": (2.5, 0.5, _LA),  # 墨西哥
    "412": (1.0, 4.0, _LA),  # 智利
    "434": (0.6, 2.0, _LA),  # 秘鲁
    "402": (0.6, 1.5, _LA),  # 阿根廷
    "501": (1.5, 2.0, _OTHER),  # 加拿大
    "244": (1.0, 2.0, _AF),  # 南非
    "236": (1.0, 0.2, _AF),  # 尼日利亚
    "215": (1.0, 0.2, _AF),  # 埃及
    "224": (0.5, 0.1, _AF),  # 肯尼亚
    "127": (1.0, 0.2, _OTHER),  # 巴基斯坦
    "103": (0.8, 0.1, _OTHER),  # 孟加拉国
}

# Statistics trade modes (10 一般贸易, 15 进料加工, 14 来料加工) and, for e-commerce firms,
# the declaration mode 9610 (跨境贸易电子商务), kept as its code like the importer does.
MODES_GENERAL = {"10": 1.0}
MODES_PROCESSING = {"10": 0.45, "15": 0.45, "14": 0.10}
MODE_ECOMMERCE = "9610"

# Month factors: the Spring Festival month dips (see _FESTIVAL_MONTH), Q4 peaks.
SEASON = {1: 0.95, 2: 0.95, 3: 1.0, 4: 0.98, 5: 1.0, 6: 1.02}
SEASON |= {7: 1.0, 8: 1.0, 9: 1.04, 10: 0.97, 11: 1.08, 12: 1.16}
_FESTIVAL_MONTH = {2021: 2, 2022: 2, 2023: 1, 2024: 2, 2025: 1, 2026: 2, 2027: 2, 2028: 1}
_FESTIVAL_MONTH |= {2029: 2, 2030: 2, 2031: 1, 2032: 2, 2033: 1, 2034: 2, 2035: 2}


def demo_months(today: dt.date | None = None) -> list[dt.date]:
    """The 36 months up to the last full month before `today` (first days, oldest first)."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    months = []
    for _ in range(MONTHS):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        months.append(dt.date(year, month, 1))
    return months[::-1]


def season_factor(month: dt.date) -> float:
    factor = SEASON[month.month]
    if _FESTIVAL_MONTH.get(month.year, 2) == month.month:
        factor *= 0.72
    return factor


def exchange_rates(months: list[dt.date], rng: random.Random) -> list[float]:
    """A plausible monthly USD/CNY rate: a small random walk around 7.15."""
    rate, rates = 7.15, []
    for _ in months:
        rate = min(7.32, max(6.95, rate + rng.gauss(0, 0.025)))
        rates.append(round(rate, 4))
    return rates


@dataclass(frozen=True, slots=True)
class _Line:
    flow: str
    hs_code: str
    unit: str
    partner: str
    mode: str
    base_usd: float  # monthly value when active, before season and trend
    active: float  # probability of trading in a given month
    growth: float  # yearly growth (firm and partner)
    unit_price: float


def _weighted(rng: random.Random, weights: dict[str, float], k: int = 1) -> list[str]:
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


class _Catalog:
    """8-digit HS codes by chapter, with their first unit, from the reference data."""

    def __init__(self) -> None:
        self.codes: dict[str, list[tuple[str, str]]] = {}
        rows = HSCode.objects.filter(level=HSCode.Level.NATIONAL, is_active=True)
        for code, unit in rows.order_by("code").values_list("code", "unit1"):
            self.codes.setdefault(code[:2], []).append((code, unit or "千克"))
        if not self.codes:
            raise RuntimeError("商品编码为空：请先运行 kaifang load-reference")

    def pick(self, rng: random.Random, chapter: str) -> tuple[str, str]:
        return rng.choice(self.codes.get(chapter) or self.codes["84"])


def _firm_lines(
    spec: EnterpriseSpec, n_lines: int, rng: random.Random, catalog: _Catalog
) -> list[_Line]:
    export_chapters, import_chapters = CHAPTERS[spec.sector]
    export_partners = {code: w[0] for code, w in PARTNERS.items()}
    import_partners = {code: w[1] for code, w in PARTNERS.items()}
    modes = MODES_PROCESSING if spec.processing else MODES_GENERAL
    n_products = max(1, min(80, round(math.sqrt(n_lines) * 1.5)))
    products = {
        "export": [catalog.pick(rng, c) for c in _weighted(rng, export_chapters, n_products)],
        "import": [catalog.pick(rng, c) for c in _weighted(rng, import_chapters, n_products)],
    }
    # A firm sells to a handful of markets, the big ones to dozens.
    n_partners = max(1, min(len(PARTNERS), round(2 + math.sqrt(n_lines))))
    markets = {
        "export": dict.fromkeys(_weighted(rng, export_partners, n_partners * 2)),
        "import": dict.fromkeys(_weighted(rng, import_partners, n_partners)),
    }
    seen: set[tuple[str, str, str, str]] = set()
    lines: list[_Line] = []
    shares: list[float] = []
    for _ in range(n_lines * 3):
        if len(lines) >= n_lines:
            break
        flow = "import" if rng.random() < spec.import_share else "export"
        hs_code, unit = rng.choice(products[flow])
        partner = rng.choice(list(markets[flow]))
        mode = _weighted(rng, modes)[0]
        if flow == "export" and spec.ecommerce and rng.random() < 0.3:
            mode = MODE_ECOMMERCE
        key = (flow, hs_code, partner, mode)
        if key in seen:
            continue
        seen.add(key)
        active = rng.uniform(0.35, 0.95)
        share = math.exp(rng.gauss(0, 1.3))
        shares.append(share)
        lines.append(
            _Line(
                flow=flow,
                hs_code=hs_code,
                unit=unit,
                partner=partner,
                mode=mode,
                base_usd=share / active,
                active=active,
                growth=spec.growth + PARTNERS[partner][2],
                unit_price=math.exp(rng.gauss(math.log(30), 1.5)),
            )
        )
    scale = spec.annual_usd / 12 / (sum(shares) or 1.0)
    return [replace(line, base_usd=line.base_usd * scale) for line in lines]


def _line_counts(specs: list[EnterpriseSpec], size: str) -> dict[int, int]:
    """Lines per firm: more for bigger firms (square root of scale), summing to LINES[size]."""
    weights = {s.number: math.sqrt(s.annual_usd) for s in specs}
    total = sum(weights.values())
    cap = MAX_LINES_PER_FIRM[size]
    return {n: max(1, min(cap, round(LINES[size] * w / total))) for n, w in weights.items()}


def generate_rows(
    specs: list[EnterpriseSpec],
    ids: dict[str, int],
    months: list[dt.date],
    *,
    seed: int,
    size: str,
    catalog: _Catalog,
) -> Iterator[tuple[object, ...]]:
    """Rows in trade/bulk.py's COLUMNS order, firm by firm, month by month (deterministic)."""
    rates = exchange_rates(months, random.Random(f"{seed}:rates"))  # noqa: S311 (demo data)
    periods = [m.isoformat() for m in months]
    seasons = [season_factor(m) for m in months]
    counts = _line_counts(specs, size)
    for spec in specs:
        rng = random.Random(f"{seed}:trade:{spec.number}")  # noqa: S311 (demo data, seeded)
        lines = _firm_lines(spec, counts[spec.number], rng, catalog)
        enterprise_id = ids[spec.uscc]
        random_, gauss, exp = rng.random, rng.gauss, math.exp
        for m in range(spec.entry_month, min(spec.exit_month, len(months))):
            period, rate, season, years = (
                periods[m],
                rates[m],
                seasons[m],
                (m - len(months) + 1) / 12,
            )
            for line in lines:
                if random_() > line.active:
                    continue
                usd = line.base_usd * season * (1 + line.growth) ** years * exp(gauss(0, 0.35))
                usd = max(usd, 50.0)
                yield (
                    enterprise_id,
                    period,
                    line.flow,
                    line.hs_code,
                    line.partner,
                    line.mode,
                    f"{usd / line.unit_price:.3f}",
                    line.unit,
                    None,
                    "",
                    f"{usd:.2f}",
                    f"{round(usd, 2) * rate:.2f}",
                    SOURCE,
                    None,
                )


def load_trade(ctx: demo.DemoContext) -> None:
    """Replace the demo firms' customs records with a fresh 36 months, then rebuild rollups."""
    specs = enterprise_specs(ctx.seed, ENTERPRISES[ctx.size])
    ids = {
        uscc: pk
        for uscc, pk in Enterprise.objects.filter(uscc__in=[s.uscc for s in specs]).values_list(
            "uscc", "id"
        )
        if uscc
    }
    missing = [s.uscc for s in specs if s.uscc not in ids]
    if missing or not HSCode.objects.filter(level=HSCode.Level.NATIONAL).exists():
        ctx.log("海关数据：缺少演示企业或商品编码，已跳过（请先运行 kaifang load-reference）")
        return
    months = demo_months()
    # By the enterprise ids, not a join: a DELETE of the records joined to the register had
    # PostgreSQL, without fresh statistics after a COPY, compare every record with every record.
    old = CustomsRecord.objects.filter(
        enterprise_id__in=Enterprise.objects.filter(is_synthetic=True).values("id")
    )
    old_periods = set(old.values_list("period", flat=True).distinct())
    deleted = old._raw_delete(old.db)
    start = time.perf_counter()
    rows = generate_rows(specs, ids, months, seed=ctx.seed, size=ctx.size, catalog=_Catalog())
    written = insert_rows(rows)
    inserted = time.perf_counter()
    rebuild_rollups(old_periods | set(months), settle=True)
    ctx.log(
        f"海关数据：{months[0]:%Y-%m} 至 {months[-1]:%Y-%m}，写入 {written:,} 条"
        f"（替换 {deleted:,} 条，{inserted - start:.0f} 秒），"
        f"汇总已重建（{time.perf_counter() - inserted:.0f} 秒）"
    )


demo.register("trade", 200, load_trade)


# 实际使用外资 comes mostly from Hong Kong, as in every Chinese city's statistics; 对外直接投资
# goes to Hong Kong first, then ASEAN, the Belt and Road and the developed markets.
FDI_SOURCES = {
    "110": 0.66,
    "132": 0.07,
    "143": 0.05,
    "116": 0.05,
    "133": 0.05,
    "502": 0.04,
    "304": 0.04,
    "303": 0.04,
}
ODI_DESTINATIONS = {
    "110": 0.46,
    "132": 0.09,
    "112": 0.09,
    "344": 0.07,
    "502": 0.07,
    "304": 0.06,
    "601": 0.06,
    "129": 0.05,
    "116": 0.05,
}
# A year's total in USD before the investment projects' own records (zones/demo.py) are added;
# the indicators' FDI target is set around the sum.
INVESTMENT_YEAR_USD = {"fdi": 520_000_000.0, "odi": 220_000_000.0}
INVESTMENT_TAG = {"fdi": "外资", "odi": "走出去"}
INVESTMENT_GROWTH = {"fdi": -0.04, "odi": 0.06}


def investment_rows(
    firms: list[int], kind: str, months: list[dt.date], rng: random.Random
) -> list[tuple[int, dt.date, str, float]]:
    """(enterprise, month, country, USD) of the capital a firm received (fdi) or sent abroad
    (odi): lumpy, a few months of a firm's year, heavy-tailed across firms; each twelve months
    scaled to the year's total above, grown by the years, so year-on-year reads plausibly."""
    weights = FDI_SOURCES if kind == "fdi" else ODI_DESTINATIONS
    raw: list[tuple[int, dt.date, str, float]] = []
    for firm in firms:
        size = rng.lognormvariate(0, 1.1)
        country = _weighted(rng, weights)[0]
        for month in months:
            if rng.random() < 0.14:
                raw.append((firm, month, country, size * rng.lognormvariate(0, 0.6)))
    block_of = {month: index // 12 for index, month in enumerate(months)}
    sums: dict[int, float] = {}
    for _firm, month, _country, usd in raw:
        sums[block_of[month]] = sums.get(block_of[month], 0.0) + usd
    scale = {
        block: INVESTMENT_YEAR_USD[kind]
        * (1 + INVESTMENT_GROWTH[kind]) ** block
        * rng.uniform(0.97, 1.03)
        / total
        for block, total in sums.items()
        if total
    }
    return [
        (firm, month, country, round(usd * scale[block_of[month]], 0))
        for firm, month, country, usd in raw
    ]


def load_investment(ctx: demo.DemoContext) -> None:
    """实际使用外资 and 对外直接投资 of the demo firms tagged 外资 and 走出去 over the demo's 36
    months, so the indicators and the briefing have a year before to compare with (the
    investment projects add their own records later)."""
    from kaifang.trade.models import InvestmentRecord

    months = demo_months()
    rng = random.Random(f"{ctx.seed}:investment")  # noqa: S311 (demo data, seeded)
    rates = dict(zip(months, exchange_rates(months, rng), strict=True))
    written = {}
    for kind, tag in INVESTMENT_TAG.items():
        firms = list(
            Enterprise.objects.filter(is_synthetic=True, tags__name=tag)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        InvestmentRecord.objects.filter(kind=kind, source=SOURCE, enterprise_id__in=firms).delete()
        rows = investment_rows(firms, kind, months, rng)
        InvestmentRecord.objects.bulk_create(
            [
                InvestmentRecord(
                    kind=kind,
                    enterprise_id=firm,
                    period=month,
                    partner_code=country,
                    amount_usd=Decimal(f"{usd:.0f}"),
                    amount_cny=Decimal(f"{usd * rates[month]:.2f}"),
                    source=SOURCE,
                )
                for firm, month, country, usd in rows
            ],
            batch_size=2000,
        )
        written[kind] = len(rows)
    ctx.log(
        f"外资和对外投资：{months[0]:%Y-%m} 至 {months[-1]:%Y-%m}，"
        f"实际使用外资 {written['fdi']:,} 条、对外直接投资 {written['odi']:,} 条（虚构）"
    )


demo.register("investment", 210, load_investment)
