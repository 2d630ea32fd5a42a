"""产业链招商图谱: chain list, one chain's segments, one segment's import sources, the matrix.
Chains are city-wide maps; every figure on these pages is computed from the customs records
the viewer sees (a district sees its own enterprises filling the chain)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from kaifang.core.lib.requests import current_user
from kaifang.trade.selectors import Keys, Query
from kaifang.trade.templatetags.trade_analysis import analysis_params
from kaifang.zones import selectors
from kaifang.zones.models import Chain, ChainSegment
from kaifang.zones.permissions import can_edit_chains
from kaifang.zones.views.common import xlsx_download

USD_WAN = 10_000
FILLING_PAGE = 50  # filling enterprises per page of a segment


def _summary(views: list[selectors.SegmentView]) -> dict[str, int]:
    counts = {selectors.FILLED: 0, selectors.WEAK: 0, selectors.EMPTY: 0}
    for view in views:
        counts[view.state] += 1
    return counts


@login_required
def chain_list(request: HttpRequest) -> HttpResponse:
    q = selectors.report_query(request.user)
    analysed = selectors.chains_analysis(
        user=request.user, chains=list(selectors.chains_all()), q=q
    )
    rows = [(chain, _summary(views)) for chain, views in analysed]
    return render(
        request,
        "zones/chain_list.html",
        {"rows": rows, "q": q, "can_edit": can_edit_chains(request.user)},
    )


@login_required
def chain_detail(request: HttpRequest, pk: int) -> HttpResponse:
    chain = selectors.chain_get(pk)
    q = selectors.report_query(request.user)
    views = selectors.chain_analysis(user=request.user, chain=chain, q=q)
    return render(
        request,
        "zones/chain_detail.html",
        {
            "chain": chain,
            "views": views,
            "q": q,
            "summary": _summary(views),
            "can_edit": can_edit_chains(request.user),
        },
    )


def _records_link(q: Query, flow: str, partner: str, heading: str) -> str:
    query = Query(year=q.year, month=q.month, flow=flow, currency="usd")
    keys = Keys(partner=partner or "-", hs=heading)
    return f"{reverse('trade:analysis_records')}?{analysis_params(query, keys, span='ytd')}"


@login_required
def chain_segment(request: HttpRequest, pk: int, segment_pk: int) -> HttpResponse:
    chain = selectors.chain_get(pk)
    segment = ChainSegment.objects.filter(chain=chain, pk=segment_pk).first()
    if segment is None:
        raise Http404("环节不存在")
    q = selectors.report_query(request.user)
    view = selectors.segment_view(user=request.user, segment=segment, q=q, partners=20)

    page = Paginator(view.ranked_ids, FILLING_PAGE).get_page(request.GET.get("page"))

    def links(flow: str, code: str) -> list[tuple[str, str]]:
        return [(h, _records_link(q, flow, code, h)) for h in segment.hs_list]

    return render(
        request,
        "zones/chain_segment.html",
        {
            "chain": chain,
            "segment": segment,
            "view": view,
            "q": q,
            "page": page,
            "filling": view.filling(list(page.object_list)),
            "sources": [(r, links("import", r.code)) for r in view.sources],
            "markets": [(r, links("export", r.code)) for r in view.markets],
        },
    )


@login_required
def chain_matrix(request: HttpRequest) -> HttpResponse:
    q = selectors.report_query(request.user)
    matrix = selectors.chain_matrix(user=request.user, chains=list(selectors.chains_all()), q=q)
    return render(request, "zones/chain_matrix.html", {"matrix": matrix, "q": q})


def _segment_rows(views: list[selectors.SegmentView], chain: Chain) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for v in views:
        rows.append(
            [
                chain.name,
                v.segment.get_position_display(),
                v.segment.name,
                v.segment.industry_codes,
                v.segment.hs_headings,
                v.enterprise_count,
                "、".join(f.enterprise.name for f in v.filling(v.ranked_ids[:20])),
                v.exports,
                v.imports,
                v.share_pct,
                v.state_label,
                v.reasons,
                "、".join(f"{s.name}({s.share_pct}%)" for s in v.sources),
                "、".join(f"{s.name}({s.share_pct}%)" for s in v.markets),
            ]
        )
    return rows


HEADERS = [
    "产业链",
    "环节",
    "细分环节",
    "行业代码",
    "HS品目",
    "本地企业数",
    "本地企业",
    "出口（美元）",
    "进口（美元）",
    "占进出口比重(%)",
    "状态",
    "原因",
    "主要进口来源地",
    "主要出口市场",
]
WIDTHS = [14, 6, 18, 16, 20, 10, 40, 16, 16, 12, 8, 30, 40, 40]


@login_required
def chain_export(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    chain = selectors.chain_get(pk)
    q = selectors.report_query(user)
    views = selectors.chain_analysis(user=user, chain=chain, q=q)
    return xlsx_download(
        actor=user,
        title=f"{chain.name}产业链图谱（{q.ytd_label}）",
        headers=HEADERS,
        rows=_segment_rows(views, chain),
        action="export.zones.chain",
        object_type="zones.chain",
        widths=WIDTHS,
        changes={"chain": chain.pk},
    )


@login_required
def chain_matrix_export(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    q = selectors.report_query(user)
    rows: list[list[Any]] = []
    for chain, views in selectors.chains_analysis(
        user=user, chains=list(selectors.chains_all()), q=q
    ):
        rows += _segment_rows(views, chain)
    return xlsx_download(
        actor=user,
        title=f"产业链图谱（{q.ytd_label}）",
        headers=HEADERS,
        rows=rows,
        action="export.zones.chains",
        object_type="zones.chain",
        widths=WIDTHS,
    )
