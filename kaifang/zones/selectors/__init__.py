"""Reads of platforms, parks, chains and projects, always through the scope gate.

Trade figures (a park's trade, a chain's segments) come from the customs records the viewer
may see, through kaifang.trade's selectors, so they equal the sums the trade pages show."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from kaifang.core import handover
from kaifang.core.models import User
from kaifang.core.scope import get_for_user, visible_to
from kaifang.enterprises.models import Enterprise
from kaifang.trade.figures import kept_breakdown, report_month
from kaifang.trade.models import InvestmentKind, InvestmentRecord
from kaifang.trade.selectors import Keys, Query
from kaifang.trade.selectors.breakdown import named_rows
from kaifang.trade.selectors.measures import add_months, share_pct
from kaifang.zones.models import (
    PIPELINE,
    Direction,
    Park,
    Platform,
    PlatformMilestone,
    Project,
    ProjectProblem,
    Stage,
    ZoneSettings,
)
from kaifang.zones.selectors.kpis import KpiProgress as KpiProgress
from kaifang.zones.selectors.kpis import kpi_chart as kpi_chart
from kaifang.zones.selectors.kpis import kpi_progress as kpi_progress
from kaifang.zones.selectors.kpis import kpi_years as kpi_years
from kaifang.zones.selectors.kpis import park_kpi_progress as park_kpi_progress

AnyUser = User | AnonymousUser
ZERO = Decimal(0)


def _viewer(user: AnyUser) -> User:
    """trade's selectors take a User; an anonymous viewer never gets here (login_required)."""
    if not isinstance(user, User):
        raise TypeError("a logged-in user is required")
    return user


# --- platforms ---------------------------------------------------------------------------


def platforms_visible(*, user: AnyUser) -> QuerySet[Platform]:
    return visible_to(Platform.objects.select_related("kind", "district", "park", "unit"), user)


def platform_for_user(*, user: AnyUser, pk: Any, write: bool = False) -> Platform:
    return get_for_user(
        Platform.objects.select_related("kind", "district", "park", "unit"), user, pk, write=write
    )


@dataclass(frozen=True)
class PlatformFilter:
    q: str = ""
    kind: int | None = None
    status: str = ""


def platform_list(*, user: AnyUser, filters: PlatformFilter) -> QuerySet[Platform]:
    qs = platforms_visible(user=user)
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    if filters.kind:
        qs = qs.filter(kind_id=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs


LIGHT_LABELS = {"green": "已完成", "red": "逾期", "yellow": "临期", "blue": "正常推进"}


def milestone_light(
    milestone: PlatformMilestone, *, today: dt.date | None = None, warn_days: int | None = None
) -> str:
    """green done, red overdue, yellow due within the warning days, blue otherwise."""
    today = today or timezone.localdate()
    if warn_days is None:
        warn_days = ZoneSettings.current().milestone_warn_days
    if milestone.done_on is not None:
        return "green"
    if milestone.due < today:
        return "red"
    if milestone.due <= today + dt.timedelta(days=warn_days):
        return "yellow"
    return "blue"


def milestones_with_lights(platform: Platform) -> list[tuple[PlatformMilestone, str]]:
    today = timezone.localdate()
    warn = ZoneSettings.current().milestone_warn_days
    return [(m, milestone_light(m, today=today, warn_days=warn)) for m in platform.milestones.all()]


def visible_to_enterprises(user: AnyUser, platform: Platform) -> QuerySet[Enterprise]:
    """The enterprises operating on the platform, as far as the user's scope reaches."""
    return visible_to(platform.enterprises.select_related("district", "park"), user)


def platform_appeals(*, user: AnyUser, platform: Platform) -> list[dict[str, Any]]:
    """The appeals that concern the platform, as far as the user's scope reaches: those raised
    on or linked to it, and those raised on its projects. The service desk answers for its
    appeals (scope, status); each row says how it concerns the platform ("via") and, for a
    link, its id (`link`) so it can be removed."""
    links = {a.appeal_ref: a for a in platform.appeals.all()}
    problems = {
        p.appeal_ref: p
        for p in ProjectProblem.objects.filter(
            project__in=projects_visible(user=user).filter(platform=platform),
            appeal_ref__isnull=False,
        ).select_related("project")
    }
    ids = list(links) + [i for i in problems if i not in links]
    if not ids:
        return []
    rows: list[dict[str, Any]] = []
    for summary in handover.call("servicedesk.appeal_summaries", user=user, ids=ids) or []:
        link = links.get(summary["id"])
        problem = problems.get(summary["id"])
        if link is not None:
            via = "在平台页提出" if link.raised else "关联"
        else:
            via = f"项目：{problem.project.name}" if problem is not None else ""
        rows.append(
            summary
            | {
                "via": via,
                "link": link.pk if link is not None else None,
                "project": problem.project if problem is not None and link is None else None,
            }
        )
    return rows


# --- parks -------------------------------------------------------------------------------


def parks_visible(*, user: AnyUser) -> QuerySet[Park]:
    return visible_to(Park.objects.select_related("unit", "district"), user)


def park_for_user(*, user: AnyUser, pk: Any, write: bool = False) -> Park:
    return get_for_user(Park.objects.select_related("unit", "district"), user, pk, write=write)


def report_query(user: AnyUser) -> Query:
    """The report month of trade figures: the newest month with data the user can see (kept
    per rollup version and scope, as the trade pages keep it: a district user's MAX over
    their firms' rollup took 30 ms on every park page at 50.7 M records)."""
    latest = report_month(_viewer(user))
    day = latest or timezone.localdate()
    return Query(year=day.year, month=day.month)


@dataclass
class ParkTrade:
    query: Query
    rows: list[Any]  # trade breakdown rows, one per enterprise
    total: Any


def park_trade(*, user: AnyUser, park: Park, q: Query | None = None) -> ParkTrade:
    """The park's trade = the sum of its enterprises' customs records (those the user sees)."""
    q = q or report_query(user)
    # The breakdown page's table of the park's firms, kept per rollup version and scope (an
    # import or a firm joining or leaving a park moves the version): at 50.7 M records the
    # sums were 70 ms of every park page.
    table = kept_breakdown(_viewer(user), "enterprise", q, Keys(park=str(park.unit_id)))
    return ParkTrade(query=q, rows=named_rows("enterprise", table.rows), total=table.total)


def park_enterprises(*, user: AnyUser, park: Park) -> QuerySet[Enterprise]:
    return visible_to(
        Enterprise.objects.filter(park_id=park.unit_id).select_related("industry"), user
    )


# --- projects ----------------------------------------------------------------------------


def stuck_before(today: dt.date | None = None, *, settings: ZoneSettings | None = None) -> dt.date:
    """A project whose stage date is on or before this day is stuck: N calendar months
    (the administrator's setting) without a stage change."""
    today = today or timezone.localdate()
    return _months_ago(today, (settings or ZoneSettings.current()).stuck_months)


def _months_ago(today: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day if shorter)."""
    first = add_months(today.replace(day=1), -months)
    next_first = add_months(first, 1)
    last_day = (next_first - dt.timedelta(days=1)).day
    return first.replace(day=min(today.day, last_day))


def stuck_q(today: dt.date | None = None, *, settings: ZoneSettings | None = None) -> Q:
    stuck = Q(stage_on__lte=stuck_before(today, settings=settings))
    return stuck & ~Q(stage__in=[Stage.OPERATING, Stage.TERMINATED])


def is_stuck(
    project: Project, today: dt.date | None = None, *, before: dt.date | None = None
) -> bool:
    """`before`: stuck_before() computed once for a list of projects."""
    if project.stage in (Stage.OPERATING, Stage.TERMINATED):
        return False
    return project.stage_on <= (before or stuck_before(today))


def projects_visible(*, user: AnyUser) -> QuerySet[Project]:
    return visible_to(
        Project.objects.select_related(
            "country", "industry", "district", "park", "platform", "enterprise", "officer"
        ),
        user,
    )


def project_for_user(*, user: AnyUser, pk: Any, write: bool = False) -> Project:
    return get_for_user(
        Project.objects.select_related(
            "country", "industry", "district", "park", "platform", "enterprise", "officer"
        ),
        user,
        pk,
        write=write,
    )


@dataclass(frozen=True)
class ProjectFilter:
    q: str = ""
    direction: str = ""
    stage: str = ""
    year: int | None = None
    park: int | None = None
    officer: int | None = None
    stuck: bool = False


def project_list(*, user: AnyUser, filters: ProjectFilter) -> QuerySet[Project]:
    qs = projects_visible(user=user)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(investor__icontains=filters.q))
    if filters.direction:
        qs = qs.filter(direction=filters.direction)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.year:
        qs = qs.filter(lead_on__year=filters.year)
    if filters.park:
        qs = qs.filter(park_id=filters.park)
    if filters.officer:
        qs = qs.filter(officer_id=filters.officer)
    if filters.stuck:
        qs = qs.filter(stuck_q())
    return qs


FUNNEL_BY = {
    "year": "年度",
    "country": "国别(地区)",
    "industry": "行业",
    "park": "园区",
    "officer": "责任人",
}


@dataclass
class FunnelRow:
    key: str
    label: str
    reached: list[int]  # projects that reached each pipeline stage
    terminated: int = 0

    @property
    def total(self) -> int:
        return self.reached[0] if self.reached else 0

    @property
    def conversions(self) -> list[Decimal | None]:
        """Stage-to-stage conversion in %, from 线索→洽谈 on."""
        return [
            share_pct(Decimal(self.reached[i + 1]), Decimal(self.reached[i]))
            if self.reached[i]
            else None
            for i in range(len(self.reached) - 1)
        ]

    @property
    def overall_pct(self) -> Decimal | None:
        """线索 to 投产/运营."""
        return share_pct(Decimal(self.reached[-1]), Decimal(self.total)) if self.total else None


def _funnel_key(project: Project, by: str) -> tuple[str, str]:
    if by == "year":
        return str(project.lead_on.year), f"{project.lead_on.year}年"
    if by == "country":
        c = project.country
        return (c.code, str(c.name_zh)) if c else ("-", "未填写")
    if by == "industry":
        i = project.industry
        if i is None:
            return "-", "未填写"
        section = i.section_code
        return section, f"{section} 门类" if len(i.code) > 1 else str(i)
    if by == "park":
        p = project.park
        return (str(p.pk), p.short_name or p.name) if p else ("-", "未落地园区")
    o = project.officer
    return (str(o.pk), o.display_name) if o else ("-", "未指定")


def funnel(projects: Iterable[Project], *, by: str) -> tuple[list[FunnelRow], FunnelRow]:
    """Per group, how many projects reached each stage (a terminated project counts up to the
    furthest stage it reached), and the conversion between stages; plus the total row."""
    if by not in FUNNEL_BY:
        raise ValueError(f"unknown funnel dimension {by!r}")
    rows: dict[str, FunnelRow] = {}
    total = FunnelRow(key="", label="合计", reached=[0] * len(PIPELINE))
    for project in projects:
        key, label = _funnel_key(project, by)
        row = rows.setdefault(key, FunnelRow(key=key, label=label, reached=[0] * len(PIPELINE)))
        for target in (row, total):
            for i in range(project.reached + 1):
                target.reached[i] += 1
            if project.stage == Stage.TERMINATED:
                target.terminated += 1
    ordered = sorted(rows.values(), key=lambda r: (r.key == "-", -r.total, r.key))
    if by == "year":
        ordered.sort(key=lambda r: r.key, reverse=True)
    return ordered, total


@dataclass
class Reconciliation:
    project: Project
    recorded_usd: Decimal  # 万美元, from the imported FDI/ODI records
    difference_usd: Decimal | None  # project's figure minus the records; None if no figure

    @property
    def kind_label(self) -> str:
        return "实际使用外资" if self.project.direction == Direction.INBOUND else "对外直接投资"


def reconcile(*, user: AnyUser, projects: Sequence[Project]) -> list[Reconciliation]:
    """Actually-in-place amounts against the FDI/ODI records already imported for the project's
    enterprise (and country, where the project names one). Records are in USD; the project's
    figures in 万美元. Both the figure and the difference are shown, never hidden."""
    ids = {p.enterprise_id for p in projects if p.enterprise_id}
    records = visible_to(InvestmentRecord.objects.filter(enterprise_id__in=ids), user)
    sums: dict[tuple[str, int, str], Decimal] = defaultdict(lambda: ZERO)
    for row in records.values("kind", "enterprise_id", "partner_code").annotate(
        total=Sum("amount_usd")
    ):
        sums[(row["kind"], row["enterprise_id"], row["partner_code"])] += row["total"] or ZERO
    out = []
    for project in projects:
        if project.enterprise_id is None:
            continue
        kind = InvestmentKind.FDI if project.direction == Direction.INBOUND else InvestmentKind.ODI
        country = project.country.code if project.country else None
        recorded = sum(
            (
                value
                for (k, ent, partner), value in sums.items()
                if k == kind
                and ent == project.enterprise_id
                and (country is None or partner == country)
            ),
            ZERO,
        ) / Decimal(10_000)
        recorded = recorded.quantize(Decimal("0.01"))
        difference = None if project.actual_usd is None else project.actual_usd - recorded
        out.append(
            Reconciliation(project=project, recorded_usd=recorded, difference_usd=difference)
        )
    return out


def stage_counts(projects: QuerySet[Project]) -> dict[str, int]:
    found = {
        r["stage"]: r["n"] for r in projects.values("stage").annotate(n=Count("id")).order_by()
    }
    return {stage.value: found.get(stage.value, 0) for stage in Stage}


# --- chains: kaifang/zones/selectors/chains.py (re-exported at the end of this module) ---


# --- enterprise profile, workbench -------------------------------------------------------


def enterprise_zone_context(*, user: AnyUser, enterprise: Enterprise) -> dict[str, Any]:
    park = None
    if enterprise.park_id:
        park = parks_visible(user=user).filter(unit_id=enterprise.park_id).first()
    return {
        "platforms": list(platforms_visible(user=user).filter(enterprises=enterprise)),
        "park": park,
        "projects": list(projects_visible(user=user).filter(enterprise=enterprise)),
    }


def workbench_lists(*, user: User) -> dict[str, Any]:
    """The officer's stuck projects and the next milestones of the platforms they see."""
    settings = ZoneSettings.current()  # read once for both lists
    # Only the columns the panel shows: the project lists join seven tables for their pages.
    stuck = list(
        projects_visible(user=user)
        .select_related(None)
        .only("id", "name", "stage", "stage_on")
        .filter(officer=user)
        .filter(stuck_q(settings=settings))
        .order_by("stage_on")[:8]
    )
    today = timezone.localdate()
    upcoming = list(
        PlatformMilestone.objects.filter(
            platform__in=platforms_visible(user=user).select_related(None).values("pk"),
            done_on__isnull=True,
            due__lte=today + dt.timedelta(days=60),
        )
        .select_related("platform")
        .only("id", "title", "due", "done_on", "platform", "platform__name")
        .order_by("due")[:8]
    )
    warn = settings.milestone_warn_days
    return {
        "stuck": stuck,
        "milestones": [(m, milestone_light(m, today=today, warn_days=warn)) for m in upcoming],
    }


# The chain selectors import this module's helpers, so they come in last.
from kaifang.zones.selectors.chains import EMPTY as EMPTY  # noqa: E402
from kaifang.zones.selectors.chains import FILLED as FILLED  # noqa: E402
from kaifang.zones.selectors.chains import STATE_COLOURS as STATE_COLOURS  # noqa: E402
from kaifang.zones.selectors.chains import STATE_LABELS as STATE_LABELS  # noqa: E402
from kaifang.zones.selectors.chains import WEAK as WEAK  # noqa: E402
from kaifang.zones.selectors.chains import FillingEnterprise as FillingEnterprise  # noqa: E402
from kaifang.zones.selectors.chains import PartnerRow as PartnerRow  # noqa: E402
from kaifang.zones.selectors.chains import SegmentView as SegmentView  # noqa: E402
from kaifang.zones.selectors.chains import chain_analysis as chain_analysis  # noqa: E402
from kaifang.zones.selectors.chains import chain_get as chain_get  # noqa: E402
from kaifang.zones.selectors.chains import chain_matrix as chain_matrix  # noqa: E402
from kaifang.zones.selectors.chains import chains_all as chains_all  # noqa: E402
from kaifang.zones.selectors.chains import chains_analysis as chains_analysis  # noqa: E402
from kaifang.zones.selectors.chains import city_total as city_total  # noqa: E402
from kaifang.zones.selectors.chains import segment_view as segment_view  # noqa: E402
