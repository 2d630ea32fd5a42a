"""The workbench (我的工作台): what needs the user's attention today. Modules add panels."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kaifang.core import workbench


@login_required
def workbench_view(request: HttpRequest) -> HttpResponse:
    panels = workbench.panels_for(request)
    return render(request, "core/workbench.html", {"panels": panels})


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
