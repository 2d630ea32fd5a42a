"""The task list, the task page and each step of the flow."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kaifang.core import audit, permissions
from kaifang.core.exports import HEAVY_CELL_WEIGHT, WORD_CELL_WEIGHT, export_response
from kaifang.core.lib.downloads import file_download
from kaifang.core.lib.fragments import RowCache
from kaifang.core.lib.requests import current_user
from kaifang.core.models import Unit
from kaifang.core.permissions import Cap
from kaifang.core.scope import get_for_user
from kaifang.supervision import actions, exports, selectors
from kaifang.supervision.forms import (
    ExtensionForm,
    MilestoneForm,
    NoteForm,
    ReasonForm,
    ReportForm,
    TaskEditForm,
    TaskFilterForm,
)
from kaifang.supervision.models import (
    ExtensionRequest,
    Light,
    Milestone,
    ReportAttachment,
    Task,
    TaskStatus,
)
from kaifang.supervision.permissions import is_lead_member, is_supervisor
from kaifang.supervision.views.common import attempt, form_errors

LIST_COLUMNS = (
    "id",
    "title",
    "tags",
    "lead_unit",
    "lead_unit__name",
    "deadline",
    "original_deadline",
    "percent",
    "status",
)


ROWS = RowCache("supervision/partials/task_row.html")


def row_key(task: Task) -> tuple[object, ...]:
    """Every value templates/supervision/partials/task_row.html reads."""
    return (
        task.pk,
        task.light,  # type: ignore[attr-defined]
        task.behind,  # type: ignore[attr-defined]
        task.title,
        task.tags,
        task.lead_unit.name,
        tuple(unit.name for unit in task.co_units.all()),
        task.deadline,
        task.original_deadline,
        task.percent,
        task.status,
    )


def _filtered(request: HttpRequest) -> tuple[TaskFilterForm, selectors.TaskFilter]:
    return exports.task_filters(user=current_user(request), params=request.GET)


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filtered(request)
    tasks = selectors.task_list(user=request.user, filters=filters)
    # What a row shows (templates/supervision/task_list.html): not the source document's full
    # text, the leader and the officer that the exports of the same list need.
    tasks = (
        tasks.select_related(None)
        .select_related("lead_unit")
        .only(*LIST_COLUMNS)
        .prefetch_related(None)
        .prefetch_related(Prefetch("co_units", queryset=Unit.objects.only("id", "name")))
    )
    page = Paginator(tasks, 30).get_page(request.GET.get("page"))
    rows = [ROWS.render(row_key(task), {"task": task}) for task in page]
    return render(
        request,
        "supervision/task_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": request.GET.urlencode(),
            "office": is_supervisor(request.user),
        },
    )


@login_required
def task_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The ledger of the filtered list, as Excel or Word (audited): written here, or by the
    worker when long (a Word table costs thirty plain cells a cell)."""
    user = current_user(request)
    _, filters = _filtered(request)
    count = selectors.task_list(user=user, filters=filters).count()
    word = fmt == "docx"
    params = request.GET.copy()
    params[exports.FORMAT_PARAM] = "docx" if word else "xlsx"
    columns = exports.LEDGER_COLUMNS + (() if word else exports.LEDGER_EXTRA_COLUMNS)
    return export_response(
        request,
        writer=exports.LEDGER_WRITER,
        user=user,
        rows=count,
        columns=len(columns),
        title="督办台账（Word）" if word else "督办台账",
        noun="项督办事项",
        params=params,
        weight=WORD_CELL_WEIGHT if word else HEAVY_CELL_WEIGHT,  # wrapped cells
        file_kind="Word" if word else "Excel",
        write=lambda: exports.ledger_file(user=user, params=params),
    )


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_for_user(user=request.user, pk=pk)
    office = is_supervisor(request.user)
    lead = is_lead_member(request.user, task)
    context = selectors.task_detail_context(task, user=request.user)
    context.update(
        {
            "task": task,
            "light": Light(task.light),  # type: ignore[attr-defined]
            "office": office,
            "lead": lead,
            "open": task.status != TaskStatus.DONE,
            "report_form": ReportForm(),
            "extension_form": ExtensionForm(),
            "milestone_form": MilestoneForm(),
            "reason_form": ReasonForm(),
            "note_form": NoteForm(),
            "Status": TaskStatus,
        }
    )
    return render(request, "supervision/task_detail.html", context)


def _task(request: HttpRequest, pk: int) -> Task:
    return selectors.task_for_user(user=request.user, pk=pk)


def _back(task: Task) -> str:
    return reverse("supervision:task_detail", args=[task.pk])


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    user = current_user(request)
    # Only the office edits a task's settings (task_update says so too): the page must not
    # offer a form its user cannot submit.
    permissions.require(user, Cap.SUPERVISE, "只有督查部门（办公室）可以修改督办事项。")
    if request.method == "POST":
        form = TaskEditForm(request.POST, user=user, task=task)
        if form.is_valid():
            return attempt(
                request,
                lambda: actions.task_update(actor=user, task=task, **form.cleaned_data),
                success="已保存。",
                back=_back(task),
            )
    else:
        form = TaskEditForm(
            initial={
                "title": task.title,
                "lead_unit": task.lead_unit,
                "co_units": list(task.co_units.all()),
                "leader": task.leader,
                "officer": task.officer,
                "report_cycle": task.report_cycle,
                "report_day": task.report_day,
                "priority": task.priority,
                "tags": task.tags,
                "enterprises": list(task.enterprises.all()),
                "parks": list(task.parks.all()),
            },
            user=user,
            task=task,
        )
    return render(request, "supervision/task_form.html", {"form": form, "task": task})


@login_required
def enterprise_search(request: HttpRequest) -> HttpResponse:
    """Options for the task form's enterprise picker: matches in the user's scope."""
    term = (request.GET.get("enterprise_q") or "").strip()
    found = selectors.enterprise_options(user=request.user, term=term) if term else []
    return render(
        request,
        "supervision/partials/enterprise_options.html",
        {"found": found, "term": term, "name": "enterprises"},
    )


@login_required
@require_POST
def task_sign(request: HttpRequest, pk: int) -> HttpResponse:
    task, user = _task(request, pk), current_user(request)
    return attempt(
        request,
        lambda: actions.task_sign(actor=user, task=task),
        success="已签收。",
        back=_back(task),
    )


@login_required
@require_POST
def task_report(request: HttpRequest, pk: int) -> HttpResponse:
    task, user = _task(request, pk), current_user(request)
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(_back(task))
    data = form.cleaned_data
    files = [data["attachment"]] if data.get("attachment") else []
    return attempt(
        request,
        lambda: actions.task_report(
            actor=user, task=task, text=data["text"], percent=data["percent"], files=files
        ),
        success="已报送进展。",
        back=_back(task),
    )


@login_required
@require_POST
def task_request_completion(request: HttpRequest, pk: int) -> HttpResponse:
    task, user = _task(request, pk), current_user(request)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return attempt(
        request,
        lambda: actions.task_request_completion(actor=user, task=task, note=note),
        success="已提交办结申请，等待督查部门审核。",
        back=_back(task),
    )


@login_required
@require_POST
def task_accept(request: HttpRequest, pk: int) -> HttpResponse:
    task, user = _task(request, pk), current_user(request)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return attempt(
        request,
        lambda: actions.task_accept(actor=user, task=task, note=note),
        success="已审核通过，办结销号。",
        back=_back(task),
    )


@login_required
@require_POST
def task_return(request: HttpRequest, pk: int) -> HttpResponse:
    task, user = _task(request, pk), current_user(request)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(_back(task))
    return attempt(
        request,
        lambda: actions.task_return(actor=user, task=task, reason=form.cleaned_data["reason"]),
        success="已驳回，任务回到办理中。",
        back=_back(task),
    )


@login_required
@require_POST
def extension_create(request: HttpRequest, pk: int) -> HttpResponse:
    task, user = _task(request, pk), current_user(request)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(_back(task))
    return attempt(
        request,
        lambda: actions.extension_request(actor=user, task=task, **form.cleaned_data),
        success="已提交延期申请。",
        back=_back(task),
    )


def _extension(request: HttpRequest, pk: int) -> ExtensionRequest:
    return get_for_user(ExtensionRequest.objects.select_related("task"), request.user, pk)


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    extension = _extension(request, pk)
    user = current_user(request)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    if decision not in {"approve", "refuse"}:
        raise Http404("没有这种审批结果")
    if decision == "approve":
        return attempt(
            request,
            lambda: actions.extension_approve(actor=user, extension=extension, note=note),
            success="已同意延期，原定时限保留在记录中。",
            back=_back(extension.task),
        )
    return attempt(
        request,
        lambda: actions.extension_refuse(actor=user, extension=extension, note=note),
        success="已不同意延期。",
        back=_back(extension.task),
    )


@login_required
@require_POST
def milestone_create(request: HttpRequest, pk: int) -> HttpResponse:
    task, user = _task(request, pk), current_user(request)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(_back(task))
    return attempt(
        request,
        lambda: actions.milestone_add(actor=user, task=task, **form.cleaned_data),
        success="已添加节点。",
        back=_back(task),
    )


@login_required
@require_POST
def milestone_done(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    task, user = _task(request, pk), current_user(request)
    milestone = get_object_or_404(Milestone, task=task, pk=milestone_pk)
    return attempt(
        request,
        lambda: actions.milestone_complete(
            actor=user, milestone=milestone, done_on=timezone.localdate()
        ),
        success="节点已完成。",
        back=_back(task),
    )


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    user = current_user(request)
    attachment = get_for_user(
        ReportAttachment.objects.select_related("report__task"),
        user,
        pk,
    )
    response = file_download(attachment.file, filename=attachment.name)
    audit.record(
        actor=user,
        action="export.report_attachment",
        obj=attachment.report.task,
        changes={"file": attachment.name, "attachment": attachment.pk},
    )
    return response
