"""外贸分析 pages: overview, breakdowns, drill-down records, enterprise and market dynamics.
Every page reads through kaifang.trade.selectors (scope-aware) and every table exports to
Excel with an audit entry."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from kaifang.core.exports import export_response
from kaifang.core.lib.deadline import DeadlinePassed
from kaifang.core.lib.downloads import file_download
from kaifang.core.lib.numbers import amount_unit
from kaifang.core.lib.requests import current_user
from kaifang.core.lib.xlsx import Cell
from kaifang.core.models import Partner
from kaifang.trade import long_tables
from kaifang.trade.exports import (
    BREAKDOWN_COLUMNS,
    BREAKDOWN_WRITER,
    RECORDS_HEADERS,
    RECORDS_WRITER,
    breakdown_file,
    breakdown_xlsx,
    records_file,
    xlsx_file,
)
from kaifang.trade.figures import (
    PAGES,
    figures,
    trend_chart,
)
from kaifang.trade.selectors import (
    BREAKDOWNS,
    INDUSTRY_LEVELS,
    SPANS,
    Keys,
    Query,
    drill_page,
    drill_records,
    drill_totals,
    markets,
    sees_all,
)
from kaifang.trade.selectors.breakdown import named_rows
from kaifang.trade.templatetags.trade_analysis import analysis_params
from kaifang.trade.views.setup import (
    Setup,
    breakdown_for,
    keys_labels,
    money_header,
    records_for,
    setup_for,
    subtitle,
)
from kaifang.trade.views.tables import table_html

RECORDS_PAGE_SIZE = 50
# The most records one Excel file of the drill-down holds: about 12 s to write on 2 cores
# (60,000 rows took 7–8 s), and far below a sheet's 1,048,576 rows; a city's year at 5.6 M
# records is millions of rows, which would hold a worker for many minutes and open nowhere.
RECORDS_EXPORT_MAX = 100_000
BREAKDOWN_PAGE_SIZE = 100

# by → the next levels a row drills into: (label, by, level offset)
NEXT_LEVELS: dict[str, list[tuple[str, str]]] = {
    "partner": [("商品", "hs2"), ("企业", "enterprise")],
    "group": [("国别", "partner"), ("企业", "enterprise")],
    "industry": [("企业", "enterprise")],
    "hs2": [("品目", "hs4"), ("国别", "partner"), ("企业", "enterprise")],
    "hs4": [("8位编码", "hs8"), ("国别", "partner"), ("企业", "enterprise")],
    "hs8": [("国别", "partner"), ("企业", "enterprise")],
    "mode": [("企业", "enterprise"), ("商品", "hs2")],
    "district": [("企业", "enterprise"), ("国别", "partner"), ("行业", "industry")],
    "park": [("企业", "enterprise"), ("国别", "partner")],
    "enterprise": [("国别", "partner"), ("商品", "hs4")],
}


def _setup(request: HttpRequest, *, default_flow: str = "total") -> Setup:
    return setup_for(current_user(request), request.GET, default_flow=default_flow)


def _empty(request: HttpRequest, title: str) -> HttpResponse:
    return render(request, "trade/analysis/empty.html", {"title": title})


def _xlsx(**kwargs: Any) -> HttpResponse:
    written = xlsx_file(**kwargs)
    return file_download(content=written.content, filename=written.name)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    setup = _setup(request)
    if setup.q is None:
        return _empty(request, "外贸分析")
    q = setup.q
    found = figures("overview", setup.user, q)
    return render(
        request,
        "trade/analysis/overview.html",
        {
            "setup": setup,
            "q": q,
            "keys": Keys(),
            "sees_all": sees_all(setup.user),
            "unit": amount_unit(q.currency),
            **found,
            "table_sections": [
                (table, table_html(table=table, rows=table.rows[:10], q=q, next_levels=None))
                for table in found["tables"]
            ],
        },
    )


def _computing(request: HttpRequest, by: str) -> HttpResponse:
    """The page of a table too long to read in the request: its job's progress, and the
    page again once the worker has kept the table (kaifang.trade.long_tables)."""
    setup = setup_for(current_user(request), request.GET)
    title = f"分{BREAKDOWNS[by][0]}"
    job = long_tables.queue_table(user=setup.user, by=by, params=request.GET, title=title)
    return render(
        request,
        "trade/analysis/computing.html",
        {
            "setup": setup,
            "q": setup.q,
            "keys": setup.keys,
            "by": by,
            "title": title,
            "key_labels": keys_labels(setup.keys),
            "job": job,
            "autoreload": True,
            "limit_seconds": long_tables.page_read_seconds(),
        },
    )


@login_required
def breakdown_page(request: HttpRequest, by: str) -> HttpResponse:
    deadline = long_tables.page_read_seconds()
    try:
        setup, table = breakdown_for(current_user(request), request.GET, by, deadline=deadline)
        chart = None
        if table is not None and setup.q is not None and not setup.keys.is_empty:
            chart = trend_chart(setup.user, setup.q, setup.keys, deadline=deadline)
    except DeadlinePassed:
        return _computing(request, by)
    if table is None or setup.q is None:
        return _empty(request, "外贸分析")
    next_levels = list(NEXT_LEVELS[by])
    if by == "industry" and table.level < 4:
        next_levels.insert(0, ("下级行业", "industry"))
    small = by == "enterprise" or not setup.keys.is_empty
    # Rows in pages (the enterprise table has 2,000): the footer total stays over all rows,
    # and the Excel export keeps every row.
    page = Paginator(table.rows, BREAKDOWN_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = named_rows(by, list(page.object_list))  # the kept rows carry no names
    return render(
        request,
        "trade/analysis/breakdown.html",
        {
            "setup": setup,
            "q": setup.q,
            "keys": setup.keys,
            "table": table,
            "page": page,
            "key_labels": keys_labels(setup.keys),
            "next_levels": next_levels,
            "next_industry_level": table.level + 1,
            "levels": INDUSTRY_LEVELS,
            "small": small,
            "unit": amount_unit(setup.q.currency, small=small),
            "chart": chart,
            "table_html": table_html(
                table=table,
                rows=list(page.object_list),
                q=setup.q,
                next_levels=next_levels,
                next_industry_level=table.level + 1,
                small=small,
            ),
            "export_query": analysis_params(setup.q, setup.keys, level=table.level or ""),
        },
    )


@login_required
def breakdown_export(request: HttpRequest, by: str) -> HttpResponse:
    """A breakdown's table as Excel: written here, or by the worker when long, or when the
    table itself is too long to read in the request (its rows then not known)."""
    user = current_user(request)
    params = request.GET.copy()
    params["by"] = by
    try:
        setup, table = breakdown_for(
            user, request.GET, by, deadline=long_tables.page_read_seconds()
        )
    except DeadlinePassed:  # only ever raised with data to read (`breakdown_for`)
        return export_response(
            request,
            writer=BREAKDOWN_WRITER,
            user=user,
            rows=None,
            columns=BREAKDOWN_COLUMNS,
            title=f"外贸分析：分{BREAKDOWNS[by][0]}",
            noun="行",
            params=params,
            write=lambda: breakdown_file(user=user, params=params),
        )
    if table is None or setup.q is None:
        raise Http404("还没有可导出的数据")
    return export_response(
        request,
        writer=BREAKDOWN_WRITER,
        user=setup.user,
        rows=len(table.rows) + 1,
        columns=BREAKDOWN_COLUMNS,
        title=f"外贸分析：分{table.label}",
        noun="行",
        params=params,
        write=lambda: breakdown_xlsx(setup=setup, by=by, table=table),
    )


def _records_for(request: HttpRequest) -> tuple[Setup, str, Any]:
    return records_for(current_user(request), request.GET)


@login_required
def records_page(request: HttpRequest) -> HttpResponse:
    setup, span, qs = _records_for(request)
    if qs is None or setup.q is None:
        return _empty(request, "明细记录")
    # The count and totals come from the rollups where they can answer (no key, or one key
    # that is a rollup dimension): the facts are then read for the page's 50 rows only.
    summary = drill_totals(viewer=setup.user, q=setup.q, span=span, keys=setup.keys)
    number = _page_number(request.GET.get("page"), summary.count)
    # The count and the page's depth choose the plan of the page (value index or the key's).
    qs = drill_records(
        viewer=setup.user,
        q=setup.q,
        span=span,
        keys=setup.keys,
        depth=number * RECORDS_PAGE_SIZE,
        matching=summary.count,
    )
    pages = _Pages(qs, q=setup.q, keys=setup.keys)
    page = KnownCountPaginator(pages, RECORDS_PAGE_SIZE, count=summary.count).page(number)
    codes = {r.partner_code for r in page}
    partners = dict(Partner.objects.filter(code__in=codes).values_list("code", "name_zh"))
    return render(
        request,
        "trade/analysis/records.html",
        {
            "setup": setup,
            "q": setup.q,
            "keys": setup.keys,
            "span": span,
            "span_label": SPANS[span],
            "months": setup.q.span_months(span),
            "page": page,
            "rows": [(r, partners.get(r.partner_code, "")) for r in page],
            "total_usd": summary.usd,
            "total_cny": summary.cny,
            "total": summary.total(setup.q.currency),
            "key_labels": keys_labels(setup.keys),
            "export_query": request.GET.urlencode(),
        },
    )


def _page_number(raw: str | None, count: int) -> int:
    """The page `Paginator.get_page` would show for `raw`: 1 for nonsense, the last past it."""
    paginator = KnownCountPaginator((), RECORDS_PAGE_SIZE, count=count)
    try:
        return int(paginator.validate_number(raw if raw is not None else 1))
    except PageNotAnInteger:
        return 1
    except EmptyPage:
        return int(paginator.num_pages)


class _Pages:
    """The drill-down's records as the paginator slices them: a page by `drill_page` (on
    PostgreSQL its ids first, then its rows)."""

    def __init__(self, records: Any, *, q: Query, keys: Keys) -> None:
        self.records, self.q, self.keys = records, q, keys

    def __getitem__(self, part: slice) -> list[Any]:
        if not isinstance(part, slice) or part.step is not None or part.stop is None:
            raise TypeError("a page of the drill-down is a slice [bottom:top]")
        return drill_page(self.records, part.start or 0, part.stop, q=self.q, keys=self.keys)


class KnownCountPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator told the count it would otherwise ask the database for again."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


@login_required
def records_export(request: HttpRequest) -> HttpResponse:
    """The drill-down's records as Excel: written here when few, by the worker (with a
    progress bar on the job's page) when many, refused above what one file should hold."""
    setup, span, qs = _records_for(request)
    if qs is None or setup.q is None:
        raise Http404("还没有可导出的数据")
    summary = drill_totals(viewer=setup.user, q=setup.q, span=span, keys=setup.keys)
    if summary.count > RECORDS_EXPORT_MAX:
        messages.error(
            request,
            f"当前范围共有 {summary.count:,} 条明细，超过单个 Excel 文件可导出的 "
            f"{RECORDS_EXPORT_MAX:,} 条。请缩小范围（选择单月、进出口方向、企业、商品或国别）"
            "后再导出；汇总数据可在各分析页导出。",
        )
        return redirect(f"{reverse('trade:analysis_records')}?{request.GET.urlencode()}")
    return export_response(
        request,
        writer=RECORDS_WRITER,
        user=setup.user,
        rows=summary.count,
        columns=len(RECORDS_HEADERS),
        title=f"外贸明细（{SPANS[span]}）",
        noun="条明细",
        write=lambda: records_file(user=setup.user, params=request.GET),
    )


# --- enterprise and market dynamics ---------------------------------------------------


@dataclass(frozen=True)
class Dynamic:
    title: str
    template: str
    table: Callable[[dict[str, Any], Query], tuple[list[str], list[Sequence[Cell]]]]
    # None: the figures depend on the scope and the query only, and come from the cache
    # (trade.figures.PAGES, with the page's default flow), which the worker refills.
    build: Callable[[Setup, Query], dict[str, Any]] | None = None


def _new_exporters_table(ctx: dict[str, Any], q: Query) -> tuple[list[str], list[Sequence[Cell]]]:
    rows: list[Sequence[Cell]] = [
        (i.name, i.first_month.strftime("%Y-%m"), i.ytd) for i in ctx["items"]
    ]
    return ["企业", "首次出口月份", f"本年累计出口({money_header(q)})"], rows


def _stopped_table(ctx: dict[str, Any], q: Query) -> tuple[list[str], list[Sequence[Cell]]]:
    rows: list[Sequence[Cell]] = [
        (i.name, i.last_month.strftime("%Y-%m"), i.months_stopped, i.value_before)
        for i in ctx["items"]
    ]
    return ["企业", "最后有数月份", "已停止月数", f"停止前12个月({money_header(q)})"], rows


def _markets(setup: Setup, q: Query) -> dict[str, Any]:
    return {"markets": markets(viewer=setup.user, q=q, keys=setup.keys)}


def _markets_table(ctx: dict[str, Any], q: Query) -> tuple[list[str], list[Sequence[Cell]]]:
    found = ctx["markets"]
    rows: list[Sequence[Cell]] = [
        ("新开拓", r.name, r.key, r.ytd, r.ytd_prev) for r in found.gained
    ]
    rows += [("流失", r.name, r.key, r.ytd, r.ytd_prev) for r in found.lost]
    unit = money_header(q)
    return ["类型", "国别(地区)", "代码", f"本年累计({unit})", f"上年同期累计({unit})"], rows


def _concentration_table(ctx: dict[str, Any], q: Query) -> tuple[list[str], list[Sequence[Cell]]]:
    city = ctx["city"]
    rows: list[Sequence[Cell]] = [("全市", None, city.partners, "", city.top5_share_pct, city.hhi)]
    rows += [
        (i.name, i.ytd, i.partners, i.top_partner, i.top5_share_pct, i.hhi) for i in ctx["items"]
    ]
    return [
        "企业",
        f"本年累计({money_header(q)})",
        "市场数",
        "第一大市场",
        "前五大市场占比(%)",
        "HHI",
    ], rows


DYNAMICS: dict[str, Dynamic] = {
    "new-exporters": Dynamic(
        "新增出口企业", "trade/analysis/new_exporters.html", _new_exporters_table
    ),
    "stopped": Dynamic("停止进出口企业", "trade/analysis/stopped.html", _stopped_table),
    "markets": Dynamic(
        "新开拓与流失市场", "trade/analysis/markets.html", _markets_table, build=_markets
    ),
    "concentration": Dynamic(
        "市场集中度", "trade/analysis/concentration.html", _concentration_table
    ),
}


def _dynamic(request: HttpRequest, kind: str) -> tuple[Dynamic, Setup, dict[str, Any] | None]:
    dynamic = DYNAMICS.get(kind)
    if dynamic is None:
        raise Http404("没有这个分析")
    cached = PAGES[kind] if dynamic.build is None else None
    setup = _setup(request, default_flow=cached.default_flow if cached else "total")
    if setup.q is None:
        return dynamic, setup, None
    q = setup.q
    if cached is not None and cached.only_flow and q.flow != cached.only_flow:
        q = Query(year=q.year, month=q.month, flow=cached.only_flow, currency=q.currency)
        setup = Setup(setup.user, setup.form, q, setup.keys, setup.level)
    if dynamic.build is not None:
        return dynamic, setup, dynamic.build(setup, q)
    return dynamic, setup, figures(kind, setup.user, q)


@login_required
def dynamic_page(request: HttpRequest, kind: str) -> HttpResponse:
    dynamic, setup, ctx = _dynamic(request, kind)
    if ctx is None or setup.q is None:
        return _empty(request, dynamic.title)
    return render(
        request,
        dynamic.template,
        {
            "setup": setup,
            "q": setup.q,
            "keys": setup.keys,
            "title": dynamic.title,
            "kind": kind,
            "unit": amount_unit(setup.q.currency, small=True),
            "key_labels": keys_labels(setup.keys),
            "export_url": reverse("trade:analysis_dynamic_export", args=[kind])
            + "?"
            + analysis_params(setup.q, setup.keys),
            **ctx,
        },
    )


@login_required
def dynamic_export(request: HttpRequest, kind: str) -> HttpResponse:
    dynamic, setup, ctx = _dynamic(request, kind)
    if ctx is None or setup.q is None:
        raise Http404("还没有可导出的数据")
    headers, rows = dynamic.table(ctx, setup.q)
    return _xlsx(
        user=setup.user,
        slug=kind,
        title=f"外贸分析：{dynamic.title}",
        subtitle=subtitle(setup.q, setup.keys),
        headers=headers,
        rows=rows,
        changes={"kind": kind, **setup.q.params(), **setup.keys.params()},
    )
