"""Exports too long to write while the user waits go to the worker, with a progress bar.

A list exported to Excel is written in the request while it is small. A longer one (a year of
customs records: up to 100,000 rows, 12–15 s on two cores; the city's 5,692 commodity codes,
0.65 s) would hold a web worker and keep the user waiting past the pages' 150 ms, so the view
queues it instead: it names a registered writer and passes the page's query string (and the
record's id, for an export of one record's list); the worker calls the writer as the user who
asked (the same selectors, so the same data scope), stores the file on the job, and the job
page shows the progress and then downloads the file (`core:job_download`, the owner's only).

    @exporter("trade.records")
    def records_file(*, user, params, progress=None) -> ExportFile: ...

    return export_response(request, writer="trade.records", user=user, rows=n, columns=10,
                           title="外贸明细", noun="条明细",
                           write=lambda: records_file(user=user, params=request.GET))

Writers live in each app's `exports.py`, imported by that app's `tasks.py` so the worker
knows them. A writer records its own audit entry, as the synchronous export does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from kaifang.core.lib.downloads import file_download
from kaifang.core.models import Job, User

EXPORT_KIND = "core.export"


# What a cell of a slower sheet costs against a plain one: wrapped, top-aligned text (openpyxl
# styles each cell: the library's ledger, 1,803 rows × 10, took 474 ms, three times a plain
# sheet's cells), or a workbook written, read back and written again with more sheets (a risk
# scenario's: 840 firms × 11 in 308 ms).
HEAVY_CELL_WEIGHT = 3
# A cell of a Word table against a plain Excel one: python-docx writes about 3,100 table cells
# a second (a 7-column ledger: 21 ms for the document, then 2.2 ms a row), openpyxl 130,000
# plain ones. A ledger's own reads are small beside it, so the budget goes to writing: 8,000 /
# 30 = 266 cells, the ledger's first 38 tasks in about 105 ms on a quiet machine. At 20 the
# large city's 44 tasks stayed in the request and took 183–240 ms of CPU in the crawls of
# session 55, on a machine where they took 128–157 ms alone (session 55).
WORD_CELL_WEIGHT = 30


def export_stamp(
    user: User, count: int | None = None, measure: str = "条", *, note: str = ""
) -> str:
    """The line under an exported table's title: when it was written, how many rows (counted
    in `measure`: 件, 次, 家 …; `note` follows the count) and who wrote it."""
    counted = "" if count is None else f"共 {count:,} {measure}{note}，"
    return f"导出时间 {timezone.localtime():%Y-%m-%d %H:%M}，{counted}导出人 {user.display_name}"


def written_in_request(rows: int, columns: int, *, weight: int = 1) -> bool:
    """Whether an export of `rows` × `columns` cells (each costing `weight` plain ones) is
    written while the user waits: at most `settings.EXPORT_SYNC_CELLS` (openpyxl writes about
    130,000 plain cells a second on the machine of docs/performance.md, and reading the rows
    costs about as much: 8,000 keep an export within the pages' 150 ms). The register's 2,000
    firms took 375 ms in the request, the drill-down's 2,675 records of a year 860 ms
    (session 54)."""
    return rows * columns * weight <= int(settings.EXPORT_SYNC_CELLS)


def export_response(
    request: HttpRequest,
    *,
    writer: str,
    user: User,
    rows: int | None,
    columns: int,
    title: str,
    noun: str,
    write: Callable[[], ExportFile],
    params: QueryDict | None = None,
    weight: int = 1,
    file_kind: str = "Excel",
) -> HttpResponse:
    """The export the user asked for: written now by `write` and downloaded when short enough
    (`written_in_request`), else queued for the worker (the registered `writer`, as `user`,
    given `params`: default, the page's query string) and the redirect to the job's page, with
    a message naming its size ("共 3,000 条明细") and `file_kind` ("Excel", "Word"). `weight`:
    what one of its cells costs (`HEAVY_CELL_WEIGHT`, `WORD_CELL_WEIGHT`). `rows` None: not
    known without reading longer than a page may (kaifang.trade.long_tables), so queued."""
    if rows is not None and written_in_request(rows, columns, weight=weight):
        written = write()
        return file_download(content=written.content, filename=written.name)
    job = enqueue_export(
        writer=writer,
        user=user,
        params=request.GET if params is None else params,
        title=title,
        rows=rows,
    )
    size = f"共 {rows:,} {noun}" if rows is not None else "数据较多"
    messages.success(
        request,
        f"{size}，已转入后台生成 {file_kind} 文件，完成后自动下载；"
        "也可以离开本页，稍后在“后台任务”中下载。",
    )
    return redirect(f"{reverse('core:job_detail', args=[job.pk])}?download=1")


@dataclass(frozen=True)
class ExportFile:
    name: str
    content: bytes
    rows: int


class Progress(Protocol):
    def __call__(self, percent: float, message: str = "") -> None: ...


Writer = Callable[..., ExportFile]  # (*, user: User, params: QueryDict, progress: Progress | None)

_WRITERS: dict[str, Writer] = {}


def exporter(name: str) -> Callable[[Writer], Writer]:
    """Register `func(*, user, params, progress=None) -> ExportFile` under `name`."""

    def decorator(func: Writer) -> Writer:
        existing = _WRITERS.get(name)
        if existing is not None and existing.__qualname__ != func.__qualname__:
            raise ImproperlyConfigured(f"exporter {name!r} is registered twice")
        _WRITERS[name] = func
        return func

    return decorator


def writer_for(name: str) -> Writer:
    try:
        return _WRITERS[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"unknown exporter {name!r}; register it with @exporter"
        ) from None


def enqueue_export(
    *, writer: str, user: User, params: QueryDict, title: str, rows: int | None
) -> Job:
    """Queue the export for the worker; the caller redirects to the job's page."""
    from kaifang.core.jobs import enqueue

    writer_for(writer)  # fail here, in the request, not later in the worker
    return enqueue(
        kind=EXPORT_KIND,
        owner=user,
        title=f"导出{title}（{rows:,} 行）" if rows is not None else f"导出{title}",
        params={"writer": writer, "query": params.urlencode()},
    )


def run_export(*, writer: str, query: str, user: User, progress: Progress) -> ExportFile:
    """The worker's side: the writer called as the user, with the page's parameters."""
    params: Any = QueryDict(query)
    return writer_for(writer)(user=user, params=params, progress=progress)
