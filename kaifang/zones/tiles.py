"""The leaders' dashboard tiles of zones: open platforms and their next milestones, parks
against their tiers and output targets, the project pipeline. Each reads through this app's
scope-filtered selectors, so a district user sees its own platforms, parks and projects, and
returns None when the user sees none (registered with core.tiles; the dashboard does not
import this app)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Max, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from kaifang.core import tiles
from kaifang.core.models import User
from kaifang.zones.models import (
    PIPELINE,
    ParkOutput,
    ParkTier,
    PlatformMilestone,
    PlatformStatus,
    Stage,
    ZoneSettings,
)
from kaifang.zones.selectors import (
    milestone_light,
    parks_visible,
    platforms_visible,
    projects_visible,
    stuck_q,
)

# the output (亿元) a park of each tier is to reach
TIER_OUTPUT = {ParkTier.TEN_BILLION: Decimal(100), ParkTier.HUNDRED_BILLION: Decimal(1000)}
LIGHT_TONES = {"red": "bad", "yellow": "warn", "blue": "", "green": "good"}


def _user(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) else None


def platform_tile(request: HttpRequest) -> tiles.Tile | None:
    """Platforms by status, overdue milestones, and the next milestone due."""
    user = _user(request)
    if user is None:
        return None
    platforms = platforms_visible(user=user)
    counts = {
        r["status"]: r["n"] for r in platforms.order_by().values("status").annotate(n=Count("id"))
    }
    if not counts:
        return None
    today = timezone.localdate()
    open_steps = PlatformMilestone.objects.filter(
        platform__in=platforms.values("pk"), done_on__isnull=True
    )
    overdue = open_steps.filter(due__lt=today).count()
    upcoming = open_steps.filter(due__gte=today).select_related("platform").order_by("due").first()
    running = counts.get(PlatformStatus.OPERATING, 0)
    building = counts.get(PlatformStatus.APPLYING, 0) + counts.get(PlatformStatus.BUILDING, 0)
    figures = [
        tiles.TileFigure("平台总数", f"{sum(counts.values())} 个"),
        tiles.TileFigure("申建/建设中", f"{building} 个"),
        tiles.TileFigure("运营", f"{running} 个", "good" if running else ""),
        tiles.TileFigure("逾期节点", f"{overdue} 个", "bad" if overdue else "good"),
    ]
    note = ""
    if upcoming is not None:
        light = milestone_light(
            upcoming, today=today, warn_days=ZoneSettings.current().milestone_warn_days
        )
        figures.append(
            tiles.TileFigure("下一节点", f"{upcoming.due:%Y-%m-%d}", LIGHT_TONES.get(light, ""))
        )
        note = f"{upcoming.platform.name}：{upcoming.title}"
    return tiles.Tile(
        title="开放平台", url=reverse("zones:platform_list"), figures=figures, note=note
    )


def _output_year(request: HttpRequest, parks_years: int | None) -> int | None:
    """The dashboard's year when it asks for one, else the newest year with an output."""
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return parks_years


def _output(row: ParkOutput | None) -> Decimal | None:
    return None if row is None else row.output


def park_tile(request: HttpRequest) -> tiles.Tile | None:
    """Parks aiming at 百亿级/千亿级 and how many have reached their tier's output; the
    year's output against the parks' targets (营业收入/产值, 亿元)."""
    user = _user(request)
    if user is None:
        return None
    parks = parks_visible(user=user)
    total = parks.count()
    if not total:
        return None
    outputs_all = ParkOutput.objects.filter(park__in=parks.values("pk"))
    year = _output_year(request, outputs_all.aggregate(y=Max("year"))["y"])
    outputs = (
        {}
        if year is None
        else {
            o.park_id: o for o in outputs_all.filter(year=year).only("park_id", "output", "target")
        }
    )
    figures = [tiles.TileFigure("园区", f"{total} 个")]
    for tier, floor in TIER_OUTPUT.items():
        ids = list(parks.filter(tier=tier).values_list("pk", flat=True))
        if not ids:
            continue
        reached = sum(1 for pk in ids if (_output(outputs.get(pk)) or 0) >= floor)
        figures.append(
            tiles.TileFigure(
                f"{tier.label}目标",
                f"{len(ids)} 个 · 已达 {reached}",
                "good" if reached == len(ids) else "warn",
            )
        )
    with_target = [o for o in outputs.values() if o.target and o.output is not None]
    if with_target:
        done = sum((o.output or Decimal(0) for o in with_target), Decimal(0))
        aim = sum((o.target or Decimal(0) for o in with_target), Decimal(0))
        pct = done / aim * 100
        figures.append(
            tiles.TileFigure(
                f"{year}年产值目标完成",
                f"{pct:.1f}%",
                "good" if pct >= 100 else "warn" if pct >= 80 else "bad",
            )
        )
    return tiles.Tile(title="园区发展", url=reverse("zones:park_list"), figures=figures)


def project_tile(request: HttpRequest) -> tiles.Tile | None:
    """The pipeline (线索 → 投产/运营): projects at each stage now, and the stuck ones."""
    user = _user(request)
    if user is None:
        return None
    projects = projects_visible(user=user).order_by()
    sums = projects.aggregate(
        total=Count("id"),
        stuck=Count("id", filter=stuck_q()),
        **{s.value: Count("id", filter=Q(stage=s)) for s in PIPELINE},
    )
    if not sums["total"]:
        return None
    talks = sums[Stage.LEAD] + sums[Stage.TALKS]
    signed = sums[Stage.SIGNED] + sums[Stage.REGISTERED]
    return tiles.Tile(
        title="招商项目",
        url=reverse("zones:project_funnel"),
        figures=[
            tiles.TileFigure("线索/洽谈", f"{talks} 个"),
            tiles.TileFigure("签约/注册", f"{signed} 个"),
            tiles.TileFigure("开工", f"{sums[Stage.STARTED]} 个"),
            tiles.TileFigure("投产/运营", f"{sums[Stage.OPERATING]} 个", "good"),
            tiles.TileFigure("停滞", f"{sums['stuck']} 个", "bad" if sums["stuck"] else "good"),
        ],
    )


def register() -> None:
    tiles.register("zones-platforms", 30, platform_tile)
    tiles.register("zones-parks", 31, park_tile)
    tiles.register("zones-projects", 32, project_tile)
