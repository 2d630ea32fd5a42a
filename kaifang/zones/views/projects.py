"""招商项目: list (with the stuck flag), page (stage history, problems → appeals, supervision),
funnel and conversion, reconciliation with the imported FDI/ODI records."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kaifang.core import handover
from kaifang.core.lib.requests import current_user
from kaifang.core.scope import can_write
from kaifang.zones import actions, selectors
from kaifang.zones.actions import appeals as actions_appeals
from kaifang.zones.forms import MoveForm, ProblemForm, ProjectFilterForm, ProjectForm, SuperviseForm
from kaifang.zones.models import PIPELINE, Project, Stage
from kaifang.zones.permissions import is_editor, is_leader, require_editor
from kaifang.zones.views.common import add_action_errors, attempt, form_errors, xlsx_download


def _filtered(request: HttpRequest) -> tuple[ProjectFilterForm, selectors.ProjectFilter]:
    form = ProjectFilterForm(request.GET or None, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        return form, selectors.ProjectFilter(
            q=data["q"] or "",
            direction=data["direction"] or "",
            stage=data["stage"] or "",
            year=data["year"],
            park=data["park"].pk if data["park"] else None,
            officer=data["officer"].pk if data["officer"] else None,
            stuck=bool(data["stuck"]),
        )
    return form, selectors.ProjectFilter()


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filtered(request)
    qs = selectors.project_list(user=request.user, filters=filters)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    before = selectors.stuck_before()
    return render(
        request,
        "zones/project_list.html",
        {
            "form": form,
            "page": page,
            "rows": [(p, selectors.is_stuck(p, before=before)) for p in page],
            "counts": selectors.stage_counts(selectors.projects_visible(user=request.user)),
            "Stage": Stage,
            "stuck_before": before,
            "query": request.GET.urlencode(),
            "editor": is_editor(request.user),
        },
    )


def _amount(value: Any) -> Any:
    return value if value is not None else None


@login_required
def project_export(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    _, filters = _filtered(request)
    before = selectors.stuck_before()
    rows = [
        [
            p.name,
            p.get_direction_display(),
            p.investor,
            p.country.name_zh if p.country else "",
            str(p.industry) if p.industry else "",
            _amount(p.contracted_usd),
            _amount(p.actual_usd),
            p.district.name if p.district else "",
            p.park.name if p.park else "",
            p.platform.name if p.platform else "",
            p.enterprise.name if p.enterprise else "",
            p.officer.display_name if p.officer else "",
            p.get_stage_display(),
            p.stage_on,
            "是" if selectors.is_stuck(p, before=before) else "",
            p.terminated_reason,
        ]
        for p in selectors.project_list(user=user, filters=filters)
    ]
    return xlsx_download(
        actor=user,
        title="招商项目清单",
        headers=[
            "项目名称",
            "类型",
            "投资方",
            "国别(地区)",
            "行业",
            "合同金额（万美元）",
            "实际到位（万美元）",
            "县区",
            "园区",
            "平台",
            "项目企业",
            "责任人",
            "阶段",
            "阶段日期",
            "停滞",
            "终止原因",
        ],
        rows=rows,
        action="export.zones.projects",
        object_type="zones.project",
        widths=[30, 8, 24, 12, 20, 14, 14, 14, 20, 20, 28, 10, 10, 12, 6, 20],
    )


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_editor(user)
    form = ProjectForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            project = actions.project_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"已登记项目“{project.name}”。")
            return redirect("zones:project_detail", pk=project.pk)
    return render(request, "zones/project_form.html", {"form": form, "project": None})


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    project = selectors.project_for_user(user=user, pk=pk, write=True)
    require_editor(user)
    initial = {name: getattr(project, name) for name in actions.PROJECT_FIELDS}
    form = ProjectForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.project_update(actor=user, project=project, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "已保存。")
            return redirect("zones:project_detail", pk=project.pk)
    return render(request, "zones/project_form.html", {"form": form, "project": project})


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    project = selectors.project_for_user(user=user, pk=pk)
    tasks = []
    if project.task_ref:
        tasks = list(
            handover.call("supervision.task_summaries", user=user, ids=[project.task_ref]) or []
        )
    stages = [(s, i <= project.reached) for i, s in enumerate(PIPELINE)]
    return render(
        request,
        "zones/project_detail.html",
        {
            "project": project,
            "stuck": selectors.is_stuck(project),
            "history": project.stage_changes.select_related("actor"),
            "stages": stages,
            "problems": project.problems.all(),
            "tasks": tasks,
            "reconciliation": selectors.reconcile(user=user, projects=[project]),
            "events": project.events.select_related("actor")[:30],
            "editable": can_write(user, project) and is_editor(user),
            "leader": is_leader(user),
            "move_form": MoveForm(initial={"stage": _next_stage(project)}),
            "problem_form": ProblemForm(),
            "supervise_form": SuperviseForm(),
            "open": project.stage != Stage.TERMINATED,
        },
    )


def _next_stage(project: Project) -> str:
    if project.stage in (Stage.TERMINATED, Stage.OPERATING):
        return ""
    return PIPELINE[PIPELINE.index(Stage(project.stage)) + 1].value


def _project(request: HttpRequest, pk: int) -> Project:
    user = current_user(request)
    project = selectors.project_for_user(user=user, pk=pk, write=True)
    require_editor(user)
    return project


def _back(project: Project) -> str:
    return reverse("zones:project_detail", args=[project.pk])


@login_required
@require_POST
def project_move(request: HttpRequest, pk: int) -> HttpResponse:
    project, user = _project(request, pk), current_user(request)
    form = MoveForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(_back(project))
    return attempt(
        request,
        lambda: actions.project_move(actor=user, project=project, **form.cleaned_data),
        success="阶段已更新。",
        back=_back(project),
    )


@login_required
@require_POST
def project_problem(request: HttpRequest, pk: int) -> HttpResponse:
    project, user = _project(request, pk), current_user(request)
    form = ProblemForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(_back(project))
    return attempt(
        request,
        lambda: actions_appeals.project_raise_problem(
            actor=user,
            project=project,
            text=form.cleaned_data["text"],
            category=form.cleaned_data["category"],
        ),
        success="问题已转为企业诉求，由企业服务模块派单办理。",
        back=_back(project),
    )


@login_required
@require_POST
def project_supervise(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    project = selectors.project_for_user(user=user, pk=pk)  # leaders read only: no write
    form = SuperviseForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(_back(project))
    return attempt(
        request,
        lambda: actions.project_supervise(actor=user, project=project, **form.cleaned_data),
        success="已列为督办事项。",
        back=_back(project),
    )


def _by(request: HttpRequest) -> str:
    by = request.GET.get("by") or "year"
    return by if by in selectors.FUNNEL_BY else "year"


def _funnel_projects(request: HttpRequest) -> Any:
    qs = selectors.projects_visible(user=request.user)
    direction = request.GET.get("direction") or ""
    if direction in ("inbound", "outbound"):
        qs = qs.filter(direction=direction)
    return qs, direction


@login_required
def project_funnel(request: HttpRequest) -> HttpResponse:
    by = _by(request)
    qs, direction = _funnel_projects(request)
    rows, total = selectors.funnel(qs, by=by)
    chart = {
        "labels": [str(s.label) for s in PIPELINE],
        "values": total.reached,
    }
    return render(
        request,
        "zones/project_funnel.html",
        {
            "by": by,
            "dimensions": selectors.FUNNEL_BY,
            "by_label": selectors.FUNNEL_BY[by],
            "direction": direction,
            "rows": rows,
            "total": total,
            "stages": PIPELINE,
            "chart": chart,
            "query": request.GET.urlencode(),
        },
    )


def _one_decimal(value: Decimal | None) -> Decimal | None:
    """A rate as the page shows it (16.7, not 16.66666666666666666666666667)."""
    return None if value is None else value.quantize(Decimal("0.1"))


@login_required
def project_funnel_export(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    by = _by(request)
    qs, _direction = _funnel_projects(request)
    rows, total = selectors.funnel(qs, by=by)
    lines = [
        [r.label, *r.reached, r.terminated, _one_decimal(r.overall_pct)] for r in [*rows, total]
    ]
    return xlsx_download(
        actor=user,
        title=f"招商项目漏斗（按{selectors.FUNNEL_BY[by]}）",
        headers=[
            selectors.FUNNEL_BY[by],
            *[str(s.label) for s in PIPELINE],
            "终止",
            "线索至投产转化率(%)",
        ],
        rows=lines,
        action="export.zones.project_funnel",
        object_type="zones.project",
        changes={"by": by},
    )


@login_required
def project_reconcile(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    projects = list(selectors.projects_visible(user=user).filter(enterprise__isnull=False)[:500])
    rows = selectors.reconcile(user=user, projects=projects)
    return render(request, "zones/project_reconcile.html", {"rows": rows})


@login_required
def project_reconcile_export(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    projects = list(selectors.projects_visible(user=user).filter(enterprise__isnull=False))
    rows = [
        [
            r.project.name,
            r.project.get_direction_display(),
            r.project.enterprise.name if r.project.enterprise else "",
            r.project.country.name_zh if r.project.country else "全部国别",
            r.kind_label,
            r.project.actual_usd,
            r.recorded_usd,
            r.difference_usd,
        ]
        for r in selectors.reconcile(user=user, projects=projects)
    ]
    return xlsx_download(
        actor=user,
        title="项目到位资金与外资统计核对",
        headers=[
            "项目名称",
            "类型",
            "项目企业",
            "国别(地区)",
            "统计口径",
            "项目填报实际到位（万美元）",
            "已导入统计（万美元）",
            "差额（万美元）",
        ],
        rows=rows,
        action="export.zones.project_reconcile",
        object_type="zones.project",
        widths=[30, 8, 30, 12, 14, 18, 16, 14],
    )
