"""The briefing archive: list, generate (a background job), download (through the gate)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kaifang.core import audit, jobs
from kaifang.core.lib.downloads import file_download
from kaifang.core.lib.requests import current_user
from kaifang.indicators.dashboard import default_period
from kaifang.reports.actions import may_generate
from kaifang.reports.forms import BriefingForm
from kaifang.reports.selectors import briefing_get, briefings_for


@login_required
def briefing_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    year, month = default_period(user)
    return render(
        request,
        "reports/briefing_list.html",
        {
            "briefings": briefings_for(user)[:100],
            "form": BriefingForm(initial={"year": year, "month": month}),
            "may_generate": may_generate(user),
        },
    )


@login_required
@require_POST
def briefing_generate(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not may_generate(user):
        raise PermissionDenied("只有全市范围用户可以生成工作月报")
    form = BriefingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写正确的年份和月份")
        return redirect("reports:briefing_list")
    year, month = form.cleaned_data["year"], form.cleaned_data["month"]
    job = jobs.enqueue(
        kind="reports.briefing",
        owner=user,
        title=f"生成{year}年{month}月对外开放工作月报",
        params={"year": year, "month": month},
    )
    messages.success(request, "月报正在后台生成，完成后可在下方下载")
    return redirect("core:job_detail", pk=job.pk)


def _download(request: HttpRequest, pk: int, *, annex: bool) -> FileResponse:
    user = current_user(request)
    item = briefing_get(user=user, pk=pk)
    stored = item.annex if annex else item.document
    suffix = "附表.xlsx" if annex else ".docx"
    name = f"{item.title}（第{item.version}版）{suffix}"
    audit.record(
        actor=user,
        action="export.briefing_annex" if annex else "export.briefing",
        obj=item,
        changes={"version": item.version},
    )
    return file_download(stored, filename=name, missing="月报文件不存在")


@login_required
def briefing_download(request: HttpRequest, pk: int) -> FileResponse:
    return _download(request, pk, annex=False)


@login_required
def briefing_annex(request: HttpRequest, pk: int) -> FileResponse:
    return _download(request, pk, annex=True)
