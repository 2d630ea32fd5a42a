"""Read-only JSON of platforms, parks, industry chains and investment projects: thin handlers
over kaifang.zones.selectors, through the same scope gate as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from kaifang.api.common import Invalid, error_docs, responses
from kaifang.core.lib.requests import current_user
from kaifang.zones import selectors
from kaifang.zones.models import (
    Chain,
    Park,
    Platform,
    PlatformMilestone,
    Project,
    Stage,
)

platforms = Router(tags=["开放平台"])
parks = Router(tags=["园区"])
chains = Router(tags=["产业链"])
projects = Router(tags=["招商项目"])

MAX_LIMIT = 200


def _page(qs: QuerySet[Any], limit: int, offset: int) -> tuple[int, list[Any]]:
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    return qs.count(), list(qs[offset : offset + limit])


def _unit(unit: Any) -> str | None:
    return unit.name if unit is not None else None


# --- platforms ---------------------------------------------------------------------------


class StatusChangeOut(Schema):
    status: str
    status_label: str
    on: dt.date
    note: str


class MilestoneOut(Schema):
    title: str
    due: dt.date
    done_on: dt.date | None
    light: str
    task_id: int | None


class KpiOut(Schema):
    name: str
    unit: str
    year: int
    ytd: Decimal
    target: Decimal | None
    progress_pct: Decimal | None
    months: list[Decimal | None]


class PlatformOut(Schema):
    id: int
    name: str
    kind: str
    status: str
    status_label: str
    status_on: dt.date | None
    district: str | None
    park: str | None
    unit: str | None
    leader: str


class PlatformDetailOut(PlatformOut):
    status_history: list[StatusChangeOut]
    milestones: list[MilestoneOut]
    kpis: list[KpiOut]
    enterprises: list[str]


class PlatformList(Schema):
    count: int
    items: list[PlatformOut]


def _platform(p: Platform) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "kind": p.kind.name,
        "status": p.status,
        "status_label": p.get_status_display(),
        "status_on": p.status_on,
        "district": _unit(p.district),
        "park": _unit(p.park),
        "unit": _unit(p.unit),
        "leader": p.leader,
    }


def _kpi_year(year: int | None) -> int:
    """The KPI year asked for (this year by default); an impossible one is a 422."""
    if year is not None and not 2000 <= year <= 2100:
        raise Invalid({"year": ["年份应在 2000–2100 之间。"]})
    return year or timezone.localdate().year


def _kpis(progress: list[selectors.KpiProgress]) -> list[KpiOut]:
    return [
        KpiOut(
            name=k.definition.name,
            unit=k.definition.unit,
            year=k.year,
            ytd=k.ytd,
            target=k.target,
            progress_pct=k.progress_pct,
            months=k.months,
        )
        for k in progress
    ]


def _milestone(m: PlatformMilestone) -> MilestoneOut:
    return MilestoneOut(
        title=m.title,
        due=m.due,
        done_on=m.done_on,
        light=selectors.milestone_light(m),
        task_id=m.task_ref,
    )


@platforms.get(
    "",
    response=responses(PlatformList),
    summary="开放平台列表",
    openapi_extra=error_docs(),
)
def platform_list(request: HttpRequest, limit: int = 50, offset: int = 0) -> PlatformList:
    count, items = _page(selectors.platforms_visible(user=request.user), limit, offset)
    return PlatformList(count=count, items=[PlatformOut(**_platform(p)) for p in items])


@platforms.get(
    "/{pk}",
    response=responses(PlatformDetailOut, 404, 422),
    summary="开放平台详情（含某年度月度指标与目标）",
    openapi_extra=error_docs(404, 422),
)
def platform_detail(request: HttpRequest, pk: int, year: int | None = None) -> PlatformDetailOut:
    user = current_user(request)
    p = selectors.platform_for_user(user=user, pk=pk)
    progress = selectors.kpi_progress(p, _kpi_year(year))
    return PlatformDetailOut(
        **_platform(p),
        status_history=[
            StatusChangeOut(
                status=h.to_status, status_label=h.get_to_status_display(), on=h.on, note=h.note
            )
            for h in p.status_changes.all()
        ],
        milestones=[_milestone(m) for m in p.milestones.all()],
        kpis=_kpis(progress),
        enterprises=[e.name for e in selectors.visible_to_enterprises(user, p)],
    )


# --- parks -------------------------------------------------------------------------------


class OutputOut(Schema):
    year: int
    output: Decimal | None
    target: Decimal | None


class TeamOut(Schema):
    name: str
    role: str


class ParkOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    district: str | None
    unit: str
    area_km2: Decimal | None
    tier: str
    tier_label: str
    lead_industries: list[str]


class ParkDetailOut(ParkOut):
    outputs: list[OutputOut]
    kpis: list[KpiOut]
    team: list[TeamOut]
    enterprises: int
    trade_period: str
    trade_ytd_usd: Decimal
    trade_ytd_prev_usd: Decimal


class ParkList(Schema):
    count: int
    items: list[ParkOut]


def _park(p: Park) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "kind": p.kind,
        "kind_label": p.get_kind_display(),
        "district": _unit(p.district),
        "unit": p.unit.name,
        "area_km2": p.area_km2,
        "tier": p.tier,
        "tier_label": p.get_tier_display() if p.tier else "",
        "lead_industries": [f"{i.code} {i.name}" for i in p.lead_industries.all()],
    }


@parks.get(
    "",
    response=responses(ParkList),
    summary="园区列表",
    openapi_extra=error_docs(),
)
def park_list(request: HttpRequest, limit: int = 50, offset: int = 0) -> ParkList:
    qs = selectors.parks_visible(user=request.user).prefetch_related("lead_industries")
    count, items = _page(qs, limit, offset)
    return ParkList(count=count, items=[ParkOut(**_park(p)) for p in items])


@parks.get(
    "/{pk}",
    response=responses(ParkDetailOut, 404, 422),
    summary="园区详情（进出口为园区企业海关数据之和；含某年度月度指标与目标）",
    openapi_extra=error_docs(404, 422),
)
def park_detail(request: HttpRequest, pk: int, year: int | None = None) -> ParkDetailOut:
    user = current_user(request)
    p = selectors.park_for_user(user=user, pk=pk)
    trade = selectors.park_trade(user=user, park=p)
    progress = selectors.park_kpi_progress(p, _kpi_year(year))
    return ParkDetailOut(
        **_park(p),
        outputs=[OutputOut(year=o.year, output=o.output, target=o.target) for o in p.outputs.all()],
        kpis=_kpis(progress),
        team=[TeamOut(name=m.name, role=m.role) for m in p.team.all()],
        enterprises=selectors.park_enterprises(user=user, park=p).count(),
        trade_period=trade.query.ytd_label,
        trade_ytd_usd=trade.total.sums.ytd,
        trade_ytd_prev_usd=trade.total.sums.ytd_prev,
    )


# --- chains ------------------------------------------------------------------------------


class PartnerOut(Schema):
    code: str
    name: str
    value_usd: Decimal
    share_pct: Decimal | None


class LocalEnterpriseOut(Schema):
    id: int
    name: str
    by_industry: bool
    exports_usd: Decimal
    imports_usd: Decimal


class SegmentOut(Schema):
    id: int
    position: str
    position_label: str
    name: str
    industry_codes: list[str]
    hs_headings: list[str]
    state: str
    state_label: str
    gap: bool
    reasons: str
    exports_usd: Decimal
    imports_usd: Decimal
    share_pct: Decimal | None
    enterprises: list[LocalEnterpriseOut]
    import_sources: list[PartnerOut]
    export_markets: list[PartnerOut]


class ChainOut(Schema):
    id: int
    name: str
    description: str
    period: str
    segments: list[SegmentOut]


class ChainList(Schema):
    count: int
    items: list[ChainOut]


def _partners(rows: list[selectors.PartnerRow]) -> list[PartnerOut]:
    return [
        PartnerOut(code=r.code, name=r.name, value_usd=r.value, share_pct=r.share_pct) for r in rows
    ]


def _chain(chain: Chain, views: list[selectors.SegmentView], period: str) -> ChainOut:
    return ChainOut(
        id=chain.pk,
        name=chain.name,
        description=chain.description,
        period=period,
        segments=[
            SegmentOut(
                id=v.segment.pk,
                position=v.segment.position,
                position_label=v.segment.get_position_display(),
                name=v.segment.name,
                industry_codes=v.segment.industry_list,
                hs_headings=v.segment.hs_list,
                state=v.state,
                state_label=v.state_label,
                gap=v.is_gap,
                reasons=v.reasons,
                exports_usd=v.exports,
                imports_usd=v.imports,
                share_pct=v.share_pct,
                enterprises=[
                    LocalEnterpriseOut(
                        id=f.enterprise.pk,
                        name=f.enterprise.name,
                        by_industry=f.by_industry,
                        exports_usd=f.exports,
                        imports_usd=f.imports,
                    )
                    for f in v.enterprises
                ],
                import_sources=_partners(v.sources),
                export_markets=_partners(v.markets),
            )
            for v in views
        ],
    )


@chains.get(
    "",
    response=responses(ChainList),
    summary="产业链图谱（各环节本地企业与缺口，按数据权限计算）",
    openapi_extra=error_docs(),
)
def chain_list(request: HttpRequest, limit: int = 20, offset: int = 0) -> ChainList:
    user = current_user(request)
    count, items = _page(selectors.chains_all(), min(limit, 20), offset)
    q = selectors.report_query(user)
    analysed = selectors.chains_analysis(user=user, chains=items, q=q)
    return ChainList(count=count, items=[_chain(c, v, q.ytd_label) for c, v in analysed])


@chains.get(
    "/{pk}",
    response=responses(ChainOut, 404),
    summary="产业链详情",
    openapi_extra=error_docs(404),
)
def chain_detail(request: HttpRequest, pk: int) -> ChainOut:
    user = current_user(request)
    chain = selectors.chain_get(pk)
    q = selectors.report_query(user)
    return _chain(chain, selectors.chain_analysis(user=user, chain=chain, q=q), q.ytd_label)


# --- projects ----------------------------------------------------------------------------


class StageChangeOut(Schema):
    stage: str
    stage_code: str
    on: dt.date
    note: str


class ProjectOut(Schema):
    id: int
    name: str
    direction: str
    direction_label: str
    investor: str
    country: str | None
    industry: str | None
    contracted_usd: Decimal | None
    actual_usd: Decimal | None
    contracted_cny: Decimal | None
    actual_cny: Decimal | None
    district: str | None
    park: str | None
    platform_id: int | None
    enterprise_id: int | None
    officer: str | None
    stage: str
    stage_code: str
    stage_on: dt.date
    stuck: bool
    terminated_reason: str
    stage_history: list[StageChangeOut]


class ProjectList(Schema):
    count: int
    items: list[ProjectOut]


def _project(p: Project, before: dt.date | None = None) -> ProjectOut:
    return ProjectOut(
        id=p.pk,
        name=p.name,
        direction=p.direction,
        direction_label=p.get_direction_display(),
        investor=p.investor,
        country=p.country.name_zh if p.country else None,
        industry=str(p.industry) if p.industry else None,
        contracted_usd=p.contracted_usd,
        actual_usd=p.actual_usd,
        contracted_cny=p.contracted_cny,
        actual_cny=p.actual_cny,
        district=_unit(p.district),
        park=_unit(p.park),
        platform_id=p.platform_id,
        enterprise_id=p.enterprise_id,
        officer=p.officer.display_name if p.officer else None,
        stage=str(Stage(p.stage).label),
        stage_code=p.stage,
        stage_on=p.stage_on,
        stuck=selectors.is_stuck(p, before=before),
        terminated_reason=p.terminated_reason,
        stage_history=[
            StageChangeOut(
                stage=str(Stage(h.to_stage).label), stage_code=h.to_stage, on=h.on, note=h.note
            )
            for h in p.stage_changes.all()
        ],
    )


@projects.get(
    "",
    response=responses(ProjectList),
    summary="招商项目列表",
    openapi_extra=error_docs(),
)
def project_list(request: HttpRequest, limit: int = 50, offset: int = 0) -> ProjectList:
    qs = selectors.projects_visible(user=request.user).prefetch_related("stage_changes")
    count, items = _page(qs, limit, offset)
    before = selectors.stuck_before()
    return ProjectList(count=count, items=[_project(p, before) for p in items])


@projects.get(
    "/{pk}",
    response=responses(ProjectOut, 404),
    summary="招商项目详情",
    openapi_extra=error_docs(404),
)
def project_detail(request: HttpRequest, pk: int) -> ProjectOut:
    return _project(selectors.project_for_user(user=request.user, pk=pk))
