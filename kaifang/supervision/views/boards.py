"""Boards: by source document, by unit (with the score and its formula), by leader."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kaifang.core.lib.requests import current_user
from kaifang.supervision import selectors, tasks
from kaifang.supervision.permissions import is_supervisor


@login_required
def boards(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "supervision/boards.html",
        {
            "by_document": selectors.board_by_document(user=user),
            "by_unit": selectors.board_by_unit(user=user),
            "by_leader": selectors.board_by_leader(user=user),
            "formula": selectors.SCORE_FORMULA,
            "office": is_supervisor(user),
        },
    )


@login_required
@require_POST
def summary(request: HttpRequest) -> HttpResponse:
    """Start the weekly/monthly summary as a background job; its page shows the progress."""
    user = current_user(request)
    if not is_supervisor(user):
        raise PermissionDenied("只有督查部门可以生成进展汇总。")
    period = "month" if request.POST.get("period") == "month" else "week"
    started = tasks.start_summary(owner=user, period=period)
    return redirect("core:job_detail", pk=started.pk)
