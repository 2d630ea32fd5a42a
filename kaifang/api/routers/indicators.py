"""Indicators, the dashboard's headline figures and the briefing archive: read endpoints over
the same selectors as the pages, within the caller's data scope."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from kaifang.api.common import Invalid, error_docs, responses
from kaifang.core import tiles
from kaifang.core.lib.requests import current_user
from kaifang.indicators import dashboard, measures, selectors
from kaifang.reports.selectors import briefings_for

router = Router(tags=["指标与驾驶舱"])


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    frequency: str
    cumulative: bool
    source_kind: str


class FigureOut(Schema):
    region: str
    region_kind: str
    month: Decimal | None
    ytd: Decimal | None
    month_yoy_pct: Decimal | None
    ytd_yoy_pct: Decimal | None
    source: str
    rank: int | None = None
    gap_to_above: Decimal | None = None
    contribution_pp: Decimal | None = None
    target: Decimal | None = None
    progress_pct: Decimal | None = None


class FiguresOut(Schema):
    indicator: IndicatorOut
    year: int
    month: int
    elapsed_pct: Decimal
    rows: list[FigureOut]


class TileFigureOut(Schema):
    label: str
    value: str
    tone: str  # "", "good", "warn", "bad"


class TileOut(Schema):
    """A tile of another module (开放平台, 园区, 招商项目, 企业诉求, 督查督办), as on the page."""

    title: str
    url: str
    figures: list[TileFigureOut]
    note: str


class HeadlineOut(Schema):
    year: int
    month: int
    region: str | None
    trade_ytd_yi: Decimal | None
    trade_ytd_yoy_pct: Decimal | None
    export_ytd_yi: Decimal
    import_ytd_yi: Decimal
    source: str
    target: Decimal | None
    progress_pct: Decimal | None
    elapsed_pct: Decimal
    tiles: list[TileOut] = []


class BriefingOut(Schema):
    id: int
    year: int
    month: int
    version: int
    is_current: bool
    headline: str


def _indicator(i: Any) -> IndicatorOut:
    return IndicatorOut(
        code=i.code,
        name=i.name,
        unit=i.unit,
        frequency=i.frequency,
        cumulative=i.cumulative,
        source_kind=i.source_kind,
    )


@router.get(
    "/indicators",
    response=responses(list[IndicatorOut]),
    summary="指标定义",
    openapi_extra=error_docs(),
)
def indicator_list(request: HttpRequest) -> list[IndicatorOut]:
    current_user(request)
    return [_indicator(i) for i in selectors.indicators()]


@router.get(
    "/indicators/{code}/figures",
    response=responses(FiguresOut, 404, 422),
    summary="指标数值：对标地区与县区",
    openapi_extra=error_docs(404, 422),
)
def indicator_figures(request: HttpRequest, code: str, year: int = 0, month: int = 0) -> FiguresOut:
    user = current_user(request)
    if (year and not 1990 <= year <= 2200) or (month and not 1 <= month <= 12):
        raise Invalid({"year": ["年份应在 1990–2200 之间，月份应在 1–12 之间。"]})
    indicator = selectors.indicator_get(code)
    year, month = dashboard.period_of(year or None, month or None, user)
    memo: dict[Any, Any] = {}
    rows: list[FigureOut] = []
    for p in selectors.peers(indicator, year, month, memo).rows:
        f = p.figure
        rows.append(
            FigureOut(
                region=p.region.name,
                region_kind=p.region.kind,
                month=f.month,
                ytd=f.ytd,
                month_yoy_pct=f.month_yoy,
                ytd_yoy_pct=f.ytd_yoy,
                source=f.source,
                rank=p.rank.rank if p.rank else None,
                gap_to_above=p.rank.gap_to_above if p.rank else None,
            )
        )
    for d in selectors.districts(indicator, year, month, user=user, memo=memo):
        f = d.figure
        rows.append(
            FigureOut(
                region=d.region.name,
                region_kind=d.region.kind,
                month=f.month,
                ytd=f.ytd,
                month_yoy_pct=f.month_yoy,
                ytd_yoy_pct=f.ytd_yoy,
                source=f.source,
                contribution_pp=d.contribution_pp,
                target=d.progress.target,
                progress_pct=d.progress.done_pct,
            )
        )
    return FiguresOut(
        indicator=_indicator(indicator),
        year=year,
        month=month,
        elapsed_pct=measures.elapsed_pct(month),
        rows=rows,
    )


@router.get(
    "/dashboard",
    response=responses(HeadlineOut, 422),
    summary="驾驶舱要点（按数据权限）",
    openapi_extra=error_docs(422),
)
def headline(request: HttpRequest, year: int = 0, month: int = 0) -> HeadlineOut:
    user = current_user(request)
    if (year and not 1990 <= year <= 2200) or (month and not 1 <= month <= 12):
        raise Invalid({"year": ["年份应在 1990–2200 之间，月份应在 1–12 之间。"]})
    year, month = dashboard.period_of(year or None, month or None, user)
    d = dashboard.build(user, year, month)
    h = d.headline
    return HeadlineOut(
        year=year,
        month=month,
        region=d.region.name if d.region else None,
        trade_ytd_yi=h.figure.ytd if h else d.cards[0].ytd,
        trade_ytd_yoy_pct=h.figure.ytd_yoy if h else d.cards[0].ytd_yoy,
        export_ytd_yi=d.cards[1].ytd,
        import_ytd_yi=d.cards[2].ytd,
        source=h.figure.source if h else "企业进出口记录",
        target=h.target if h else None,
        progress_pct=h.progress.done_pct if h else None,
        elapsed_pct=d.elapsed_pct,
        tiles=[
            TileOut(
                title=t.title,
                url=t.url,
                figures=[
                    TileFigureOut(label=f.label, value=f.value, tone=f.tone) for f in t.figures
                ],
                note=t.note,
            )
            for t in tiles.tiles_for(request)
        ],
    )


@router.get(
    "/briefings",
    response=responses(list[BriefingOut]),
    summary="工作月报归档",
    openapi_extra=error_docs(),
)
def briefing_list(request: HttpRequest) -> list[BriefingOut]:
    user = current_user(request)
    return [
        BriefingOut(
            id=b.pk,
            year=b.year,
            month=b.month,
            version=b.version,
            is_current=b.is_current,
            headline=b.headline,
        )
        for b in briefings_for(user)[:200]
    ]
