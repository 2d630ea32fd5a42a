"""Demo data of 示范市's platforms, parks, chains and investment projects.

The platforms the speech names (自贸区片区, 综保区 to be approved by year-end, 铁路/航空口岸,
多式联运, 跨境电商, 服务外包, 中亚班列, 自贸大厦 to open this year) with their status history,
milestones (one handed to supervision) and two years of monthly KPIs against targets; a park
profile on every park unit, the two the speech names (中欧科创国际合作产业园, 中德产业园)
with their 专人专班 and two years of monthly KPIs (demo_extra.py); a platform's appeals;
projects at every stage, some stuck; two chains built on the demo city's sectors and customs
records. Idempotent: everything is found by name first; the second run
changes nothing."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

from django.utils import timezone

from kaifang.core import demo
from kaifang.core.models import Industry, Partner, Unit, User
from kaifang.enterprises.models import Enterprise
from kaifang.trade.models import InvestmentRecord
from kaifang.trade.selectors.measures import add_months
from kaifang.zones import actions, chain_rollup, demo_extra
from kaifang.zones.actions import parks as actions_parks
from kaifang.zones.models import (
    Chain,
    ChainSegment,
    KpiDefinition,
    KpiTarget,
    KpiValue,
    Park,
    Platform,
    PlatformKind,
    Project,
)

# name, kind, status path [(status, months ago)], district, park unit, responsible unit, leader
PLATFORMS = [
    (
        "中国（某某）自由贸易试验区示范片区",
        "自贸试验区片区",
        [("applying", 60), ("approved", 48), ("building", 46), ("operating", 30)],
        "高新区经济发展局",
        None,
        "高新区经济发展局",
        "王示范",
    ),
    (
        "示范综合保税区",
        "综合保税区",
        [("applying", 20)],
        "高新区经济发展局",
        "示范综合保税区管委会",
        "示范综合保税区管委会",
        "李开放",
    ),
    (
        "示范铁路口岸",
        "铁路口岸",
        [("applying", 30), ("approved", 18), ("building", 12)],
        "北山县商务局",
        "北山现代物流园管委会",
        "示范市口岸和物流办公室",
        "李开放",
    ),
    ("示范航空口岸", "航空口岸", [], "南湖区商务局", None, "示范市口岸和物流办公室", "李开放"),
    (
        "示范多式联运物流中心",
        "多式联运",
        [("building", 36), ("operating", 20)],
        "北山县商务局",
        "北山现代物流园管委会",
        "示范市交通运输局",
        "",
    ),
    (
        "中国（示范）跨境电子商务综合试验区",
        "跨境电商综合试验区",
        [("applying", 40), ("approved", 34), ("operating", 28)],
        "西城区商务局",
        None,
        "电子商务科",
        "李开放",
    ),
    (
        "示范服务外包示范城市",
        "服务外包示范城市",
        [("applying", 8)],
        None,
        None,
        "外资科",
        "李开放",
    ),
    (
        "示范中亚班列",
        "中欧/中亚班列",
        [("approved", 30), ("operating", 26)],
        "北山县商务局",
        "北山现代物流园管委会",
        "开放平台科",
        "王示范",
    ),
    (
        "自贸大厦",
        "开放载体",
        [("building", 14)],
        "高新区经济发展局",
        None,
        "开放平台科",
        "李开放",
    ),
]

# platform → milestones (title, months from now (negative: past), done)
MILESTONES = {
    "示范综合保税区": [
        ("省政府向国务院报送设立申请", -14, True),
        ("国家部委联合预审", -4, True),
        ("国务院批复设立（年底前获批）", 0, False),
        ("围网及卡口工程开工", 4, False),
    ],
    "自贸大厦": [
        ("主体结构封顶", -6, True),
        ("内部装修完成", -1, False),
        ("投入使用（年内完成）", 0, False),
    ],
    "示范铁路口岸": [
        ("海关监管作业场所通过验收", -2, False),
        ("口岸正式开放", 5, False),
    ],
    "示范服务外包示范城市": [("申报材料报商务部", 1, False)],
    "示范中亚班列": [("开通至塔什干新线路", 2, False)],
}

# KPI name → (base monthly value, yearly growth)
KPI_BASE = {
    "新设企业数": (35, 0.08),
    "实际使用外资": (1800, 0.05),
    "进出口额": (9.5, 0.12),
    "口岸进出口货值": (4.2, 0.2),
    "口岸货运量": (3.1, 0.15),
    "多式联运集装箱量": (5200, 0.18),
    "跨境电商交易额": (6.8, 0.25),
    "新增跨境电商企业": (22, 0.1),
    "服务外包执行额": (2600, 0.1),
    "离岸执行额": (1500, 0.08),
    "班列开行列数": (12, 0.3),
    "班列货值": (3.6, 0.28),
}

PARKS = [
    # unit, name, kind, tier, area, lead industry codes (GB/T 4754 大类), outputs (亿元)
    (
        "中欧科创国际合作产业园管委会",
        "中欧科创国际合作产业园",
        "cooperation",
        "10b",
        "12.5",
        ("34", "38", "40"),
        ("68.3", "81.6", "100"),
    ),
    (
        "中德产业园管委会",
        "中德产业园",
        "cooperation",
        "10b",
        "9.8",
        ("34", "36", "38"),
        ("55.2", "66.9", "100"),
    ),
    (
        "示范经济技术开发区管委会",
        "示范经济技术开发区",
        "development",
        "100b",
        "86",
        ("34", "36", "26"),
        ("612", "698", "1000"),
    ),
    ("示范综合保税区管委会", "示范综合保税区", "bonded", "", "2.9", ("39",), ("18", "24", "40")),
    (
        "临河工业园区管委会",
        "临河工业园区",
        "industrial",
        "",
        "15",
        ("13", "17"),
        ("88", "96", "110"),
    ),
    ("北山现代物流园管委会", "北山现代物流园", "logistics", "", "6.2", ("59",), ("41", "47", "60")),
]

TEAMS = {
    "中欧科创国际合作产业园": [
        ("juzhang", "李开放", "专班组长"),
        ("dongcheng", "陈东城", "专班联络员"),
        (None, "高科创", "园区招商局局长"),
    ],
    "中德产业园": [
        ("juzhang", "李开放", "专班组长"),
        ("xicheng", "刘西城", "专班联络员"),
        (None, "冯德园", "园区对德合作处处长"),
    ],
}

# name, direction, investor, country code, industry (大类), usd (合同, 到位), park unit,
# district, officer, stage reached, months since the last stage change, terminated reason
PROJECTS = [
    (
        "德国精密轴承华中生产基地",
        "inbound",
        "某某轴承集团",
        "304",
        "34",
        (8000, 5200),
        "中德产业园管委会",
        "西城区商务局",
        "xicheng",
        5,
        3,
        "",
    ),
    (
        "中德智能液压件项目",
        "inbound",
        "莱茵液压技术有限公司",
        "304",
        "34",
        (3500, 1200),
        "中德产业园管委会",
        "西城区商务局",
        "xicheng",
        4,
        2,
        "",
    ),
    (
        "德资汽车电子研发中心",
        "inbound",
        "巴伐利亚汽车电子",
        "304",
        "39",
        (2000, None),
        "中德产业园管委会",
        "西城区商务局",
        "xicheng",
        2,
        5,
        "",
    ),
    (
        "中欧新能源电驱系统项目",
        "inbound",
        "法兰西电驱公司",
        "305",
        "38",
        (12000, 3000),
        "中欧科创国际合作产业园管委会",
        "东城区商务局",
        "dongcheng",
        3,
        1,
        "",
    ),
    (
        "意大利农机装备合资项目",
        "inbound",
        "波河农机",
        "307",
        "35",
        (4200, None),
        "中欧科创国际合作产业园管委会",
        "东城区商务局",
        "dongcheng",
        1,
        7,
        "",
    ),
    (
        "荷兰冷链物流分拨中心",
        "inbound",
        "鹿特丹冷链集团",
        "309",
        "59",
        (1800, None),
        "北山现代物流园管委会",
        "北山县商务局",
        "waimao",
        0,
        4,
        "",
    ),
    (
        "韩资动力电池隔膜项目",
        "inbound",
        "韩国新材料株式会社",
        "133",
        "29",
        (6000, None),
        "示范经济技术开发区管委会",
        "南湖区商务局",
        "waimao",
        2,
        1,
        "",
    ),
    (
        "日资工业机器人减速器项目",
        "inbound",
        "某某精机株式会社",
        "116",
        "34",
        (5000, 4800),
        "示范经济技术开发区管委会",
        "南湖区商务局",
        "waimao",
        5,
        9,
        "",
    ),
    (
        "新加坡跨境电商产业园",
        "inbound",
        "狮城数字贸易",
        "132",
        "51",
        (2500, 900),
        "示范综合保税区管委会",
        "高新区经济发展局",
        "zongbao",
        3,
        4,
        "",
    ),
    (
        "港资保税维修项目",
        "inbound",
        "香港某某航空工程",
        "110",
        "43",
        (1500, None),
        "示范综合保税区管委会",
        "高新区经济发展局",
        "zongbao",
        1,
        2,
        "",
    ),
    (
        "台资精密模具项目",
        "inbound",
        "某某精密工业",
        "143",
        "35",
        (900, None),
        "临河工业园区管委会",
        "临河县商务局",
        "waimao",
        1,
        14,
        "投资方资金链紧张，暂停在华扩张",
    ),
    (
        "哈萨克斯坦农机海外仓",
        "outbound",
        "示范重工股份有限公司",
        "145",
        "35",
        (600, 450),
        None,
        "东城区商务局",
        "waimao",
        5,
        2,
        "",
    ),
    (
        "乌兹别克斯坦纺织产业园",
        "outbound",
        "示范纺织集团",
        "149",
        "17",
        (3200, 1100),
        None,
        "临河县商务局",
        "waimao",
        4,
        4,
        "",
    ),
    (
        "越南服装加工厂",
        "outbound",
        "示范服饰有限公司",
        "141",
        "18",
        (1500, 1500),
        None,
        "西城区商务局",
        "xicheng",
        5,
        11,
        "",
    ),
    (
        "俄罗斯矿山机械营销中心",
        "outbound",
        "示范矿山机械有限公司",
        "344",
        "35",
        (400, None),
        None,
        "南湖区商务局",
        "waimao",
        2,
        6,
        "",
    ),
    (
        "泰国新能源电池组装厂",
        "outbound",
        "示范新能源科技",
        "136",
        "38",
        (5000, None),
        None,
        "高新区经济发展局",
        "waimao",
        3,
        2,
        "",
    ),
    (
        "沙特光伏电站EPC",
        "outbound",
        "示范电力设备有限公司",
        "131",
        "38",
        (8000, None),
        None,
        "东城区商务局",
        "dongcheng",
        1,
        3,
        "",
    ),
    (
        "印度尼西亚镍资源合作",
        "outbound",
        "示范新材料有限公司",
        "112",
        "32",
        (20000, None),
        None,
        "临河县商务局",
        "waimao",
        1,
        10,
        "东道国出口政策调整，项目终止",
    ),
    (
        "奥地利机床再制造项目",
        "inbound",
        "多瑙河机床",
        "315",
        "34",
        (700, None),
        "中欧科创国际合作产业园管委会",
        "东城区商务局",
        "dongcheng",
        0,
        1,
        "",
    ),
    (
        "法国生物医药研发中心",
        "inbound",
        "里昂生物",
        "305",
        "27",
        (3000, None),
        "中欧科创国际合作产业园管委会",
        "东城区商务局",
        "dongcheng",
        0,
        5,
        "",
    ),
]
STAGE_CODES = ["lead", "talks", "signed", "registered", "started", "operating"]

# chain, description, segments: (position, name, industry codes, HS headings, min enterprises)
CHAINS = [
    (
        "高端装备",
        "以矿山机械、机床、轴承和农机为主的装备制造链：上游基础件，中游整机，下游配套与后市场。",
        [
            ("up", "钢材与铸锻件", "3311,3399", "7208,7318,7326", 2),
            ("up", "轴承与液压件", "3451,3444", "8482,8412,8481", 3),
            ("up", "数控系统与伺服电机", "3824", "8537,9031,8501", 2),
            ("mid", "金属加工机床", "3421", "8457,8458,8459,8466", 3),
            ("mid", "矿山与工程机械", "3511", "8429,8430,8474", 3),
            ("mid", "农业机械", "3571,3572", "8432,8433,8436", 2),
            ("down", "汽车零部件", "3670", "8708", 3),
            ("down", "整车与专用车", "3612,3630", "8703,8704,8705", 1),
        ],
    ),
    (
        "新能源与电气装备",
        "从电池材料、光伏硅料到电机、电池、电缆和输配电设备；整车是招引的重点缺口。",
        [
            ("up", "电池正负极材料", "2613,2614", "2825,2836,3801", 2),
            ("up", "光伏硅料与玻璃", "3040", "2804,7007,3818", 1),
            ("mid", "锂离子电池", "3841", "8507", 3),
            ("mid", "电机及控制", "3812,3813", "8501,8503,8504", 3),
            ("mid", "电线电缆", "3831", "8544", 2),
            ("down", "输配电及控制设备", "3825,3849", "8535,8536,8537", 2),
            ("down", "光伏组件与储能", "3825", "8541", 2),
            ("down", "新能源汽车整车", "3612", "8702,8703", 1),
        ],
    ),
]


def _user(username: str | None) -> User | None:
    return User.objects.filter(username=username).first() if username else None


def _unit(name: str | None) -> Unit | None:
    return Unit.objects.filter(name=name).first() if name else None


def _months_ago(today: dt.date, months: int) -> dt.date:
    return add_months(today.replace(day=1), -months).replace(day=min(today.day, 28))


def _kpi_value(name: str, period: dt.date, today: dt.date, seed: int) -> Decimal:
    base, growth = KPI_BASE.get(name, (100, 0.1))
    years_back = (today.year - period.year) + (today.month - period.month) / 12
    season = {1: 0.8, 2: 0.7, 3: 0.95, 10: 1.08, 11: 1.12, 12: 1.2}.get(period.month, 1.0)
    wobble = 1 + (((period.month * 7 + period.year + seed) % 11) - 5) / 50
    value = base * season * wobble / (1 + growth) ** years_back
    return Decimal(str(round(value, 0 if base >= 10 else 2)))


def _platforms(ctx: demo.DemoContext, today: dt.date) -> None:
    officer = _user("waimao")
    for seed, (name, kind_name, path, district, park, unit, leader) in enumerate(PLATFORMS):
        platform = Platform.objects.filter(name=name).first()
        if platform is None:
            start = _months_ago(today, (path[0][1] + 6) if path else 10)
            platform = actions.platform_create(
                actor=officer,
                name=name,
                kind=PlatformKind.objects.get(name=kind_name),
                status_on=start,
                district=_unit(district),
                park=_unit(park),
                unit=_unit(unit),
                leader=leader,
                is_synthetic=True,
            )
            for status, months in path:
                platform = actions.platform_set_status(
                    actor=officer,
                    platform=platform,
                    status=status,
                    on=_months_ago(today, months),
                    note="",
                )
            for title, months, done in MILESTONES.get(name, []):
                due = (
                    dt.date(today.year, 12, 31)
                    if months == 0
                    else add_months(today.replace(day=15), months)
                )
                milestone = actions.milestone_add(
                    actor=officer, platform=platform, title=title, due=due
                )
                if done:
                    actions.milestone_complete(actor=officer, milestone=milestone, done_on=due)
            park_unit = platform.park
            if park_unit is not None:
                platform.enterprises.set(
                    Enterprise.objects.filter(park=park_unit, is_synthetic=True).order_by("pk")[:8]
                )
        if platform.status in ("operating", "building", "approved"):
            _kpis(platform, today, seed)
    # 综保区获批: the year-end milestone is a supervised task, as the speech asks
    target = Platform.objects.filter(name="示范综合保税区").first()
    if target is not None and officer is not None:
        pending = target.milestones.filter(task_ref__isnull=True, done_on__isnull=True).first()
        if pending is not None and "获批" in pending.title:
            try:
                actions.milestone_open_task(actor=officer, milestone=pending)
            except Exception as error:  # supervision absent: the demo still stands
                ctx.log(f"zones: 节点未转督办（{error}）")


def _kpis(platform: Platform, today: dt.date, seed: int) -> None:
    definitions = list(KpiDefinition.objects.filter(kind_id=platform.kind_id))
    last = add_months(today.replace(day=1), -1)
    months = [add_months(last, -i) for i in range(24)]
    have = set(KpiValue.objects.filter(platform=platform).values_list("definition_id", "period"))
    KpiValue.objects.bulk_create(
        [
            KpiValue(
                platform=platform,
                definition=d,
                period=m,
                value=_kpi_value(d.name, m, today, seed),
            )
            for d in definitions
            for m in months
            if (d.pk, m) not in have
        ]
    )
    for d in definitions:
        for year in (today.year - 1, today.year):
            full = sum(
                (_kpi_value(d.name, dt.date(year, m, 1), today, seed) for m in range(1, 13)),
                Decimal(0),
            )
            KpiTarget.objects.get_or_create(
                platform=platform,
                definition=d,
                year=year,
                defaults={"target": (full * Decimal("1.08")).quantize(Decimal("1"))},
            )


def _parks(today: dt.date) -> None:
    for unit_name, name, kind, tier, area, industries, outputs in PARKS:
        unit = _unit(unit_name)
        if unit is None:
            continue
        park = Park.objects.filter(unit=unit).first()
        if park is None:
            park = actions_parks.park_create(
                actor=None,
                name=name,
                kind=kind,
                unit=unit,
                area_km2=Decimal(area),
                tier=tier,
                lead_industries=list(Industry.objects.filter(code__in=industries)),
                is_synthetic=True,
            )
            last_year, this_year, target = (Decimal(v) for v in outputs)
            actions_parks.park_output_set(
                actor=None,
                park=park,
                year=today.year - 1,
                output=last_year,
                target=(last_year * Decimal("1.05")).quantize(Decimal("0.1")),
            )
            actions_parks.park_output_set(
                actor=None, park=park, year=today.year, output=this_year, target=target
            )
            for username, person, role in TEAMS.get(name, []):
                actions_parks.park_team_add(
                    actor=None, park=park, name=person, role=role, user=_user(username)
                )


def _projects(today: dt.date) -> None:
    partners = {p.code: p for p in Partner.objects.all()}
    industries = {i.code: i for i in Industry.objects.filter(level=2)}
    platforms = {p.park_id: p for p in Platform.objects.exclude(park=None)}
    for number, row in enumerate(PROJECTS):
        (name, direction, investor, country, industry, usd, park, district, officer) = row[:9]
        reached, quiet_months, terminated = row[9:]
        if Project.objects.filter(name=name).exists():
            continue
        park_unit, district_unit = _unit(park), _unit(district)
        last_change = _months_ago(today, quiet_months)
        start = add_months(last_change, -(reached * 3 + 2))
        enterprise = None
        if direction == "outbound" or reached >= 3:
            where: dict[str, Unit | None] = (
                {"park": park_unit} if park_unit else {"district": district_unit}
            )
            found = Enterprise.objects.filter(is_synthetic=True, **where).order_by("pk")
            enterprise = next(iter(found[number : number + 1]), None)
        contracted, actual = usd
        project = actions.project_create(
            actor=_user(officer),
            name=name,
            direction=direction,
            lead_on=start,
            is_synthetic=True,
            investor=investor,
            country=partners.get(country),
            industry=industries.get(industry),
            contracted_usd=Decimal(contracted),
            contracted_cny=Decimal(contracted) * Decimal("7.1"),
            actual_usd=Decimal(actual) if actual is not None else None,
            actual_cny=Decimal(actual) * Decimal("7.1") if actual is not None else None,
            district=district_unit,
            park=park_unit,
            platform=platforms.get(park_unit.pk) if park_unit else None,
            enterprise=enterprise,
            officer=_user(officer),
        )
        for index in range(1, reached + 1):
            on = last_change if index == reached else add_months(start, index * 3)
            actions.project_move(
                actor=_user(officer),
                project=project,
                stage=STAGE_CODES[index],
                on=min(on, last_change),
                enterprise_name=f"示范{investor}有限公司",
            )
        if terminated:
            actions.project_move(
                actor=_user(officer), project=project, stage="terminated", on=today, note=terminated
            )
        project.refresh_from_db()
        _investment(project, today, number)


def _investment(project: Project, today: dt.date, number: int) -> None:
    """FDI/ODI records of the project's enterprise, most of them agreeing with the project's
    figure and some not, so the reconciliation page has differences to show."""
    if project.enterprise is None or project.actual_usd is None or project.country is None:
        return
    share = Decimal("1") if number % 3 else Decimal("0.8")
    usd = (project.actual_usd * 10_000 * share).quantize(Decimal("1"))
    InvestmentRecord.objects.update_or_create(
        kind="fdi" if project.direction == "inbound" else "odi",
        enterprise=project.enterprise,
        period=add_months(today.replace(day=1), -2),
        partner_code=project.country.code,
        defaults={
            "amount_usd": usd,
            "amount_cny": usd * Decimal("7.1"),
            "source": "demo",
            "counterparts": project.investor,
        },
    )


def _chains() -> None:
    for order, (name, description, segments) in enumerate(CHAINS, start=1):
        chain, created = Chain.objects.get_or_create(
            name=name,
            defaults={"description": description, "order": order, "is_synthetic": True},
        )
        if not created:
            continue
        ChainSegment.objects.bulk_create(
            [
                ChainSegment(
                    chain=chain,
                    position=position,
                    name=segment,
                    industry_codes=codes,
                    hs_headings=headings,
                    min_enterprises=minimum,
                    order=index,
                )
                for index, (position, segment, codes, headings, minimum) in enumerate(segments)
            ]
        )


def _ensure_platform_kinds() -> None:
    """The platform kinds with their KPIs, and the park KPIs, come from data migrations; a
    database emptied since (a flushed test database, a hand-cleaned table) gets them again,
    idempotently."""
    from django.apps import apps

    fill = importlib.import_module("kaifang.zones.migrations.0002_fill_platform_kinds").fill
    fill(apps, None)
    park_kpis = importlib.import_module("kaifang.zones.migrations.0003_park_kpis_platform_appeals")
    park_kpis.fill_park_kpis(apps, None)


def load_demo(ctx: demo.DemoContext) -> None:
    today = timezone.localdate()
    _ensure_platform_kinds()
    _platforms(ctx, today)
    _parks(today)
    demo_extra.park_kpis(today)
    _projects(today)
    _chains()
    chain_rollup.sync_codes()  # the chains' rollup of the records loaded before (trade: 200)
    demo_extra.appeals(ctx)
    ctx.log(
        f"zones: {Platform.objects.count()} 个平台，{Park.objects.count()} 个园区，"
        f"{Project.objects.count()} 个招商项目，{Chain.objects.count()} 条产业链"
    )


def register_loader() -> None:
    demo.register("zones", 450, load_demo)
