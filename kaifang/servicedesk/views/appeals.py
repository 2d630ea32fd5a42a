"""Staff pages for appeals: list with filters and export, intake, detail with the timeline and
the actions the user may take now, one POST endpoint per action."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kaifang.core import audit, handover, record_panels
from kaifang.core.exports import export_response
from kaifang.core.lib.downloads import file_download
from kaifang.core.lib.fragments import RowCache
from kaifang.core.lib.requests import current_user
from kaifang.core.models import User
from kaifang.servicedesk import actions, exports, selectors
from kaifang.servicedesk.forms import ACTION_FORMS, AppealFilterForm, StaffAppealForm
from kaifang.servicedesk.models import Appeal
from kaifang.servicedesk.selectors import AppealFilters

PAGE_SIZE = 30


LIST_COLUMNS = (
    "id",
    "tracking_code",
    "enterprise_name",
    "category",
    "title",
    "duplicate_of",
    "status",
    "supervised",
    "unit",
    "unit__name",
    "accept_due",
    "resolve_due",
    "due_provisional",
    "rating",
)


ROWS = RowCache("servicedesk/partials/appeal_row.html")


def row_key(a: Appeal, today: dt.date) -> tuple[object, ...]:
    """Every value templates/servicedesk/partials/appeal_row.html reads."""
    return (
        a.pk,
        a.tracking_code,
        a.enterprise_name,
        a.category,
        a.title,
        a.duplicate_of_id,
        a.status,
        a.supervised,
        a.unit.name if a.unit else None,
        a.accept_due,
        a.resolve_due,
        a.due_provisional,
        a.rating,
        today,
    )


def _filters(request: HttpRequest) -> tuple[AppealFilterForm, AppealFilters]:
    return exports.appeal_filters(request.GET)


@login_required
def appeal_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    qs = selectors.appeal_list(user=request.user, filters=filters)
    # What a row shows (templates/servicedesk/appeal_list.html), not the enterprise's row.
    qs = qs.select_related(None).select_related("unit").only(*LIST_COLUMNS)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [ROWS.render(row_key(a, today), {"a": a, "today": today}) for a in page]
    return render(
        request,
        "servicedesk/appeal_list.html",
        {"form": form, "page": page, "rows": rows, "today": today, "view": filters.view},
    )


@login_required
def appeal_export(request: HttpRequest) -> HttpResponse:
    """The appeals as filtered, to Excel: written here, or by the worker when long."""
    user = current_user(request)
    _, filters = _filters(request)
    count = selectors.appeal_list(user=user, filters=filters).count()
    return export_response(
        request,
        writer=exports.APPEALS_WRITER,
        user=user,
        rows=count,
        columns=len(exports.APPEAL_HEADERS),
        title="企业诉求台账",
        noun="件诉求",
        write=lambda: exports.appeals_file(user=user, params=request.GET),
    )


@login_required
def appeal_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not (actions.is_office(user) or user.unit_id):
        raise PermissionDenied("您没有登记诉求的权限。")
    form = StaffAppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal = actions.appeal_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"诉求已登记，查询码 {appeal.tracking_code}。")
            return redirect("servicedesk:appeal_detail", pk=appeal.pk)
    return render(request, "servicedesk/appeal_form.html", {"form": form})


def _available(user: User, appeal: Appeal) -> list[dict[str, Any]]:
    """The actions this user may take now, each with its form."""
    result = []
    for name in actions.available_actions(user, appeal):
        form_class = ACTION_FORMS.get(name)
        result.append(
            {
                "name": name,
                "label": actions.ACTION_LABELS[name],
                "form": form_class(prefix=name) if form_class else None,
            }
        )
    return result


def _supervision_task(user: User, appeal: Appeal) -> dict[str, Any] | None:
    """The supervised task this appeal became, when this user may open it: a district user sees
    an appeal of a firm of theirs that another unit (customs) handles, not that unit's task."""
    if not appeal.supervision_ref.isdigit():
        return None
    found = handover.call(
        "supervision.task_summaries", user=user, ids=[int(appeal.supervision_ref)]
    )
    return found[0] if found else None


@login_required
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    appeal = selectors.appeal_get(user=user, pk=pk)
    return render(
        request,
        "servicedesk/appeal_detail.html",
        {
            "appeal": appeal,
            # The suspected duplicate is named only when this user may open it.
            "duplicate": (
                selectors.appeals_for(user).filter(pk=appeal.duplicate_of_id).first()
                if appeal.duplicate_of_id
                else None
            ),
            "events": appeal.events.select_related("actor", "unit"),
            "attachments": appeal.attachments.all(),
            "available": _available(user, appeal),
            "today": timezone.localdate(),
            "task": _supervision_task(user, appeal),
            # Panels offered by peer apps (the library's policy clauses), see core/record_panels.
            "panels": record_panels.render("servicedesk.appeal", request, appeal),
        },
    )


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """An appeal's file, for whoever may see the appeal (404 otherwise, like the page)."""
    user = current_user(request)
    appeal = selectors.appeal_get(user=user, pk=pk)
    attachment = get_object_or_404(appeal.attachments, pk=attachment_pk)
    response = file_download(attachment.file, filename=attachment.original_name)
    audit.record(
        actor=user,
        action="export.appeal_attachment",
        obj=appeal,
        changes={"file": attachment.original_name, "attachment": attachment.pk},
    )
    return response


@login_required
@require_POST
def appeal_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = current_user(request)
    # Leaders read only, except to mark an appeal for supervision; actions check the rest.
    appeal = selectors.appeal_get(user=user, pk=pk, write=action not in actions.READ_SCOPE_ACTIONS)
    if action not in actions.STAFF_ACTIONS:
        raise PermissionDenied("不支持的操作。")
    form_class = ACTION_FORMS.get(action)
    data: dict[str, Any] = {}
    if form_class is not None:
        form = form_class(request.POST, prefix=action)
        if not form.is_valid():
            errors = "；".join(str(e) for errs in form.errors.values() for e in errs)
            messages.error(request, f"{actions.ACTION_LABELS[action]}未完成：{errors}")
            return redirect("servicedesk:appeal_detail", pk=appeal.pk)
        data = form.cleaned_data
    try:
        actions.appeal_act(appeal=appeal, actor=user, action=action, data=data)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已{actions.ACTION_LABELS[action]}。")
    return redirect("servicedesk:appeal_detail", pk=appeal.pk)
