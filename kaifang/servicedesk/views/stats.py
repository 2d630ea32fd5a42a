"""Statistics page and its Excel export (audited)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kaifang.core import audit
from kaifang.core.lib.downloads import file_download
from kaifang.core.lib.requests import current_user
from kaifang.core.lib.xlsx import table_xlsx
from kaifang.servicedesk import stats


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


@login_required
def stats_view(request: HttpRequest) -> HttpResponse:
    start, end = _period(request)
    report = stats.build(user=current_user(request), start=start, end=end)
    return render(request, "servicedesk/stats.html", {"report": report, "year": start.year})


@login_required
def stats_export(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    start, end = _period(request)
    report = stats.build(user=user, start=start, end=end)
    rows = [stats.row_cells(r) for r in report.by_unit]
    rows.append(stats.row_cells(report.total))
    rows.append([])
    rows.extend(stats.row_cells(r) for r in report.by_category)
    content = table_xlsx(
        title=f"{start.year}年企业诉求办理统计",
        subtitle=f"按承办单位、按类别；导出人 {user.display_name}，"
        f"{timezone.localtime():%Y-%m-%d %H:%M}",
        headers=stats.HEADERS,
        rows=rows,  # type: ignore[arg-type]
    )
    audit.record(
        actor=user,
        action="export.appeal_stats",
        object_type="servicedesk.appeal",
        object_repr=f"{start.year}年诉求统计",
        changes={"year": start.year, "appeals": report.total.volume},
    )
    return file_download(content=content, filename=f"诉求统计-{start.year}.xlsx")
