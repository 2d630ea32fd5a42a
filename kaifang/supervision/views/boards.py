"""Boards: by source document, by unit (with the score and its formula), by leader."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kaifang.core.lib.requests import current_user
from kaifang.supervision import selectors, tasks
from kaifang.supervision.exports import summary_docx
from kaifang.supervision.permissions import is_supervisor
from kaifang.supervision.views.tasks import DOCX


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


def period_bounds(period: str, today: dt.date) -> tuple[str, dt.date, dt.date]:
    """The week (Monday to today) or month (1st to today) a summary covers."""
    if period == "month":
        return "月", today.replace(day=1), today
    return "周", today - dt.timedelta(days=today.weekday()), today


@login_required
@require_POST
def summary(request: HttpRequest) -> HttpResponse:
    """Start the weekly/monthly summary as a background job (or render it when jobs are absent)."""
    user = current_user(request)
    if not is_supervisor(user):
        raise PermissionDenied("只有督查部门可以生成进展汇总。")
    period = "month" if request.POST.get("period") == "month" else "week"
    started = tasks.start_summary(owner=user, period=period)
    if started is not None:
        return started
    label, since, until = period_bounds(period, timezone.localdate())
    items = list(selectors.tasks_visible(user=user).select_related("lead_unit"))
    data = summary_docx(tasks=items, period=label, since=since, until=until)
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''summary.docx"
    return response
