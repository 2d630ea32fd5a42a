"""外贸分析 pages: overview, breakdowns, drill-down records, enterprise and market dynamics.
Every page reads through kaifang.trade.selectors (scope-aware) and every table exports to
Excel with an audit entry."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from kaifang.core import audit
from kaifang.core.lib.downloads import file_download
from kaifang.core.lib.numbers import amount_unit
from kaifang.core.lib.requests import current_user
from kaifang.core.lib.xlsx import Cell, table_xlsx
from kaifang.core.models import Partner, User
from kaifang.enterprises.selectors import enterprise_get
from kaifang.trade.figures import (
    PAGES,
    figures,
    kept_breakdown,
    report_month,
    trend_chart,
)
from kaifang.trade.forms import AnalysisForm
from kaifang.trade.selectors import (
    BREAKDOWNS,
    INDUSTRY_LEVELS,
    NONE_KEY,
    SPANS,
    Breakdown,
    Keys,
    Query,
    drill_page,
    drill_records,
    drill_summary,
    markets,
    records_summary,
    sees_all,
)
from kaifang.trade.selectors.breakdown import names_for
from kaifang.trade.templatetags.trade_analysis import analysis_params
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


@dataclass(frozen=True)
class Setup:
    user: User
    form: AnalysisForm
    q: Query | None  # None: no data the user can see yet
    keys: Keys
    level: int


def _setup(request: HttpRequest, *, default_flow: str = "total") -> Setup:
    user = current_user(request)
    form = AnalysisForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    keys = Keys.from_params(request.GET)
    if keys.enterprise:
        enterprise_get(user=user, pk=keys.enterprise)  # 404 outside the user's scope
    try:
        level = int(request.GET.get("level") or 1)
    except ValueError:
        level = 1
    level = level if level in INDUSTRY_LEVELS else 1
    latest = report_month(user)  # the report month by default
    year, month = data.get("year"), data.get("month")
    if latest is None and not year:
        return Setup(user, form, None, keys, level)
    today = timezone.localdate()
    base = latest or dt.date(today.year, today.month, 1)
    if not year:
        year = base.year
    if not month:
        month = base.month if year == base.year else 12
    q = Query(
        year=year,
        month=month,
        flow=data.get("flow") or default_flow,
        currency=data.get("currency") or "usd",
    )
    if not form.is_bound:
        form = AnalysisForm(initial=q.params())
    return Setup(user, form, q, keys, level)


def _keys_labels(keys: Keys) -> list[tuple[str, str]]:
    """The active drill keys in words, for the page's filter line."""
    labels = []
    for name, value in keys.params().items():
        by = {"hs": f"hs{len(value)}" if value != NONE_KEY else "hs2"}.get(name, name)
        title = {"hs": "商品", "group": "分组"}.get(name, BREAKDOWNS.get(by, (name,))[0])
        if name == "industry":
            title = "行业"
        shown = names_for(by if by in BREAKDOWNS else name, [value]).get(value, value)
        # a code beside its name (HS 85, partner 502), not a group's internal code ("rcep")
        coded = value not in {shown, NONE_KEY} and name != "group"
        labels.append((title, f"{value} {shown}" if coded else shown))
    return labels


def _empty(request: HttpRequest, title: str) -> HttpResponse:
    return render(request, "trade/analysis/empty.html", {"title": title})


def _xlsx(
    *,
    user: User,
    slug: str,
    title: str,
    subtitle: str,
    headers: Sequence[str],
    rows: list[Sequence[Cell]],
    changes: dict[str, Any],
) -> HttpResponse:
    stamp = f"导出时间 {timezone.localtime():%Y-%m-%d %H:%M}，导出人 {user.display_name}"
    content = table_xlsx(
        title=title,
        subtitle=f"{subtitle}　{stamp}",
        headers=headers,
        rows=rows,
        widths=[28] + [16] * (len(headers) - 1),
    )
    audit.record(
        actor=user,
        action=f"export.trade_{slug}",
        object_type="trade.customsrecord",
        object_repr=f"{title}（{len(rows)} 行）",
        changes={**changes, "rows": len(rows)},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    # named as the table is titled (外贸分析-分国别（地区）-20261205-1030.xlsx), like the other
    # apps' exports; characters a file name cannot hold become "-"
    name = re.sub(r"[\\/:*?\"<>|：]+", "-", title)
    return file_download(content=content, filename=f"{name}-{stamp}.xlsx")


def _money_header(q: Query) -> str:
    return "美元" if q.currency == "usd" else "元"


def _breakdown_rows(table: Breakdown) -> tuple[list[str], list[Sequence[Cell]]]:
    unit = _money_header(table.query)
    headers = [
        table.label,
        "代码",
        f"当月({unit})",
        f"上年同月({unit})",
        "当月同比(%)",
        f"上月({unit})",
        "环比(%)",
        f"累计({unit})",
        f"上年同期累计({unit})",
        "累计同比(%)",
        "占比(%)",
        "拉动(百分点)",
    ]
    rows: list[Sequence[Cell]] = []
    for r in [*table.rows, table.total]:
        s = r.sums
        rows.append(
            [
                r.name,
                r.key,
                s.month,
                s.month_prev,
                r.month_yoy_pct,
                s.prev_month,
                r.mom_pct,
                s.ytd,
                s.ytd_prev,
                r.yoy_pct,
                r.share_pct,
                r.contribution_pp,
            ]
        )
    return headers, rows


def _subtitle(q: Query, keys: Keys) -> str:
    parts = [
        f"{q.label}（累计 {q.ytd_label}）",
        q.flow_label,
        "美元" if q.currency == "usd" else "人民币",
    ]
    parts += [f"{t}：{v}" for t, v in _keys_labels(keys)]
    return "，".join(parts)


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


def _breakdown_for(request: HttpRequest, by: str) -> tuple[Setup, Breakdown | None]:
    if by not in BREAKDOWNS:
        raise Http404("没有这种分析维度")
    setup = _setup(request)
    if setup.q is None:
        return setup, None
    table = kept_breakdown(setup.user, by, setup.q, setup.keys, setup.level)
    # Names are read afresh (a renamed partner or unit shows at once; no version marks it).
    names = names_for(by, [r.key for r in table.rows])
    if any(names[r.key] != r.name for r in table.rows):
        rows = [replace(r, name=names[r.key]) for r in table.rows]
        table = replace(table, rows=rows)
    return setup, table


@login_required
def breakdown_page(request: HttpRequest, by: str) -> HttpResponse:
    setup, table = _breakdown_for(request, by)
    if table is None or setup.q is None:
        return _empty(request, "外贸分析")
    next_levels = list(NEXT_LEVELS[by])
    if by == "industry" and table.level < 4:
        next_levels.insert(0, ("下级行业", "industry"))
    small = by == "enterprise" or not setup.keys.is_empty
    # Rows in pages (the enterprise table has 2,000): the footer total stays over all rows,
    # and the Excel export keeps every row.
    page = Paginator(table.rows, BREAKDOWN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "trade/analysis/breakdown.html",
        {
            "setup": setup,
            "q": setup.q,
            "keys": setup.keys,
            "table": table,
            "page": page,
            "key_labels": _keys_labels(setup.keys),
            "next_levels": next_levels,
            "next_industry_level": table.level + 1,
            "levels": INDUSTRY_LEVELS,
            "small": small,
            "unit": amount_unit(setup.q.currency, small=small),
            "chart": (
                trend_chart(setup.user, setup.q, setup.keys) if not setup.keys.is_empty else None
            ),
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
    setup, table = _breakdown_for(request, by)
    if table is None or setup.q is None:
        raise Http404("还没有可导出的数据")
    headers, rows = _breakdown_rows(table)
    return _xlsx(
        user=setup.user,
        slug=f"by-{by}",
        title=f"外贸分析：分{table.label}",
        subtitle=_subtitle(setup.q, setup.keys),
        headers=headers,
        rows=rows,
        changes={"by": by, **setup.q.params(), **setup.keys.params()},
    )


def _records_for(request: HttpRequest) -> tuple[Setup, str, Any]:
    setup = _setup(request)
    span = request.GET.get("span") or "ytd"
    if span not in SPANS:
        span = "ytd"
    if setup.q is None:
        return setup, span, None
    qs = drill_records(viewer=setup.user, q=setup.q, span=span, keys=setup.keys)
    return setup, span, qs


@login_required
def records_page(request: HttpRequest) -> HttpResponse:
    setup, span, qs = _records_for(request)
    if qs is None or setup.q is None:
        return _empty(request, "明细记录")
    # The count and totals come from the rollups where they can answer (no key, or one key
    # that is a rollup dimension): the facts are then read for the page's 50 rows only.
    summary = drill_summary(
        viewer=setup.user, q=setup.q, span=span, keys=setup.keys
    ) or records_summary(qs)
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
            "key_labels": _keys_labels(setup.keys),
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
    setup, span, qs = _records_for(request)
    if qs is None or setup.q is None:
        raise Http404("还没有可导出的数据")
    summary = drill_summary(
        viewer=setup.user, q=setup.q, span=span, keys=setup.keys
    ) or records_summary(qs)
    if summary.count > RECORDS_EXPORT_MAX:
        messages.error(
            request,
            f"当前范围共有 {summary.count:,} 条明细，超过单个 Excel 文件可导出的 "
            f"{RECORDS_EXPORT_MAX:,} 条。请缩小范围（选择单月、进出口方向、企业、商品或国别）"
            "后再导出；汇总数据可在各分析页导出。",
        )
        return redirect(f"{reverse('trade:analysis_records')}?{request.GET.urlencode()}")
    names = dict(Partner.objects.values_list("code", "name_zh"))
    rows: list[Sequence[Cell]] = [
        (
            r.period.strftime("%Y-%m"),
            r.enterprise.name,
            r.enterprise.uscc or r.enterprise.customs_code or "",
            r.get_flow_display(),
            r.hs_code,
            r.partner_code,
            names.get(r.partner_code, ""),
            r.trade_mode,
            r.value_usd,
            r.value_cny,
        )
        for r in qs.iterator(chunk_size=2000)
    ]
    rows.append(("合计", "", "", "", "", "", "", "", summary.usd, summary.cny))
    return _xlsx(
        user=setup.user,
        slug="records",
        title=f"外贸明细（{SPANS[span]}）",
        subtitle=_subtitle(setup.q, setup.keys),
        headers=[
            "年月",
            "企业",
            "统一社会信用代码/海关编码",
            "进出口",
            "商品编码",
            "国别代码",
            "国别(地区)",
            "贸易方式",
            "美元",
            "人民币(元)",
        ],
        rows=rows,
        changes={"span": span, **setup.q.params(), **setup.keys.params()},
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
    return ["企业", "首次出口月份", f"本年累计出口({_money_header(q)})"], rows


def _stopped_table(ctx: dict[str, Any], q: Query) -> tuple[list[str], list[Sequence[Cell]]]:
    rows: list[Sequence[Cell]] = [
        (i.name, i.last_month.strftime("%Y-%m"), i.months_stopped, i.value_before)
        for i in ctx["items"]
    ]
    return ["企业", "最后有数月份", "已停止月数", f"停止前12个月({_money_header(q)})"], rows


def _markets(setup: Setup, q: Query) -> dict[str, Any]:
    return {"markets": markets(viewer=setup.user, q=q, keys=setup.keys)}


def _markets_table(ctx: dict[str, Any], q: Query) -> tuple[list[str], list[Sequence[Cell]]]:
    found = ctx["markets"]
    rows: list[Sequence[Cell]] = [
        ("新开拓", r.name, r.key, r.ytd, r.ytd_prev) for r in found.gained
    ]
    rows += [("流失", r.name, r.key, r.ytd, r.ytd_prev) for r in found.lost]
    unit = _money_header(q)
    return ["类型", "国别(地区)", "代码", f"本年累计({unit})", f"上年同期累计({unit})"], rows


def _concentration_table(ctx: dict[str, Any], q: Query) -> tuple[list[str], list[Sequence[Cell]]]:
    city = ctx["city"]
    rows: list[Sequence[Cell]] = [("全市", None, city.partners, "", city.top5_share_pct, city.hhi)]
    rows += [
        (i.name, i.ytd, i.partners, i.top_partner, i.top5_share_pct, i.hhi) for i in ctx["items"]
    ]
    return [
        "企业",
        f"本年累计({_money_header(q)})",
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
            "key_labels": _keys_labels(setup.keys),
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
        subtitle=_subtitle(setup.q, setup.keys),
        headers=headers,
        rows=rows,
        changes={"kind": kind, **setup.q.params(), **setup.keys.params()},
    )
