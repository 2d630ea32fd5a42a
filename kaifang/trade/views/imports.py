"""Import pages: upload → (job) validate → mapping and report → (job) commit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kaifang.core import audit
from kaifang.core.jobs import job_for_user
from kaifang.core.lib.downloads import file_download
from kaifang.core.lib.requests import current_user
from kaifang.core.models import Job
from kaifang.core.models.jobs import FINISHED_STATUSES
from kaifang.core.scope import get_for_user
from kaifang.trade import actions
from kaifang.trade.actions import batches
from kaifang.trade.forms import MappingForm, UploadForm
from kaifang.trade.models import ImportBatch, ImportStatus
from kaifang.trade.selectors.imports import import_batches


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    actions.require_importer(user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            batch = actions.import_upload(
                actor=user,
                kind=data["kind"],
                filename=upload.name,
                content=upload.read(),
                file_flow=data["file_flow"] or "",
                replace_period=data["replace_period"],
                source=data["source"],
                sheets=data["sheets"],
            )
        except ValidationError as error:
            for field, errs in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            template = data["template"]
            actions.import_start_validation(
                batch=batch, actor=user, mapping=template.mapping if template else None
            )
            return redirect("trade:import_detail", pk=batch.pk)
    page = Paginator(import_batches(user=user), 20).get_page(request.GET.get("page"))
    return render(request, "trade/import_list.html", {"form": form, "page": page})


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    batch = batches.batch_recover(batch=get_for_user(ImportBatch.objects.all(), user, pk))
    job = None
    if batch.current_job:
        try:
            job = job_for_user(user, batch.current_job)
        except Http404:
            job = None
    current = dict(batch.mapping.get("fields", {})) if batch.mapping else {}
    form = MappingForm(kind=batch.kind, headers=list(batch.headers), current=current)
    summary = batch.summary or {}
    return render(
        request,
        "trade/import_detail.html",
        {
            "batch": batch,
            "job": job,
            "mapping_form": form,
            "summary": summary,
            "errors": (summary.get("errors") or [])[:200],
            "error_count": len(summary.get("errors") or []),
            "can_commit": batch.status == ImportStatus.PARSED and batch.rows_imported > 0,
            "several_sheets": len((batch.sheets or {}).get("read") or []) > 1,
        },
    )


@login_required
@require_POST
def import_remap(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply a corrected header mapping (optionally saved as a template) and re-validate."""
    user = current_user(request)
    batch = get_for_user(ImportBatch.objects.all(), user, pk, write=True)
    current = dict(batch.mapping.get("fields", {})) if batch.mapping else {}
    form = MappingForm(request.POST, kind=batch.kind, headers=list(batch.headers), current=current)
    if not form.is_valid():
        messages.error(request, "表头对应有误，请检查。")
        return redirect("trade:import_detail", pk=pk)
    name = form.cleaned_data.get("save_as") or ""
    try:
        actions.import_remap(batch=batch, actor=user, fields=form.mapping_fields(), save_as=name)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("trade:import_detail", pk=pk)
    if name:
        messages.success(request, f"已保存表头模板“{name}”。")
    return redirect("trade:import_detail", pk=pk)


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    batch = get_for_user(ImportBatch.objects.all(), user, pk, write=True)
    try:
        actions.import_start_commit(batch=batch, actor=user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("trade:import_detail", pk=pk)


@login_required
def import_error_report(request: HttpRequest, pk: int) -> FileResponse:
    user = current_user(request)
    batch = get_for_user(ImportBatch.objects.all(), user, pk)
    if not batch.error_report:
        raise Http404("没有错误报告")
    audit.record(actor=user, action="export.import_errors", obj=batch)
    return file_download(
        batch.error_report,
        filename=f"错误报告-{batch.filename.rsplit('.', 1)[0]}.xlsx",
        missing="没有错误报告",
    )


@login_required
def import_poll(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by the batch page while its job runs: reload the page once the batch has moved
    on or its job has ended (a job that died leaves the batch 解析中; the page then shows the
    job's error instead of polling for ever)."""
    user = current_user(request)
    batch = batches.batch_recover(batch=get_for_user(ImportBatch.objects.all(), user, pk))
    # Poll on only while the batch's job is really running: a job that ended (or died with
    # the batch still saying 解析中) reloads the page, which says what happened.
    job_running = (
        batch.current_job is not None
        and Job.objects.filter(pk=batch.current_job).exclude(status__in=FINISHED_STATUSES).exists()
    )
    if batch.status in batches.RUNNING and job_running:
        return HttpResponse(status=204)
    response = HttpResponse(status=200)
    response["HX-Refresh"] = "true"
    return response
