"""Job pages: my jobs, one job with its live progress bar, and its result file. A job is
personal: another user's job id answers 404."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kaifang.core import audit
from kaifang.core.jobs import enqueue, job_for_user, jobs_for, live_progress
from kaifang.core.lib.downloads import file_download
from kaifang.core.lib.requests import current_user
from kaifang.core.tasks import SELFTEST_KIND


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    page = Paginator(jobs_for(user), 20).get_page(request.GET.get("page"))
    return render(request, "core/job_list.html", {"page": page})


@login_required
@require_POST
def job_selftest(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    created = enqueue(kind=SELFTEST_KIND, owner=user, title="系统自检", params={})
    return redirect("core:job_detail", pk=created.pk)


def _downloads(request: HttpRequest) -> bool:
    """Whether the page downloads the job's file once it is ready: an export sent to the worker
    lands here with ?download=1 (kaifang.core.exports.export_response), as the download would
    have started had it been written in the request; the progress partial passes it on."""
    return request.GET.get("download") == "1"


@login_required
def job_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    job = live_progress(job_for_user(current_user(request), pk))
    return render(
        request, "core/job_detail.html", {"job": job, "autodownload": _downloads(request)}
    )


@login_required
def job_progress(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The progress partial; it polls itself every second until the job has finished. With
    ?reload=1 (a page waiting for the job: kaifang.trade.long_tables) its result link carries
    `data-autoreload`, and the page opens it once the job is done."""
    job = live_progress(job_for_user(current_user(request), pk))
    reloads = request.GET.get("reload") == "1"
    return render(
        request,
        "core/partials/job_progress.html",
        {
            "job": job,
            "oob": not reloads,  # the waiting page shows no start and end times
            "autodownload": _downloads(request),
            "autoreload": reloads,
        },
    )


@login_required
def job_download(request: HttpRequest, pk: uuid.UUID) -> FileResponse:
    user = current_user(request)
    job = job_for_user(user, pk)
    if not job.result_file:
        raise Http404("该任务没有结果文件")
    response = file_download(
        job.result_file, filename=job.result_filename, missing="结果文件已被清理，请重新运行任务"
    )
    audit.record(
        actor=user, action="export.job_result", obj=job, changes={"file": job.result_filename}
    )
    return response
