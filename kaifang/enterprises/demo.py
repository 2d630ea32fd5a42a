"""Demo enterprises of 示范市: about 2,000 outward-oriented firms of an industrial inland city.

`enterprise_specs(seed)` is pure and deterministic: the trade loader calls it again to know each
firm's sector, scale and trading life (entry and exit month) without reading them back from the
database. Names are plausible and clearly fictional (every one is a 示范市 firm); every USCC is a
valid synthetic code; everything written is marked `is_synthetic=True`.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from kaifang.core import demo
from kaifang.core.lib.uscc import synthetic_uscc
from kaifang.core.models import Industry, RoleCode, Unit, UnitKind, User
from kaifang.enterprises.models import Enterprise, EnterpriseStatus, Ownership, Size, Tag
from kaifang.enterprises.signals import bulk_write

# Firms per size: the same city either way; `large` has more trade lines per firm.
ENTERPRISES = {"small": 2000, "large": 2000}
# Synthetic USCC numbers start here, away from the small numbers tests and benchmarks use.
USCC_BASE = 41_000_000
MONTHS = 36
TAGS = ("外贸", "外资", "走出去", "跨境电商", "服务外包")


@dataclass(frozen=True)
class Sector:
    """A slice of the city's industry: GB/T 4754 classes and words for plausible names."""

    code: str
    weight: float
    industries: tuple[str, ...]
    words: tuple[str, ...]


SECTORS = (
    Sector(
        "machinery",
        0.30,
        ("3421", "3441", "3444", "3451", "3511", "3571", "3572", "3670"),
        ("重型机械", "精密机床", "矿山机械", "轴承", "液压", "农业装备", "泵业", "汽车零部件"),
    ),
    Sector(
        "electrical",
        0.18,
        ("3812", "3813", "3824", "3825", "3831", "3841", "3849", "3982"),
        ("电机", "电气", "电缆", "新能源", "光伏科技", "电池", "电子科技", "电力设备"),
    ),
    Sector(
        "textiles",
        0.17,
        ("1711", "1713", "1771", "1811", "1819", "1830", "1951"),
        ("纺织", "服饰", "制衣", "家纺", "针织", "印染", "鞋业"),
    ),
    Sector(
        "chemicals",
        0.13,
        ("2613", "2614", "2631", "2641", "2651", "2662", "2710", "2922"),
        ("化工", "精细化工", "新材料化学", "涂料", "药业", "塑业", "农化"),
    ),
    Sector(
        "agri",
        0.12,
        ("0141", "1361", "1371", "1372", "1373", "1391", "1399"),
        ("农产品", "食品", "果蔬", "食用菌", "农业开发", "淀粉", "蒜业"),
    ),
    Sector(
        "materials",
        0.10,
        ("3062", "3091", "3240", "3252", "3311", "3399"),
        ("新材料", "碳素", "铝业", "合金材料", "玻纤", "金属制品"),
    ),
)

_BRANDS = (  # noqa: SIM905 (a word list reads better as one string)
    "恒达 宏远 天成 瑞丰 金桥 华创 永信 鼎盛 卓远 合力 远航 嘉禾 广源 新锐 锦程 伟业 "
    "兴邦 泰和 聚源 明德 恒通 中原 河洛 牡丹 龙门 伊川 嵩岳 洛神 天工 长青 润泽 光华 "
    "德润 信诚 安达 昌盛 诚远 丰源 富瑞 海纳 弘毅 华兴 佳禾 金鼎 凯达 立信 隆基 茂源 "
    "鹏程 启航 荣华 三和 盛世 同创 万象 文昌 祥瑞 鑫源 亚泰 一诺 元亨 振兴 志远 卓信"
).split()
_PLACES = ("示范", "示范市", "东城", "西城", "南湖", "高新", "临河", "北山")
# A firm named after a place is named after its own district (or the city).
_HOME_PLACE = {
    "东城区商务局": "东城",
    "西城区商务局": "西城",
    "南湖区商务局": "南湖",
    "高新区经济发展局": "高新",
    "临河县商务局": "临河",
    "北山县商务局": "北山",
}


def _home_places(district: str) -> tuple[str, ...]:
    """Names a firm of `district` may start with: mostly its district, sometimes the city."""
    home = _HOME_PLACE[district]
    return ("示范", "示范市", home, home, home, home)


_FOREIGN_PLACES = ("示范中德", "示范中欧", "示范中韩", "示范中日", "示范港")
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志海东文斌"
_ROADS = ("工业大道", "开元路", "科技路", "滨河路", "纬二路", "经三路", "创业大道", "物流大道")
_DIRECTIONS = (
    "拓展共建“一带一路”国家和中亚市场，申请中欧班列舱位",
    "建设海外仓，发展跨境电商B2B出口",
    "扩大进料加工规模，申请综保区入区",
    "开拓RCEP市场，用好原产地证书关税减让",
    "加大研发投入，提升高附加值产品出口比重",
    "在境外设立营销中心或组装厂",
)
_PROBLEMS = (
    "海运费上涨，集装箱订舱困难",
    "汇率波动大，缺少避险工具",
    "出口退税到账慢，资金周转紧张",
    "欧美客户订单减少，需开拓新兴市场",
    "缺少外贸业务人才",
    "境外认证周期长、费用高",
)

# Districts and their parks (the demo city's unit names), and how firms spread over them.
DISTRICT_WEIGHTS = {
    "东城区商务局": 0.20,
    "西城区商务局": 0.17,
    "南湖区商务局": 0.18,
    "高新区经济发展局": 0.22,
    "临河县商务局": 0.13,
    "北山县商务局": 0.10,
}


@dataclass(frozen=True)
class EnterpriseSpec:
    """One demo firm as the loaders need it; `annual_usd` is its typical yearly trade."""

    number: int
    uscc: str
    customs_code: str
    name: str
    former_name: str
    sector: str
    industry_code: str
    district: str
    in_park: bool
    ownership: str
    size: str
    tags: tuple[str, ...]
    annual_usd: float
    import_share: float
    processing: bool  # does processing trade (进料/来料加工)
    ecommerce: bool  # ships cross-border e-commerce parcels
    entry_month: int  # first month index (0 … 35) it trades in
    exit_month: int  # first month index it no longer trades in (36 = still trading)
    closed: bool
    growth: float  # yearly growth of its trade
    contact: str
    address: str


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _size_for(annual_usd: float) -> str:
    if annual_usd >= 50e6:
        return Size.LARGE
    if annual_usd >= 5e6:
        return Size.MEDIUM
    if annual_usd >= 0.5e6:
        return Size.SMALL
    return Size.MICRO


def _customs_code(number: int, ownership: str, *, in_park: bool) -> str:
    """Registration area 4103, zone type (1 ordinary, 6 bonded zone), firm type, sequence."""
    kinds: dict[str, str] = {
        Ownership.STATE: "1",
        Ownership.FOREIGN: "4",
        Ownership.HMT: "3",
        Ownership.COLLECTIVE: "5",
    }
    kind = kinds.get(ownership, "9")
    return f"4103{'6' if in_park and number % 5 == 0 else '9'}{kind}{number:04d}"


def enterprise_specs(seed: int, count: int) -> list[EnterpriseSpec]:
    """The demo firms for `seed`, the same list every time (pure: no database)."""
    rng = random.Random(f"{seed}:enterprise-specs")  # noqa: S311 (demo data, seeded)
    sector_weights = {s.code: s.weight for s in SECTORS}
    sectors = {s.code: s for s in SECTORS}
    ownerships: dict[str, float] = {
        Ownership.PRIVATE: 0.70,
        Ownership.FOREIGN: 0.11,
        Ownership.HMT: 0.06,
        Ownership.STATE: 0.09,
        Ownership.COLLECTIVE: 0.02,
        Ownership.OTHER: 0.02,
    }
    used_names: set[str] = set()
    specs = []
    for number in range(count):
        sector = sectors[_weighted(rng, sector_weights)]
        ownership = _weighted(rng, ownerships)
        foreign = ownership in (Ownership.FOREIGN, Ownership.HMT)
        # Heavy tail: lognormal body (median about 0.6 million USD a year) …
        annual = math.exp(rng.gauss(math.log(0.6e6), 1.6))
        # … and a handful of anchor exporters that dominate the city's figures.
        if number < 6:
            annual = rng.uniform(250e6, 700e6)
        elif number < 30:
            annual = max(annual, rng.uniform(30e6, 150e6))
        if ownership == Ownership.STATE:
            annual *= 1.5
        district = _weighted(rng, DISTRICT_WEIGHTS)
        in_park = rng.random() < (0.75 if annual > 20e6 else 0.5)
        name = ""
        while not name or name in used_names:
            place = rng.choice(_FOREIGN_PLACES if foreign else _home_places(district))
            brand = rng.choice(_BRANDS)
            word = rng.choice(sector.words)
            suffix = "股份有限公司" if annual > 80e6 and not foreign else "有限公司"
            name = f"{place}{brand}{word}{suffix}"
        used_names.add(name)
        former = ""
        if rng.random() < 0.04:
            home = _home_places(district)
            former = f"{rng.choice(home)}{rng.choice(_BRANDS)}{rng.choice(sector.words)}厂"
        # Entering and leaving: new exporters start late, some firms stop trading.
        entry, exit_, closed = 0, MONTHS, False
        roll = rng.random()
        if number >= 30 and roll < 0.10:
            entry = rng.randint(1, MONTHS - 1)
        elif number >= 30 and roll < 0.17:
            exit_ = rng.randint(6, MONTHS - 3)
            closed = rng.random() < 0.3
        processing = sector.code in ("electrical", "textiles", "machinery") and (
            rng.random() < (0.5 if foreign else 0.12)
        )
        ecommerce = sector.code in ("textiles", "agri", "electrical") and rng.random() < 0.12
        import_share = rng.uniform(0.35, 0.6) if processing else rng.uniform(0.05, 0.5)
        if rng.random() < 0.3:
            import_share = 0.0
        tags = ["外贸"]
        if foreign:
            tags.append("外资")
        if annual > 10e6 and rng.random() < 0.25:
            tags.append("走出去")
        if ecommerce:
            tags.append("跨境电商")
        if rng.random() < 0.03:
            tags.append("服务外包")
        customs_code = ""
        if rng.random() < 0.93:
            customs_code = _customs_code(number, ownership, in_park=in_park)
        specs.append(
            EnterpriseSpec(
                number=number,
                uscc=synthetic_uscc(USCC_BASE + number),
                customs_code=customs_code,
                name=name,
                former_name=former,
                sector=sector.code,
                industry_code=rng.choice(sector.industries),
                district=district,
                in_park=in_park,
                ownership=ownership,
                size=_size_for(annual),
                tags=tuple(tags),
                annual_usd=annual,
                import_share=import_share,
                processing=processing,
                ecommerce=ecommerce,
                entry_month=entry,
                exit_month=exit_,
                closed=closed,
                growth=rng.gauss(0.05, 0.12),
                contact=rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(_GIVEN),
                address=f"{rng.choice(_ROADS)}{rng.randint(1, 299)}号",
            )
        )
    return specs


def _liaisons(ctx: demo.DemoContext) -> dict[int, list[User]]:
    """Liaison officers by district unit id (the demo city's liaison accounts); a firm only
    ever gets an officer of its own district."""
    by_district: dict[int, list[User]] = {}
    for user in User.objects.filter(
        roles__code=RoleCode.LIAISON, is_synthetic=True, unit__kind=UnitKind.DISTRICT
    ).order_by("username"):
        if user.unit_id is not None:
            by_district.setdefault(user.unit_id, []).append(user)
    return by_district


_FIELDS = (  # noqa: SIM905
    "customs_code name former_names district park industry ownership size address contact_name "
    "liaison status development_direction problems source is_synthetic"
).split()


def load_enterprises(ctx: demo.DemoContext) -> None:
    """Create or update the demo firms (keyed by USCC), their tags and liaison officers."""
    units = {u.name: u for u in Unit.objects.filter(is_synthetic=True)}
    missing = [d for d in DISTRICT_WEIGHTS if d not in units]
    if missing:
        raise RuntimeError(f"示范市单位缺失：{'、'.join(missing)}（先运行 city 载入器）")
    parks: dict[int, list[Unit]] = {}
    for unit in units.values():
        if unit.kind == UnitKind.PARK and unit.parent_id is not None:
            parks.setdefault(unit.parent_id, []).append(unit)
    industries = {
        code: pk
        for code, pk in Industry.objects.filter(level=Industry.Level.CLASS).values_list(
            "code", "id"
        )
    }
    if not industries:
        # Firms without industries would make a poor demo; `make demo` loads reference first.
        ctx.log("企业：行业分类为空，已跳过（请先运行 kaifang load-reference）")
        return
    liaisons = _liaisons(ctx)
    specs = enterprise_specs(ctx.seed, ENTERPRISES[ctx.size])
    rng = random.Random(f"{ctx.seed}:enterprise-details")  # noqa: S311 (demo data, seeded)
    existing = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=[s.uscc for s in specs])}
    to_create: list[Enterprise] = []
    to_update: list[Enterprise] = []
    ranked = sorted(specs, key=lambda s: -s.annual_usd)
    liaison_for = {s.number for s in ranked[:400] if rng.random() < 0.5}
    assigned = 0
    for spec in specs:
        district = units[spec.district]
        park_options = parks.get(district.pk, [])
        park = (
            park_options[spec.number % len(park_options)] if spec.in_park and park_options else None
        )
        officers = liaisons.get(district.pk, [])
        liaison = (
            officers[spec.number % len(officers)]
            if officers and spec.number in liaison_for
            else None
        )
        values: dict[str, object] = {
            "customs_code": spec.customs_code or None,
            "name": spec.name,
            "former_names": [spec.former_name] if spec.former_name else [],
            "district_id": district.pk,
            "park_id": park.pk if park else None,
            "industry_id": industries.get(spec.industry_code),
            "ownership": spec.ownership,
            "size": spec.size,
            "address": f"示范市{district.short_name or ''}{spec.address}",
            "contact_name": spec.contact,
            "liaison_id": liaison.pk if liaison else None,
            "status": EnterpriseStatus.CLOSED if spec.closed else EnterpriseStatus.ACTIVE,
            "development_direction": rng.choice(_DIRECTIONS) if rng.random() < 0.3 else "",
            "problems": rng.choice(_PROBLEMS) if rng.random() < 0.25 else "",
            "source": "demo",
            "is_synthetic": True,
        }
        enterprise = existing.get(spec.uscc) or Enterprise(uscc=spec.uscc)
        for field, value in values.items():
            setattr(enterprise, field, value)
        parts = [spec.name, spec.former_name, spec.uscc, spec.customs_code]
        enterprise.search_text = " ".join(p for p in parts if p)
        (to_update if enterprise.pk else to_create).append(enterprise)
        assigned += liaison is not None
    Enterprise.objects.bulk_create(to_create, batch_size=500)
    with bulk_write(e.pk for e in to_update):  # a re-run may move firms between districts
        Enterprise.objects.bulk_update(to_update, [*_FIELDS, "search_text"], batch_size=500)
    _load_tags(specs)
    ctx.log(
        f"企业：{len(specs)} 家演示企业（新建 {len(to_create)}，更新 {len(to_update)}），"
        f"包联 {assigned} 家（{len([u for us in liaisons.values() for u in us])} 名包联干部，"
        "各管本县区企业）"
    )


def _load_tags(specs: list[EnterpriseSpec]) -> None:
    tags = {}
    for order, name in enumerate(TAGS):
        tags[name], _ = Tag.objects.get_or_create(name=name, defaults={"order": order * 10})
    ids = dict(Enterprise.objects.filter(is_synthetic=True).values_list("uscc", "id"))
    through = Enterprise.tags.through
    synthetic_ids = [ids[s.uscc] for s in specs]
    through.objects.filter(enterprise_id__in=synthetic_ids).delete()
    through.objects.bulk_create(
        [
            through(enterprise_id=ids[s.uscc], tag_id=tags[name].pk)
            for s in specs
            for name in s.tags
        ],
        batch_size=2000,
    )


demo.register("enterprises", 100, load_enterprises)
