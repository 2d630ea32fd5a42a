"""Exports too large to write while the user waits go to the worker, with a progress bar.

A list exported to Excel is written in the request while it is small. A large one (a year of
customs records: up to 100,000 rows, 12–15 s on two cores) would hold a web worker and leave
the user staring at a spinning tab, so the view queues it instead: it names a registered
writer and passes the page's query string; the worker calls the writer as the user who asked
(the same selectors, so the same data scope), stores the file on the job, and the job page
shows the progress and then the download (`core:job_download`, the owner's only).

    @exporter("trade.records")
    def records_file(*, user, params, progress=None) -> ExportFile: ...

    if rows > EXPORT_SYNC_ROWS:
        job = enqueue_export(writer="trade.records", user=user, params=request.GET, ...)

Writers live in each app's `exports.py`, imported by that app's `tasks.py` so the worker
knows them. A writer records its own audit entry, as the synchronous export does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.http import QueryDict

from kaifang.core.models import Job, User

# Above this many rows an export is written by the worker: about 0.7 s of writing on the
# machine of docs/performance.md (7,000 rows a second), beyond which a page would keep the
# user waiting with nothing to show.
EXPORT_SYNC_ROWS = 5_000
EXPORT_KIND = "core.export"


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


def enqueue_export(*, writer: str, user: User, params: QueryDict, title: str, rows: int) -> Job:
    """Queue the export for the worker; the caller redirects to the job's page."""
    from kaifang.core.jobs import enqueue

    writer_for(writer)  # fail here, in the request, not later in the worker
    return enqueue(
        kind=EXPORT_KIND,
        owner=user,
        title=f"导出{title}（{rows:,} 行）",
        params={"writer": writer, "query": params.urlencode()},
    )


def run_export(*, writer: str, query: str, user: User, progress: Progress) -> ExportFile:
    """The worker's side: the writer called as the user, with the page's parameters."""
    params: Any = QueryDict(query)
    return writer_for(writer)(user=user, params=params, progress=progress)
