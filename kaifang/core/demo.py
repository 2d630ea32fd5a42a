"""The demo city (示范市): a fictional city with its units and one user per role.

`kaifang demo-data` runs every registered loader in order. core registers "city" (units,
roles, users); later apps register their own (enterprises, trade …) in AppConfig.ready():

    from kaifang.core import demo
    demo.register("enterprises", 200, load_enterprises)

A loader takes a `DemoContext` and must be idempotent: running `demo-data` twice changes
nothing the second time (look records up by a natural key, then update or create).
Everything a loader writes is marked `is_synthetic=True` where the model has that flag.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from django.db import transaction

from kaifang.core.models import DataScope, Role, RoleCode, Unit, UnitKind, User


@dataclass
class DemoContext:
    """What a loader gets: the size asked for, a seeded random source, a log function."""

    size: str = "small"
    seed: int = 2026
    rng: random.Random = field(default_factory=random.Random)
    log: Callable[[str], None] = print

    @property
    def large(self) -> bool:
        return self.size == "large"


Loader = Callable[[DemoContext], None]
SIZES = ("small", "large")


@dataclass(frozen=True)
class _Entry:
    name: str
    order: int
    func: Loader


_LOADERS: dict[str, _Entry] = {}


def register(name: str, order: int, func: Loader) -> None:
    """Add (or replace) a loader; lower `order` runs first. core's "city" is order 0."""
    _LOADERS[name] = _Entry(name=name, order=order, func=func)


def loaders() -> list[tuple[str, int]]:
    return [(e.name, e.order) for e in sorted(_LOADERS.values(), key=lambda e: e.order)]


def run(
    *,
    size: str = "small",
    seed: int = 2026,
    log: Callable[[str], None] = print,
    only: Collection[str] | None = None,
) -> list[str]:
    """Run every loader (or those named in `only`) in order, each in its own transaction;
    return the names run. Tests load just what they need with `only`."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}")
    names = []
    for entry in sorted(_LOADERS.values(), key=lambda e: e.order):
        if only is not None and entry.name not in only:
            continue
        # Each loader gets its own generator so adding a loader never shifts another's data.
        context = DemoContext(
            size=size,
            seed=seed,
            rng=random.Random(f"{seed}:{entry.name}"),  # noqa: S311 (demo data, seeded)
            log=log,
        )
        with transaction.atomic():
            entry.func(context)
        names.append(entry.name)
    return names


# --- The city -----------------------------------------------------------------------------

CITY = "示范市"
LEADERSHIP = "示范市人民政府"
BUREAU = "示范市商务局"


@dataclass(frozen=True)
class DemoUnit:
    name: str
    kind: str
    parent: str | None
    short_name: str = ""
    aliases: str = ""


def _units() -> list[DemoUnit]:
    units = [
        DemoUnit(LEADERSHIP, UnitKind.LEADERSHIP, None, "市政府", "市委市政府,市政府,市领导"),
        DemoUnit(BUREAU, UnitKind.BUREAU, LEADERSHIP, "市商务局", "商务局,市商务局,商务部门"),
    ]
    divisions = [
        ("办公室", "督查室,督查科,局办公室"),
        ("外贸科", "对外贸易科,外贸部门"),
        ("外资科", "外商投资科,利用外资科"),
        ("对外经济合作科", "外经科,对外投资合作科"),
        ("开放平台科", "平台科,口岸科"),
        ("电子商务科", "电商科,跨境电商科"),
        ("消费促进科", "消费科,市场运行科"),
    ]
    units += [DemoUnit(n, UnitKind.DIVISION, BUREAU, "", a) for n, a in divisions]
    districts = [
        ("东城区", "东城区商务局"),
        ("西城区", "西城区商务局"),
        ("南湖区", "南湖区商务局"),
        ("高新区", "高新区经济发展局"),
        ("临河县", "临河县商务局"),
        ("北山县", "北山县商务局"),
    ]
    for area, name in districts:
        units.append(DemoUnit(name, UnitKind.DISTRICT, BUREAU, area, f"{area}商务部门,{area}"))
    parks = [
        ("示范综合保税区管委会", "高新区经济发展局", "综保区", "综合保税区管委会,综保区管委会"),
        ("中欧科创国际合作产业园管委会", "东城区商务局", "中欧产业园", "中欧科创园"),
        ("中德产业园管委会", "西城区商务局", "中德产业园", "中德园"),
        ("示范经济技术开发区管委会", "南湖区商务局", "经开区", "经开区管委会,经开区"),
        ("临河工业园区管委会", "临河县商务局", "临河园区", "临河工业园"),
        ("北山现代物流园管委会", "北山县商务局", "北山物流园", "物流园"),
    ]
    units += [DemoUnit(n, UnitKind.PARK, p, s, a) for n, p, s, a in parks]
    departments = [
        ("示范市发展和改革委员会", "市发改委", "发改委,发展改革委,发改部门"),
        ("示范海关", "海关", "海关,海关部门,示范市海关"),
        ("国家税务总局示范市税务局", "市税务局", "税务局,市税务局,税务部门"),
        ("国家外汇管理局示范市分局", "外汇局", "外汇局,外汇管理部门"),
        ("示范市自然资源和规划局", "自然资源和规划局", "自然资源和规划局,自然资源部门,规划部门"),
        ("示范市市场监督管理局", "市场监管局", "市场监管局,市场监管部门"),
        ("示范市财政局", "市财政局", "财政局,财政部门"),
        ("示范市交通运输局", "市交通运输局", "交通运输局,交通部门"),
        ("示范市工业和信息化局", "市工信局", "工信局,工业和信息化部门"),
        ("示范市人力资源和社会保障局", "市人社局", "人社局,人社部门"),
        ("示范市口岸和物流办公室", "市口岸办", "口岸办,口岸部门"),
    ]
    units += [DemoUnit(n, UnitKind.DEPARTMENT, LEADERSHIP, s, a) for n, s, a in departments]
    return units


DEMO_UNITS = _units()

ROLES = [
    (RoleCode.ADMIN, "系统管理员", DataScope.ALL, "维护单位、用户、字典和系统设置"),
    (RoleCode.LEADER, "领导", DataScope.ALL, "市领导、局领导：查看全部数据"),
    (RoleCode.DIVISION_STAFF, "科室工作人员", DataScope.ALL, "商务局各科室：维护全市数据"),
    (RoleCode.UNIT_STAFF, "单位工作人员", DataScope.UNIT_AND_BELOW, "县区、园区、市直部门"),
    (RoleCode.LIAISON, "包联干部", DataScope.SELF, "负责包联企业的走访与服务"),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    full_name: str
    unit: str
    role: str
    title: str = ""


# Fixed, strong passwords so a demo can be shown from the printed table. Synthetic only:
# `demo-data` refuses nothing, so never load the demo city into a production database.
DEMO_ACCOUNTS = [
    DemoAccount(
        "admin", "Kf#Admin-2026-demo", "系统管理员", "办公室", RoleCode.ADMIN, "信息管理员"
    ),
    DemoAccount("leader", "Kf#Lead-2026-show", "王示范", LEADERSHIP, RoleCode.LEADER, "副市长"),
    DemoAccount("juzhang", "Kf#Chief-2026-desk", "李开放", BUREAU, RoleCode.LEADER, "局长"),
    DemoAccount(
        "waimao", "Kf#Trade-2026-desk", "张外贸", "外贸科", RoleCode.DIVISION_STAFF, "科长"
    ),
    DemoAccount(
        "ducha", "Kf#Duban-2026-desk", "赵督查", "办公室", RoleCode.DIVISION_STAFF, "督查专员"
    ),
    DemoAccount(
        "dongcheng", "Kf#East-2026-dist", "陈东城", "东城区商务局", RoleCode.UNIT_STAFF, "科员"
    ),
    DemoAccount(
        "xicheng", "Kf#West-2026-dist", "刘西城", "西城区商务局", RoleCode.UNIT_STAFF, "科员"
    ),
    DemoAccount(
        "zongbao",
        "Kf#Zone-2026-park",
        "周保税",
        "示范综合保税区管委会",
        RoleCode.UNIT_STAFF,
        "主任",
    ),
    DemoAccount(
        "liaison1", "Kf#Visit-2026-firm", "孙包联", "东城区商务局", RoleCode.LIAISON, "包联干部"
    ),
]

# The large city adds liaison officers liaison2…, one or two per district, sharing liaison1's
# password (load tests and long rosters need more than one).
EXTRA_LIAISONS_LARGE = 12


def load_city(ctx: DemoContext) -> None:
    """Units, roles and demo users of 示范市; safe to run again."""
    units: dict[str, Unit] = {}
    for order, spec in enumerate(DEMO_UNITS):
        unit, _ = Unit.objects.update_or_create(
            name=spec.name,
            defaults={
                "kind": spec.kind,
                "parent": units[spec.parent] if spec.parent else None,
                "short_name": spec.short_name,
                "aliases": spec.aliases,
                "order": order * 10,
                "is_synthetic": True,
                "is_active": True,
            },
        )
        units[spec.name] = unit
    roles: dict[str, Role] = {}
    for code, name, scope, description in ROLES:
        role, _ = Role.objects.update_or_create(
            code=code, defaults={"name": name, "data_scope": scope, "description": description}
        )
        roles[code] = role
    accounts = list(DEMO_ACCOUNTS)
    if ctx.large:
        districts = [u for u in DEMO_UNITS if u.kind == UnitKind.DISTRICT]
        for n in range(2, EXTRA_LIAISONS_LARGE + 2):
            district = districts[n % len(districts)]
            accounts.append(
                DemoAccount(
                    f"liaison{n}",
                    DEMO_ACCOUNTS[-1].password,
                    f"包联干部{n:02d}",
                    district.name,
                    RoleCode.LIAISON,
                    "包联干部",
                )
            )
    created = 0
    for account in accounts:
        is_admin = account.role == RoleCode.ADMIN
        user, was_created = User.objects.update_or_create(
            username=account.username,
            defaults={
                "full_name": account.full_name,
                "unit": units[account.unit],
                "title": account.title,
                "is_staff": is_admin,
                "is_superuser": is_admin,
                "is_active": True,
                "is_synthetic": True,
            },
        )
        if was_created or not user.check_password(account.password):
            user.set_password(account.password)
            user.save(update_fields=["password"])
        user.roles.set([roles[account.role]])
        created += was_created
    ctx.log(
        f"示范市：{len(units)} 个单位，{len(roles)} 个角色，{len(accounts)} 个演示账号"
        f"（新建 {created} 个）"
    )


register("city", 0, load_city)
