"""开放平台: list, page, status, milestones, monthly KPIs (grid and Excel), targets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kaifang.core import handover
from kaifang.core.lib.requests import current_user
from kaifang.core.scope import can_write
from kaifang.zones import actions, selectors
from kaifang.zones.forms import (
    AppealLinkForm,
    DoneForm,
    KpiImportForm,
    MilestoneForm,
    PlatformAppealForm,
    PlatformFilterForm,
    PlatformForm,
    StatusForm,
    TargetForm,
    find_enterprise,
)
from kaifang.zones.importers.kpi import parse_kpi_workbook
from kaifang.zones.models import (
    KpiDefinition,
    KpiValue,
    Platform,
    PlatformMilestone,
)
from kaifang.zones.permissions import is_registrar, require_editor, require_registrar
from kaifang.zones.views.common import (
    add_action_errors,
    attempt,
    form_errors,
    kpi_grid,
    xlsx_download,
    year_param,
)


def _filtered(request: HttpRequest) -> tuple[PlatformFilterForm, selectors.PlatformFilter]:
    form = PlatformFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        return form, selectors.PlatformFilter(
            q=data["q"] or "",
            kind=data["kind"].pk if data["kind"] else None,
            status=data["status"] or "",
        )
    return form, selectors.PlatformFilter()


@login_required
def platform_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filtered(request)
    qs = selectors.platform_list(user=request.user, filters=filters)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "zones/platform_list.html",
        {
            "form": form,
            "page": page,
            "query": request.GET.urlencode(),
            "can_edit": is_registrar(request.user),  # no 新建 button that would answer 403
        },
    )


@login_required
def platform_export(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    _, filters = _filtered(request)
    qs = selectors.platform_list(user=user, filters=filters)
    rows = [
        (
            p.name,
            p.kind.name,
            p.get_status_display(),
            p.status_on,
            p.district.name if p.district else "",
            p.park.name if p.park else "",
            p.unit.name if p.unit else "",
            p.leader,
        )
        for p in qs
    ]
    return xlsx_download(
        actor=user,
        title="开放平台清单",
        headers=[
            "平台名称",
            "类型",
            "状态",
            "状态日期",
            "所在县区",
            "所在园区",
            "责任单位",
            "责任领导",
        ],
        rows=rows,
        action="export.zones.platforms",
        object_type="zones.platform",
        widths=[30, 18, 8, 12, 16, 22, 22, 10],
    )


@login_required
def platform_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_registrar(user)
    form = PlatformForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            platform = actions.platform_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"已建立平台“{platform.name}”。")
            return redirect("zones:platform_detail", pk=platform.pk)
    return render(request, "zones/platform_form.html", {"form": form, "platform": None})


@login_required
def platform_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    platform = selectors.platform_for_user(user=user, pk=pk, write=True)
    require_editor(user)
    initial = {name: getattr(platform, name) for name in actions.PLATFORM_FIELDS}
    form = PlatformForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.platform_update(actor=user, platform=platform, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "已保存。")
            return redirect("zones:platform_detail", pk=platform.pk)
    return render(request, "zones/platform_form.html", {"form": form, "platform": platform})


def _related_tasks(request: HttpRequest, platform: Platform) -> list[dict[str, Any]]:
    ids = [m.task_ref for m in platform.milestones.all() if m.task_ref]
    ids += [p.task_ref for p in platform.projects.all() if p.task_ref]
    if not ids:
        return []
    found = handover.call("supervision.task_summaries", user=request.user, ids=ids)
    return list(found or [])


@login_required
def platform_detail(request: HttpRequest, pk: int) -> HttpResponse:
    platform = selectors.platform_for_user(user=request.user, pk=pk)
    year = year_param(request)
    progress = selectors.kpi_progress(platform, year)
    charts = [(f"kpi-chart-{row.definition.pk}", selectors.kpi_chart(row)) for row in progress]
    projects = selectors.projects_visible(user=request.user).filter(platform=platform)
    enterprises = selectors.visible_to_enterprises(request.user, platform)
    return render(
        request,
        "zones/platform_detail.html",
        {
            "platform": platform,
            "history": platform.status_changes.select_related("actor"),
            "milestones": selectors.milestones_with_lights(platform),
            "progress": progress,
            "charts": charts,
            "year": year,
            "years": selectors.kpi_years(platform),
            "tasks": _related_tasks(request, platform),
            "appeals": selectors.platform_appeals(user=request.user, platform=platform),
            "appeal_form": PlatformAppealForm(enterprises=enterprises, auto_id="appeal_%s"),
            "link_form": AppealLinkForm(auto_id="link_%s"),
            "servicedesk": handover.available("servicedesk.appeal_create"),
            "projects": projects[:20],
            "enterprises": enterprises,
            "events": platform.events.select_related("actor")[:30],
            "editable": can_write(request.user, platform),
            "status_form": StatusForm(),
            "milestone_form": MilestoneForm(),
            "done_form": DoneForm(),
            "target_form": TargetForm(initial={"year": year}, auto_id="kpi_%s"),
            "definitions": KpiDefinition.objects.filter(kind_id=platform.kind_id),
            "supervision": handover.can_open_task(),
        },
    )


def _platform(request: HttpRequest, pk: int) -> Platform:
    user = current_user(request)
    platform = selectors.platform_for_user(user=user, pk=pk, write=True)
    require_editor(user)
    return platform


def _back(platform: Platform, anchor: str = "") -> str:
    return reverse("zones:platform_detail", args=[platform.pk]) + (f"#{anchor}" if anchor else "")


@login_required
@require_POST
def platform_status(request: HttpRequest, pk: int) -> HttpResponse:
    platform, user = _platform(request, pk), current_user(request)
    form = StatusForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(_back(platform))
    return attempt(
        request,
        lambda: actions.platform_set_status(actor=user, platform=platform, **form.cleaned_data),
        success="状态已更新。",
        back=_back(platform),
    )


@login_required
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    platform, user = _platform(request, pk), current_user(request)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(_back(platform, "milestones"))
    return attempt(
        request,
        lambda: actions.milestone_add(actor=user, platform=platform, **form.cleaned_data),
        success="已新增节点。",
        back=_back(platform, "milestones"),
    )


def _milestone(platform: Platform, milestone_pk: int) -> PlatformMilestone:
    found = platform.milestones.filter(pk=milestone_pk).first()
    if found is None:
        raise Http404("节点不存在")
    return found


@login_required
@require_POST
def milestone_done(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    platform, user = _platform(request, pk), current_user(request)
    milestone = _milestone(platform, milestone_pk)
    form = DoneForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(_back(platform, "milestones"))
    return attempt(
        request,
        lambda: actions.milestone_complete(
            actor=user, milestone=milestone, done_on=form.cleaned_data["done_on"]
        ),
        success="节点已完成。",
        back=_back(platform, "milestones"),
    )


@login_required
@require_POST
def milestone_task(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    platform, user = _platform(request, pk), current_user(request)
    milestone = _milestone(platform, milestone_pk)
    return attempt(
        request,
        lambda: actions.milestone_open_task(actor=user, milestone=milestone),
        success="已列为督办事项，督办事项办结时本节点自动完成。",
        back=_back(platform, "milestones"),
    )


@login_required
@require_POST
def platform_target(request: HttpRequest, pk: int) -> HttpResponse:
    platform, user = _platform(request, pk), current_user(request)
    form = TargetForm(request.POST)
    definition = KpiDefinition.objects.filter(
        kind_id=platform.kind_id, pk=request.POST.get("definition") or 0
    ).first()
    if not form.is_valid() or definition is None:
        form_errors(request, form)
        if definition is None:
            messages.error(request, "请选择指标。")
        return redirect(_back(platform, "kpis"))
    year = form.cleaned_data["year"]
    return attempt(
        request,
        lambda: actions.kpi_target_set(
            actor=user,
            platform=platform,
            definition=definition,
            year=year,
            target=form.cleaned_data["target"],
        ),
        success="年度目标已保存。",
        back=_back(platform, "kpis") + f"?year={year}",
    )


@login_required
def platform_kpi(request: HttpRequest, pk: int) -> HttpResponse:
    """The month's grid: one figure per KPI of the platform's kind."""
    user = current_user(request)
    platform = selectors.platform_for_user(user=user, pk=pk)
    return kpi_grid(
        request,
        user=user,
        owner=platform,
        definitions=list(KpiDefinition.objects.filter(kind_id=platform.kind_id)),
        current=lambda period: {
            v.definition_id: v.value
            for v in KpiValue.objects.filter(platform=platform, period=period)
        },
        save=lambda period, values: actions.kpi_month_save(
            actor=user, platform=platform, period=period, values=values
        ),
        url_name="zones:platform_kpi",
        template="zones/platform_kpi.html",
        context_name="platform",
    )


@login_required
@require_POST
def platform_kpi_import(request: HttpRequest, pk: int) -> HttpResponse:
    platform, user = _platform(request, pk), current_user(request)
    form = KpiImportForm(request.POST, request.FILES)
    back = reverse("zones:platform_kpi", args=[platform.pk])
    if not form.is_valid():
        form_errors(request, form)
        return redirect(back)
    upload = form.cleaned_data["file"]
    parsed = parse_kpi_workbook(upload.read())
    if parsed.errors:
        for error in parsed.errors[:30]:
            messages.error(request, error)
        messages.error(request, "文件有错误，未导入任何数据；请修改后重新上传。")
        return redirect(back)
    try:
        written = actions.kpi_import(
            actor=user, platform=platform, rows=parsed.rows, filename=str(upload.name)
        )
    except ValidationError as error:
        for message in error.messages[:30]:
            messages.error(request, message)
        messages.error(request, "文件有错误，未导入任何数据；请修改后重新上传。")
        return redirect(back)
    messages.success(request, f"已导入 {written} 项指标。")
    return redirect(_back(platform, "kpis"))


@login_required
def platform_kpi_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The KPI values of a year in the import layout (年月, 指标, 数值), so it is the template."""
    user = current_user(request)
    platform = selectors.platform_for_user(user=user, pk=pk)
    year = year_param(request)
    values = {
        (v.definition_id, v.period): v.value
        for v in KpiValue.objects.filter(platform=platform, period__year=year)
    }
    rows: list[list[Any]] = []
    last = 12 if year < timezone.localdate().year else timezone.localdate().month
    for month in range(1, last + 1):
        period = dt.date(year, month, 1)
        for d in KpiDefinition.objects.filter(kind_id=platform.kind_id):
            value = values.get((d.pk, period))
            rows.append([f"{period:%Y-%m}", d.name, value, d.unit])
    return xlsx_download(
        actor=user,
        title=f"{platform.name}{year}年指标",
        headers=["年月", "指标", "数值", "计量单位"],
        rows=rows,
        action="export.zones.platform_kpis",
        object_type="zones.platform",
        widths=[10, 24, 16, 10],
        changes={"platform": platform.pk, "year": year},
    )


@login_required
@require_POST
def platform_enterprises(request: HttpRequest, pk: int) -> HttpResponse:
    """Add (by code or name, within scope) or remove an enterprise operating on the platform."""
    platform, user = _platform(request, pk), current_user(request)
    current = list(platform.enterprises.all())
    remove = request.POST.get("remove", "")
    if remove.isdigit():
        kept = [e for e in current if e.pk != int(remove)]
        return attempt(
            request,
            lambda: actions.platform_set_enterprises(
                actor=user, platform=platform, enterprises=kept
            ),
            success="已移除。",
            back=_back(platform, "enterprises"),
        )
    found = find_enterprise(user, request.POST.get("term", ""))
    if found is None:
        messages.error(request, "在您的数据范围内没有找到该企业。")
        return redirect(_back(platform, "enterprises"))
    return attempt(
        request,
        lambda: actions.platform_set_enterprises(
            actor=user, platform=platform, enterprises=[*current, found]
        ),
        success=f"已添加“{found.name}”。",
        back=_back(platform, "enterprises"),
    )
