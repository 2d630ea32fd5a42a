"""园区月度指标: the month's grid, the Excel import (row-level Chinese errors, all or none),
the yearly export in the import layout, and annual targets. Read: whoever sees the park; write:
editors whose scope may change it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kaifang.core.lib.requests import current_user
from kaifang.zones import selectors
from kaifang.zones.actions import parks as actions_parks
from kaifang.zones.forms import KpiImportForm, TargetForm
from kaifang.zones.importers.kpi import parse_kpi_workbook
from kaifang.zones.models import Park, ParkKpiDefinition, ParkKpiValue
from kaifang.zones.permissions import require_editor
from kaifang.zones.views.common import (
    attempt,
    form_errors,
    kpi_grid,
    xlsx_download,
    year_param,
)


def _park(request: HttpRequest, pk: int) -> Park:
    user = current_user(request)
    park = selectors.park_for_user(user=user, pk=pk, write=True)
    require_editor(user)
    return park


def _kpis_back(park: Park, year: int | None = None) -> str:
    query = f"?year={year}" if year else ""
    return reverse("zones:park_detail", args=[park.pk]) + query + "#kpis"


@login_required
def park_kpi(request: HttpRequest, pk: int) -> HttpResponse:
    """The month's grid: one figure per park KPI."""
    user = current_user(request)
    park = selectors.park_for_user(user=user, pk=pk)
    return kpi_grid(
        request,
        user=user,
        owner=park,
        definitions=list(ParkKpiDefinition.objects.all()),
        current=lambda period: {
            v.definition_id: v.value for v in ParkKpiValue.objects.filter(park=park, period=period)
        },
        save=lambda period, values: actions_parks.park_kpi_month_save(
            actor=user, park=park, period=period, values=values
        ),
        url_name="zones:park_kpi",
        template="zones/park_kpi.html",
        context_name="park",
    )


@login_required
@require_POST
def park_kpi_import(request: HttpRequest, pk: int) -> HttpResponse:
    park, user = _park(request, pk), current_user(request)
    form = KpiImportForm(request.POST, request.FILES)
    back = reverse("zones:park_kpi", args=[park.pk])
    if not form.is_valid():
        form_errors(request, form)
        return redirect(back)
    upload = form.cleaned_data["file"]
    parsed = parse_kpi_workbook(upload.read())
    problems = parsed.errors
    written = 0
    if not problems:
        try:
            written = actions_parks.park_kpi_import(
                actor=user, park=park, rows=parsed.rows, filename=str(upload.name)
            )
        except ValidationError as error:
            problems = error.messages
    if problems:
        for message in problems[:30]:
            messages.error(request, message)
        messages.error(request, "文件有错误，未导入任何数据；请修改后重新上传。")
        return redirect(back)
    messages.success(request, f"已导入 {written} 项指标。")
    return redirect(_kpis_back(park))


@login_required
def park_kpi_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The park's KPI values of a year in the import layout (年月, 指标, 数值): the template."""
    user = current_user(request)
    park = selectors.park_for_user(user=user, pk=pk)
    year = year_param(request)
    values = {
        (v.definition_id, v.period): v.value
        for v in ParkKpiValue.objects.filter(park=park, period__year=year)
    }
    definitions = list(ParkKpiDefinition.objects.all())
    rows: list[list[Any]] = []
    today = timezone.localdate()
    last = 12 if year < today.year else today.month
    for month in range(1, last + 1):
        period = dt.date(year, month, 1)
        for d in definitions:
            rows.append([f"{period:%Y-%m}", d.name, values.get((d.pk, period)), d.unit])
    return xlsx_download(
        actor=user,
        title=f"{park.name}{year}年指标",
        headers=["年月", "指标", "数值", "计量单位"],
        rows=rows,
        action="export.zones.park_kpis",
        object_type="zones.park",
        widths=[10, 24, 16, 10],
        changes={"park": park.pk, "year": year},
    )


@login_required
@require_POST
def park_target(request: HttpRequest, pk: int) -> HttpResponse:
    park, user = _park(request, pk), current_user(request)
    form = TargetForm(request.POST)
    definition = ParkKpiDefinition.objects.filter(pk=request.POST.get("definition") or 0).first()
    if not form.is_valid() or definition is None:
        form_errors(request, form)
        if definition is None:
            messages.error(request, "请选择指标。")
        return redirect(_kpis_back(park))
    year = form.cleaned_data["year"]
    return attempt(
        request,
        lambda: actions_parks.park_kpi_target_set(
            actor=user,
            park=park,
            definition=definition,
            year=year,
            target=form.cleaned_data["target"],
        ),
        success="年度目标已保存。",
        back=_kpis_back(park, year),
    )
