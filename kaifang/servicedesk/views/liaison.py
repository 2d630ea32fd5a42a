"""Liaison roster, coverage and visit targets; visits with the phone-friendly form and the
one-step problem → appeal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kaifang.core import permissions
from kaifang.core.exports import export_response
from kaifang.core.lib.requests import current_user
from kaifang.core.models import User
from kaifang.core.permissions import Cap
from kaifang.core.scope import can_write, get_for_user
from kaifang.enterprises.models import Enterprise
from kaifang.servicedesk import actions, exports, selectors
from kaifang.servicedesk.forms import (
    BulkAssignForm,
    ProblemToAppealForm,
    VisitFilterForm,
    VisitForm,
    VisitTargetForm,
)
from kaifang.servicedesk.models import Visit
from kaifang.servicedesk.selectors import appeals_for


def _may_assign(user: User) -> bool:
    return permissions.has(user, Cap.ASSIGN)


def _assign_form(user: User, data: Any = None) -> BulkAssignForm:
    form = BulkAssignForm(data)
    people = selectors.assignable_people(user)
    form.fields["officer"].queryset = people  # type: ignore[attr-defined]
    form.fields["leader"].queryset = people  # type: ignore[attr-defined]
    return form


@login_required
def roster(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    today = timezone.localdate()
    year, quarter, _, _ = selectors.quarter_of(today)
    return render(
        request,
        "servicedesk/roster.html",
        {
            "by_officer": selectors.roster_by_officer(user),
            "by_unit": selectors.roster_by_unit(user),
            "coverage": selectors.coverage(user, today),
            "progress": selectors.visit_progress(user, today),
            "assign_form": _assign_form(user),
            "target_form": VisitTargetForm(initial={"year": year, "quarter": quarter}, user=user),
            "may_assign": _may_assign(user),
            "year": year,
            "quarter": quarter,
        },
    )


@login_required
@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not _may_assign(user):
        raise PermissionDenied("您没有分配包联干部的权限。")
    form = _assign_form(user, request.POST)
    ids = [int(i) for i in request.POST.getlist("enterprise") if i.isdigit()]
    chosen = list(selectors.enterprises_for(user).filter(pk__in=ids))
    if not form.is_valid() or len(chosen) != len(set(ids)):
        messages.error(request, "请选择包联干部和您数据范围内的企业。")
        return redirect("servicedesk:roster")
    try:
        changed = actions.liaison_assign(
            actor=user,
            enterprises=chosen,
            officer=form.cleaned_data["officer"],
            leader=form.cleaned_data["leader"],
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已为 {len(chosen)} 家企业分配包联干部（变更 {changed} 家）。")
    return redirect("servicedesk:roster")


@login_required
@require_POST
def set_target(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not _may_assign(user):
        raise PermissionDenied("您没有设置走访计划的权限。")
    form = VisitTargetForm(request.POST, user=user)
    if form.is_valid():
        try:
            actions.visit_target_set(actor=user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, "走访计划已保存。")
    else:
        messages.error(request, "走访计划填写不完整，或所选干部不在本单位及下属单位。")
    return redirect("servicedesk:roster")


@login_required
def visit_list(request: HttpRequest) -> HttpResponse:
    form, qs = _visits(request)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    opens = selectors.firms_that_open(current_user(request), (v.enterprise_id for v in page))
    return render(
        request, "servicedesk/visit_list.html", {"page": page, "form": form, "opens": opens}
    )


def _visits(request: HttpRequest) -> tuple[VisitFilterForm, QuerySet[Visit]]:
    """The filter form and the visits it selects among those the user may see (an invalid
    filter selects them all and shows its error)."""
    return exports.visit_filters(user=current_user(request), params=request.GET)


@login_required
def visit_export(request: HttpRequest) -> HttpResponse:
    """The visit list, filtered as on screen, as an Excel ledger (audited): written here, or
    by the worker when long."""
    user = current_user(request)
    _, qs = _visits(request)
    return export_response(
        request,
        writer=exports.VISITS_WRITER,
        user=user,
        rows=qs.count(),
        columns=len(exports.VISIT_HEADERS),
        title="企业走访记录",
        noun="次走访",
        write=lambda: exports.visits_file(user=user, params=request.GET),
    )


@login_required
def visit_new(request: HttpRequest, enterprise_pk: int) -> HttpResponse:
    user = current_user(request)
    enterprise = get_for_user(Enterprise.objects.all(), user, enterprise_pk)
    form = VisitForm(
        request.POST or None,
        initial={"visited_on": timezone.localdate(), "officers": [user]},
        user=user,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = actions.visit_create(
                actor=user,
                enterprise=enterprise,
                visited_on=data["visited_on"],
                officers=list(data["officers"]),
                people_met=data["people_met"],
                enterprise_said=data["enterprise_said"],
                problems=data["problems"],
                plans=data["plans"],
                follow_ups=data["follow_ups"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "走访记录已保存。")
            return redirect("servicedesk:visit_detail", pk=visit.pk)
    return render(request, "servicedesk/visit_form.html", {"form": form, "enterprise": enterprise})


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    visit = get_for_user(Visit.objects.select_related("enterprise"), user, pk)
    form = ProblemToAppealForm(initial={"description": visit.problems})
    return render(
        request,
        "servicedesk/visit_detail.html",
        {
            "visit": visit,
            "form": form,
            "appeals": appeals_for(user).filter(visit=visit),
            # 领导 read: the form turning a problem into an appeal is only for who may write
            "editable": can_write(user, visit),
            "firm_opens": bool(selectors.firms_that_open(user, [visit.enterprise_id])),
        },
    )


@login_required
@require_POST
def visit_to_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    visit = get_for_user(Visit.objects.select_related("enterprise"), user, pk, write=True)
    form = ProblemToAppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择诉求类别并填写问题描述。")
        return redirect("servicedesk:visit_detail", pk=visit.pk)
    try:
        appeal = actions.visit_problem_to_appeal(actor=user, visit=visit, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("servicedesk:visit_detail", pk=visit.pk)
    messages.success(request, f"已转为诉求，查询码 {appeal.tracking_code}。")
    return redirect("servicedesk:appeal_detail", pk=appeal.pk)
