"""Breakdown tables too long to read while the user waits go to the worker (decision 0059).

The rollups answer every table a click reaches within the pages' budget. An address edited by
hand can still ask for a table no rollup holds: the commodity codes within a trade mode read
2.8 million records (5.3 s of CPU at 5.6 M records), the partners within an industry sum every
firm of it. The breakdown page reads its table and chart under a deadline
(`settings.PAGE_READ_LIMIT_MS`, a second); past it, the reads stop, the page queues a
`trade.table` job that computes the same table and chart as the user (kept per rollup version
and scope, as the page would have kept them), and shows its progress; when the job is done the
page reloads and finds them kept. One job per user and page at a time: asking again while it
runs shows the same job."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import QueryDict
from django.urls import reverse

from kaifang.core.jobs import JobHandle, enqueue
from kaifang.core.models import Job, JobStatus, User
from kaifang.trade.figures import trend_chart
from kaifang.trade.views.setup import breakdown_for

TABLE_KIND = "trade.table"


def page_read_seconds() -> float | None:
    """How long a breakdown page may read its table (and its chart) before handing them to
    the worker; None: as long as they take (`PAGE_READ_LIMIT_MS` = 0)."""
    limit = int(settings.PAGE_READ_LIMIT_MS)
    return limit / 1000 if limit > 0 else None


def page_url(by: str, query: str) -> str:
    return reverse("trade:analysis_breakdown", args=[by]) + (f"?{query}" if query else "")


def queue_table(*, user: User, by: str, params: QueryDict, title: str) -> Job:
    """The job computing the page's table and chart for `user`: the one already queued or
    running for the same page, else a new one."""
    query = params.urlencode()
    waiting = (
        Job.objects.filter(
            kind=TABLE_KIND,
            owner=user,
            status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
            params__by=by,
            params__query=query,
        )
        .order_by("-created_at")
        .first()
    )
    if waiting is not None:
        return waiting
    return enqueue(
        kind=TABLE_KIND, owner=user, title=f"计算{title}", params={"by": by, "query": query}
    )


def compute_table(handle: JobHandle, *, by: str, query: str) -> dict[str, Any]:
    """The worker's side: the page's table and chart, as the job's owner, with no deadline;
    the page reads them kept."""
    handle.progress(5, "正在汇总数据")
    setup, table = breakdown_for(handle.owner, QueryDict(query), by)
    rows = 0
    if table is not None and setup.q is not None:
        rows = len(table.rows)
        handle.progress(70, f"已算出 {rows:,} 行，正在计算月度走势")
        if not setup.keys.is_empty:
            trend_chart(setup.user, setup.q, setup.keys)
    handle.progress(100, f"已算好，共 {rows:,} 行")
    return {"url": page_url(by, query), "rows": rows}
