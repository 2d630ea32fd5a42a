"""Reads of platforms, parks, chains and projects, always through the scope gate.

Trade figures (a park's trade, a chain's segments) come from the customs records the viewer
may see, through kaifang.trade's selectors, so they equal the sums the trade pages show."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from kaifang.core import handover
from kaifang.core.models import Partner, User
from kaifang.core.scope import get_for_user, visible_to
from kaifang.enterprises.models import Enterprise, EnterpriseStatus
from kaifang.trade.models import Flow, InvestmentKind, InvestmentRecord
from kaifang.trade.rollups import rollup_version
from kaifang.trade.selectors import Keys, Query, breakdown, latest_period, totals_by_flow
from kaifang.trade.selectors.base import facts, scope_signature
from kaifang.trade.selectors.measures import add_months, share_pct
from kaifang.zones.models import (
    PIPELINE,
    Chain,
    ChainSegment,
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


def _viewer(user: AnyUser) -> User | None:
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
    """The report month of trade figures: the newest month with data the user can see."""
    latest = latest_period(_viewer(user))
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
    table = breakdown(viewer=_viewer(user), by="enterprise", q=q, keys=Keys(park=str(park.unit_id)))
    return ParkTrade(query=q, rows=table.rows, total=table.total)


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


# --- chains ------------------------------------------------------------------------------

FILLED, WEAK, EMPTY = "filled", "weak", "empty"
STATE_LABELS = {FILLED: "已补链", WEAK: "薄弱", EMPTY: "缺失"}
STATE_COLOURS = {FILLED: "green", WEAK: "yellow", EMPTY: "red"}


@dataclass
class PartnerRow:
    code: str
    name: str
    value: Decimal
    share_pct: Decimal | None


@dataclass
class FillingEnterprise:
    enterprise: Enterprise
    by_industry: bool
    exports: Decimal
    imports: Decimal


@dataclass
class SegmentView:
    segment: ChainSegment
    enterprises: list[FillingEnterprise]
    exports: Decimal
    imports: Decimal
    city_total: Decimal
    sources: list[PartnerRow] = field(default_factory=list)  # where the city imports from
    markets: list[PartnerRow] = field(default_factory=list)  # where its exports go

    @property
    def trade(self) -> Decimal:
        return self.exports + self.imports

    @property
    def share_pct(self) -> Decimal | None:
        return share_pct(self.trade, self.city_total) if self.city_total else None

    @property
    def state(self) -> str:
        if not self.enterprises:
            return EMPTY
        if len(self.enterprises) < self.segment.min_enterprises or self.exports < self.imports:
            return WEAK
        return FILLED

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def state_colour(self) -> str:
        return STATE_COLOURS[self.state]

    @property
    def is_gap(self) -> bool:
        return self.state != FILLED

    @property
    def reasons(self) -> str:
        if self.state == EMPTY:
            return "本地没有企业从事该环节"
        parts = []
        if len(self.enterprises) < self.segment.min_enterprises:
            parts.append(
                f"本地企业 {len(self.enterprises)} 家，少于 {self.segment.min_enterprises} 家"
            )
        if self.exports < self.imports:
            parts.append("进口大于出口，本地配套依赖进口")
        return "；".join(parts)


def chains_all() -> QuerySet[Chain]:
    return Chain.objects.prefetch_related("segments")


def chain_get(pk: Any) -> Chain:
    """A chain is a city-wide map: any logged-in user may open it; its figures are scoped."""
    from django.http import Http404

    try:
        return Chain.objects.get(pk=int(pk))
    except (Chain.DoesNotExist, ValueError, TypeError):
        raise Http404("产业链不存在") from None


def _hs_q(headings: Sequence[str]) -> Q:
    """Records whose HS code starts with one of the headings, as ranges the (hs_code, period)
    index can serve (a LIKE cannot on SQLite)."""
    condition = Q(pk__in=[])
    for heading in headings:
        if heading.isdigit():
            upper = str(int(heading) + 1).zfill(len(heading))
            condition |= Q(hs_code__gte=heading, hs_code__lt=upper)
        else:
            condition |= Q(hs_code__startswith=heading)
    return condition


def _industry_q(codes: Sequence[str]) -> Q:
    condition = Q(pk__in=[])
    for code in codes:
        condition |= Q(industry__code__startswith=code)
    return condition


def _partner_rows(
    values: dict[str, Decimal], limit: int, names: dict[str, str] | None = None
) -> list[PartnerRow]:
    total = sum(values.values(), ZERO)
    if names is None:
        names = dict(Partner.objects.filter(code__in=list(values)).values_list("code", "name_zh"))
    rows = [
        PartnerRow(code=k, name=names.get(k, k or "未知"), value=v, share_pct=share_pct(v, total))
        for k, v in values.items()
        if v
    ]
    rows.sort(key=lambda r: (-r.value, r.code))
    return rows[:limit]


# (hs4, enterprise id, partner code, flow) → value in USD, for the headings asked
CHAIN_CACHE_SECONDS = 24 * 3600  # a rebuild or an enterprise change retires entries sooner
Grouped = dict[tuple[str, int, str, str], Decimal]


def _grouped_facts(viewer: User | None, headings: set[str], months: list[dt.date]) -> Grouped:
    """One GROUP BY over the viewer's customs records in the given HS headings: what every
    segment of a chain needs, so a chain costs one scan of the report year, not two per
    segment. Cached per rollup version (every import or rebuild retires it), scope, headings
    and months, like trade's overview: the scan is seconds on a large city."""
    if not headings:
        return {}
    key = ":".join(
        [
            "zones:chain-facts",
            str(rollup_version()),
            scope_signature(viewer),
            hashlib.sha256(",".join(sorted(headings)).encode()).hexdigest()[:16],
            ",".join(f"{m:%Y%m}" for m in months),
        ]
    )
    cached = cache.get(key)
    if isinstance(cached, dict):
        return cached
    rows = (
        facts(viewer)
        .filter(period__in=months)
        .filter(_hs_q(sorted(headings)))
        .annotate(hs4=Substr("hs_code", 1, 4))
        .values("hs4", "enterprise_id", "partner_code", "flow")
        .annotate(v=Sum("value_usd"))
        .order_by()
    )
    grouped: Grouped = {
        (r["hs4"], r["enterprise_id"], r["partner_code"], r["flow"]): r["v"] or ZERO for r in rows
    }
    cache.set(key, grouped, CHAIN_CACHE_SECONDS)
    return grouped


def city_total(user: AnyUser, q: Query) -> Decimal:
    """The viewer's 1–N月 exports plus imports (from the rollups: the same sum as the facts)."""
    total = totals_by_flow(viewer=_viewer(user), q=q)["total"].sums.ytd
    return total if isinstance(total, Decimal) else Decimal(total)


def segment_view(
    *,
    user: AnyUser,
    segment: ChainSegment,
    q: Query,
    total: Decimal | None = None,
    grouped: Grouped | None = None,
    partners: int = 10,
) -> SegmentView:
    """Who fills the segment (by industry, or by exporting its HS headings in 1–N月), its
    trade, its share of the user's trade, and the partners it is imported from / exported to."""
    headings = segment.hs_list
    if grouped is None:
        grouped = _grouped_facts(_viewer(user), set(headings), q.span_months("ytd"))
    if total is None:
        total = city_total(user, q)
    by_enterprise: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    by_partner: dict[str, dict[str, Decimal]] = {
        Flow.EXPORT: defaultdict(lambda: ZERO),
        Flow.IMPORT: defaultdict(lambda: ZERO),
    }
    for (hs4, enterprise_id, partner, flow), value in grouped.items():
        if not any(hs4.startswith(h[:4]) for h in headings):
            continue
        by_enterprise[enterprise_id][flow] += value
        by_partner[flow][partner] += value
    industry_ids: set[int] = set()
    if segment.industry_list:
        industry_ids = set(
            visible_to(Enterprise.objects.filter(_industry_q(segment.industry_list)), user)
            .exclude(status=EnterpriseStatus.CLOSED)
            .values_list("pk", flat=True)
        )
    exporters = {pk for pk, flows in by_enterprise.items() if flows.get(Flow.EXPORT)}
    enterprises = Enterprise.objects.filter(pk__in=industry_ids | exporters).select_related(
        "industry"
    )
    filling = [
        FillingEnterprise(
            enterprise=e,
            by_industry=e.pk in industry_ids,
            exports=by_enterprise[e.pk].get(Flow.EXPORT, ZERO) if e.pk in by_enterprise else ZERO,
            imports=by_enterprise[e.pk].get(Flow.IMPORT, ZERO) if e.pk in by_enterprise else ZERO,
        )
        for e in enterprises
    ]
    filling.sort(key=lambda f: (-(f.exports + f.imports), f.enterprise.name))
    return SegmentView(
        segment=segment,
        enterprises=filling,
        exports=sum(by_partner[Flow.EXPORT].values(), ZERO),
        imports=sum(by_partner[Flow.IMPORT].values(), ZERO),
        city_total=total,
        sources=_partner_rows(dict(by_partner[Flow.IMPORT]), partners),
        markets=_partner_rows(dict(by_partner[Flow.EXPORT]), partners),
    )


def chains_analysis(
    *, user: AnyUser, chains: Sequence[Chain], q: Query | None = None
) -> list[tuple[Chain, list[SegmentView]]]:
    """Several chains from one scan of the customs records (the list, matrix and exports)."""
    q = q or report_query(user)
    segments = {c.pk: list(c.segments.all()) for c in chains}
    headings = {h for found in segments.values() for s in found for h in s.hs_list}
    grouped = _grouped_facts(_viewer(user), headings, q.span_months("ytd"))
    total = city_total(user, q)
    return [
        (
            chain,
            [
                segment_view(user=user, segment=s, q=q, total=total, grouped=grouped, partners=5)
                for s in segments[chain.pk]
            ],
        )
        for chain in chains
    ]


def chain_analysis(*, user: AnyUser, chain: Chain, q: Query | None = None) -> list[SegmentView]:
    return chains_analysis(user=user, chains=[chain], q=q)[0][1]


def chain_matrix(
    *, user: AnyUser, chains: Sequence[Chain], q: Query
) -> list[tuple[Chain, dict[str, list[SegmentView]]]]:
    """Each chain with its segment views grouped by position (上游/中游/下游)."""
    out = []
    for chain, views in chains_analysis(user=user, chains=chains, q=q):
        grouped: dict[str, list[SegmentView]] = {"up": [], "mid": [], "down": []}
        for view in views:
            grouped[view.segment.position].append(view)
        out.append((chain, grouped))
    return out


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
