"""Pages of indicators: the leaders' dashboard, the list with targets and progress, one
indicator (districts with 拉动, peers with ranking, its months), grid entry, targets, the
statistics-office import and the official customs statistics with their coverage."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kaifang.core import audit, tiles
from kaifang.core.exports import export_stamp
from kaifang.core.lib.downloads import file_download
from kaifang.core.lib.requests import current_user
from kaifang.core.lib.xlsx import table_xlsx
from kaifang.core.models import User
from kaifang.core.scope import get_for_user
from kaifang.indicators import actions, measures, selectors
from kaifang.indicators import dashboard as dash_data
from kaifang.indicators.forms import (
    GridPeriodForm,
    OfficialUploadForm,
    PeriodForm,
    TargetForm,
    UploadForm,
    ValueForm,
)
from kaifang.indicators.importers.office import IndicatorRef, OfficeError, parse_office
from kaifang.indicators.importers.official import OfficialError, parse_official
from kaifang.indicators.models import Indicator, Region, RegionKind, ValueImport
from kaifang.indicators.officials import official_rows

YI = Decimal(100_000_000)


def _period(request: HttpRequest, user: User) -> tuple[int, int]:
    form = PeriodForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return dash_data.period_of(data.get("year"), data.get("month"), user)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    year, month = _period(request, user)
    data = dash_data.build(user, year, month)
    return render(
        request,
        "indicators/dashboard.html",
        {"d": data, "tiles": tiles.tiles_for(request), "may_manage": actions.may_manage(user)},
    )


@login_required
def indicator_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    year, month = _period(request, user)
    region = selectors.home_region(user)
    memo: dict[Any, Any] = {}
    lines = (
        [selectors.line(i, region, year, month, memo) for i in selectors.indicators()]
        if region is not None
        else []
    )
    return render(
        request,
        "indicators/indicator_list.html",
        {
            "lines": lines,
            "region": region,
            "year": year,
            "month": month,
            "elapsed": measures.elapsed_pct(month),
            "may_manage": actions.may_manage(user),
        },
    )


@login_required
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = current_user(request)
    indicator = selectors.indicator_get(code)
    year, month = _period(request, user)
    memo: dict[Any, Any] = {}
    districts = selectors.districts(indicator, year, month, user=user, memo=memo)
    peer_table = selectors.peers(indicator, year, month, memo)
    region = selectors.home_region(user)
    line = selectors.line(indicator, region, year, month, memo) if region else None
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "indicator": indicator,
            "year": year,
            "month": month,
            "line": line,
            "districts": districts,
            "peers": peer_table,
            "may_manage": actions.may_manage(user),
            # the grid's own regions: a district user has none for a computed indicator
            "may_enter": actions.may_enter_any(user) and bool(_entry_regions(user, indicator)),
        },
    )


@login_required
def indicator_export(request: HttpRequest, code: str) -> HttpResponse:
    user = current_user(request)
    indicator = selectors.indicator_get(code)
    year, month = _period(request, user)
    memo: dict[Any, Any] = {}
    rows: list[list[Any]] = []
    for p in selectors.peers(indicator, year, month, memo).rows:
        f = p.figure
        rows.append([p.region.name, f.month, f.ytd, f.ytd_yoy, p.rank.rank if p.rank else None])
    for d in selectors.districts(indicator, year, month, user=user, memo=memo):
        f = d.figure
        rows.append([d.region.name, f.month, f.ytd, f.ytd_yoy, None])
    headers = ["地区", f"本月({indicator.unit})", f"累计({indicator.unit})", "累计同比(%)", "排名"]
    content = table_xlsx(
        title=f"{indicator.name} {year}年1–{month}月",
        subtitle=export_stamp(user),
        headers=headers,
        rows=rows,
        widths=[20, 16, 16, 14, 10],
    )
    audit.record(
        actor=user,
        action="export.indicator",
        object_type="indicators.indicatorvalue",
        object_repr=f"{indicator.name}（{len(rows)} 行）",
        changes={"indicator": code, "year": year, "month": month, "rows": len(rows)},
    )
    return file_download(content=content, filename=f"{indicator.name}-{year}年1-{month}月.xlsx")


def _entry_regions(user: User, indicator: Indicator) -> list[Region]:
    """The regions whose values this user may enter for this indicator (the grid's rows): a
    computed indicator's city and district figures are summed, not entered."""
    return [
        r
        for r in selectors.visible_regions(user)
        if actions.may_write_region(user, r)
        and not (indicator.is_computed and r.kind in (RegionKind.CITY, RegionKind.DISTRICT))
    ]


@login_required
def value_grid(request: HttpRequest, code: str) -> HttpResponse:
    """Grid entry: one row per region the user may write, for one month."""
    user = current_user(request)
    indicator = selectors.indicator_get(code)
    regions = _entry_regions(user, indicator)
    if not regions:
        raise PermissionDenied("您没有可录入该指标的地区")
    year, month = _period(request, user)
    period_form = GridPeriodForm(
        request.POST or None, initial={"year": year, "month": month, "source": "手工录入"}
    )
    existing = selectors.values_for_grid(indicator, dt.date(year, month, 1), regions)
    forms = []
    for r in regions:
        current = existing.get(r.pk)
        initial = {f: getattr(current, f) for f in actions.FIELDS} if current else {}
        forms.append((r, ValueForm(request.POST or None, prefix=f"r{r.pk}", initial=initial)))
    valid = period_form.is_valid() and all(f.is_valid() for _r, f in forms)
    if request.method == "POST" and valid:
        saved = 0
        try:
            for region, form in forms:
                if form.has_values() and form.has_changed():
                    actions.value_save(
                        actor=user,
                        indicator=indicator,
                        region=region,
                        period=period_form.period,
                        values=form.cleaned_data,
                        source=period_form.cleaned_data["source"] or "手工录入",
                    )
                    saved += 1
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, f"已保存 {saved} 个地区的数值")
            p = period_form.period
            url = reverse("indicators:indicator_detail", args=[code])
            return redirect(f"{url}?year={p.year}&month={p.month}")
    return render(
        request,
        "indicators/value_grid.html",
        {
            "indicator": indicator,
            "period_form": period_form,
            "forms": forms,
            "year": year,
            "month": month,
        },
    )


@login_required
def target_edit(request: HttpRequest, code: str) -> HttpResponse:
    user = current_user(request)
    if not actions.may_manage(user):
        raise PermissionDenied("只有市商务局业务科室可以设定年度目标")
    indicator = selectors.indicator_get(code)
    regions = Region.objects.filter(kind__in=[RegionKind.CITY, RegionKind.DISTRICT])
    form = TargetForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            actions.target_save(actor=user, indicator=indicator, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "年度目标已保存")
            return redirect(reverse("indicators:target_edit", args=[code]))
    targets = (
        selectors.visible_targets(user)
        .filter(indicator=indicator)
        .order_by("-year", "region__order")
    )
    return render(
        request,
        "indicators/target_edit.html",
        {"indicator": indicator, "form": form, "targets": targets},
    )


def _refs() -> list[IndicatorRef]:
    return [IndicatorRef(i.code, i.alias_list(), i.unit) for i in selectors.indicators()]


def _region_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for r in Region.objects.filter(is_active=True).select_related("unit"):
        names[r.name] = r.code
        names[r.code] = r.code
        if r.unit is not None:
            names[r.unit.name] = r.code
    return names


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not actions.may_manage(user):
        raise PermissionDenied("只有市商务局业务科室可以导入指标")
    regions = Region.objects.filter(is_active=True)
    form = UploadForm(request.POST or None, request.FILES or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        region = form.cleaned_data.get("region")
        try:
            result = parse_office(
                upload.read(),
                upload.name,
                indicators=_refs(),
                regions=_region_names(),
                default_region=region.code if region else None,
                default_period=form.period,
            )
        except OfficeError as error:
            form.add_error("file", error.reason)
        else:
            staged = actions.value_import_stage(
                actor=user,
                filename=upload.name,
                rows=result.rows,
                errors=[e.as_dict() for e in result.errors],
            )
            return redirect("indicators:import_detail", pk=staged.pk)
    recent = get_imports(user)[:10]
    return render(request, "indicators/import_upload.html", {"form": form, "recent": recent})


def get_imports(user: User) -> Any:
    from kaifang.core.scope import visible_to

    return visible_to(ValueImport.objects.all(), user)


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    staged = get_for_user(ValueImport.objects.all(), user, pk)
    names = {i.code: i.name for i in selectors.indicators()}
    regions = {r.code: r.name for r in Region.objects.all()}
    return render(
        request,
        "indicators/import_detail.html",
        {"staged": staged, "names": names, "regions": regions},
    )


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    staged = get_for_user(ValueImport.objects.all(), user, pk, write=True)
    try:
        count = actions.value_import_commit(
            actor=user, staged=staged, good_rows_only=request.POST.get("good_rows_only") == "1"
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已导入 {count} 行")
    return redirect("indicators:import_detail", pk=staged.pk)


@login_required
def official_upload(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not actions.may_manage(user):
        raise PermissionDenied("只有市商务局业务科室可以导入海关统计")
    form = OfficialUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            result = parse_official(data, upload.name, flow=form.cleaned_data["flow"] or None)
        except OfficialError as error:
            form.add_error("file", error.reason)
        else:
            if result.errors:
                for e in result.errors[:20]:
                    form.add_error(None, f"第 {e.row} 行 [{e.column}] {e.value}：{e.reason}")
                form.add_error(None, f"共 {len(result.errors)} 行错误，未导入任何数据")
            else:
                actions.official_import(
                    actor=user,
                    filename=upload.name,
                    data=data,
                    flow=result.flow,
                    rows=official_rows(result),
                    rows_read=result.rows_read,
                )
                messages.success(
                    request,
                    f"已导入 {result.rows_read} 行（{len(result.periods)} 个月），"
                    f"合计 {result.total:,.2f} {'美元' if result.currency == 'usd' else '元'}",
                )
                return redirect("indicators:coverage")
    return render(request, "indicators/official_upload.html", {"form": form})


@login_required
def coverage_page(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not selectors.sees_all(user):
        raise PermissionDenied("海关统计为全市数据，仅全市范围用户可查看")
    latest = selectors.latest_official_period()
    form = PeriodForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    year = data.get("year") or (latest.year if latest else timezone.localdate().year)
    month = data.get("month") or (latest.month if latest else 12)
    result = selectors.coverage(year, month)

    def shown(rows: list[selectors.CoverageRow]) -> list[dict[str, Any]]:
        return [
            {
                "name": r.name,
                "official": r.official / YI,
                "records": r.records / YI,
                "coverage": r.coverage_pct,
            }
            for r in rows
        ]

    tables = [
        ("按月", shown(result.by_month)),
        ("按国别(地区)", shown(result.by_partner)),
        ("按商品(HS章)", shown(result.by_chapter)),
    ]
    total = shown([result.total])[0] if result.total else None
    return render(
        request,
        "indicators/coverage.html",
        {"tables": tables, "total": total, "year": year, "month": month},
    )
