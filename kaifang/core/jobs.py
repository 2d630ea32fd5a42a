"""Background jobs: register a job function, enqueue it, and run it in the worker.

    from kaifang.core.jobs import JobHandle, job, enqueue

    @job("trade.import")
    def import_file(handle: JobHandle, *, upload_id: int) -> dict[str, object]:
        for i, row in enumerate(rows):
            handle.progress(100 * i // len(rows), f"第 {i} 行")
        handle.save_file("错误报告.xlsx", data)
        return {"rows": len(rows)}          # stored as Job.result

    job = enqueue(kind="trade.import", owner=user, title="导入海关数据", params={"upload_id": 3})

Job functions live in each app's `tasks.py` (imported at start-up by `CoreConfig.ready`). The
queue (django-q2, ORM broker) carries only the job id; the worker calls `run(job_id)`, which
claims the row with a conditional update, so a re-delivered task never runs twice.
Only this module and `schedules.py` know about django-q2 (see docs/decisions/0002).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from kaifang.core import audit
from kaifang.core.models import Job, JobStatus, Unit, User
from kaifang.core.scope import get_for_user, visible_to

logger = logging.getLogger(__name__)

JobFunction = Callable[..., Any]
F = TypeVar("F", bound=JobFunction)

_REGISTRY: dict[str, JobFunction] = {}
_LABELS: dict[str, str] = {}

# A progress write at most this often unless the percentage changes (SQLite has one writer).
PROGRESS_INTERVAL_SECONDS = 0.5


class JobError(Exception):
    """Raise from a job function with a message in Chinese for the job's owner."""


class JobAborted(Exception):
    """The job's row is no longer running (failed by the stale-job sweep): stop working."""


def job(kind: str, *, label: str = "") -> Callable[[F], F]:
    """Register `func(handle, **params)` as the function run for jobs of `kind`; `label` is
    the kind in words on the job's page (its code otherwise)."""

    def decorator(func: F) -> F:
        existing = _REGISTRY.get(kind)
        if existing is not None and existing.__qualname__ != func.__qualname__:
            raise ImproperlyConfigured(f"job kind {kind!r} is registered twice")
        _REGISTRY[kind] = func
        if label:
            _LABELS[kind] = label
        return func

    return decorator


def kind_label(kind: str) -> str:
    return _LABELS.get(kind, kind)


def registered_kinds() -> list[str]:
    return sorted(_REGISTRY)


def defer(func_path: str, *args: Any) -> None:
    """Queue `func_path(*args)` for the worker once the current transaction commits.
    Arguments must be ids, never model instances: the worker reads fresh rows."""

    def _push() -> None:
        from django_q.tasks import async_task

        async_task(func_path, *args, task_name=f"{func_path}:{args[0] if args else ''}")

    transaction.on_commit(_push)


# How far ahead a waiting call's start may be put off (`defer_once`'s `delay` and `hold`). A
# call a worker has taken has its lock at least the retry margin (Q_CLUSTER retry − timeout,
# 60 s) ahead while it may still run: a lock nearer than this is a call not yet taken.
DEFER_LIMIT_SECONDS = 50.0


def defer_once(func_path: str, *args: Any, delay: float = 0.0, hold: float = 0.0) -> None:
    """`defer`, unless the same call already waits in the queue, not yet taken by a worker:
    a burst of commits that each ask for the same refresh (a refill after every edit of a
    bulk change) queues it once. A call a worker has taken counts no more: what commits
    while it runs queues it again. In sync mode (JOBS_SYNC) every call runs at once.

    With `delay` (seconds), a debounce for a trickle of commits: the call starts `delay`
    after the last commit that asked for it, but no later than `hold` after the first (a
    steady trickle still has it run); a call already due (asked without delay, waiting for a
    busy worker) is never put off, and one asked for again without delay becomes due. Both
    at most DEFER_LIMIT_SECONDS; `hold` is at least `delay`."""
    if not 0 <= delay <= DEFER_LIMIT_SECONDS or not 0 <= hold <= DEFER_LIMIT_SECONDS:
        raise ValueError(f"delay and hold must lie within 0–{DEFER_LIMIT_SECONDS:.0f} s")

    def _push() -> None:
        from django_q.conf import Conf
        from django_q.tasks import async_task

        if Conf.SYNC:
            async_task(func_path, *args)
            return
        now = timezone.now()
        row = _waiting(func_path, args)
        if row is None:
            name = f"{func_path}:{args[0] if args else ''}"
            task_id = async_task(func_path, *args, task_name=name)
            if delay:  # a new call: put off from now (it is no worker's yet, lock = now)
                _put_off(_waiting(func_path, args, task_id=task_id), now + _seconds(delay))
            return
        if row.lock <= now:  # due already
            return
        if delay:  # waiting, not yet due: put off from now, within its hold
            started = row.task.get("started") or now
            _put_off(row, min(now + _seconds(delay), started + _seconds(max(hold, delay))))
        else:  # asked without delay: due now
            type(row).objects.filter(pk=row.pk, lock=row.lock).update(lock=now)

    transaction.on_commit(_push)


def _seconds(value: float) -> dt.timedelta:
    return dt.timedelta(seconds=value)


def _put_off(row: Any, until: dt.datetime) -> None:
    """Have a waiting call start no earlier than `until` (never sooner than it would)."""
    if row is not None and until > row.lock:
        type(row).objects.filter(pk=row.pk, lock=row.lock).update(lock=until)


def _waiting(func_path: str, args: tuple[Any, ...], *, task_id: str | None = None) -> Any:
    """The row of django-q's ORM broker that holds `func_path(*args)` (or the task of that
    id) and that no worker has taken: a taken task's lock lies at least the retry margin
    ahead, a waiting one's at most DEFER_LIMIT_SECONDS (a debounced call) or in the past.
    A call just queued has its lock set to now: `delay` puts it off from there."""
    from django_q.conf import Conf
    from django_q.models import OrmQ

    horizon = timezone.now() + _seconds(DEFER_LIMIT_SECONDS)
    rows = OrmQ.objects.filter(key=Conf.CLUSTER_NAME, lock__lte=horizon).order_by("id")
    for row in rows.only("payload", "lock"):
        task = row.task
        if task_id is not None:
            if task.get("id") == task_id:
                return row
        elif task.get("func") == func_path and tuple(task.get("args") or ()) == args:
            return row
    return None


def enqueue(
    *,
    kind: str,
    owner: User,
    title: str,
    params: Mapping[str, Any] | None = None,
    unit: Unit | None = None,
) -> Job:
    """Create the job row and queue it for the worker when the transaction commits."""
    if kind not in _REGISTRY:
        raise ImproperlyConfigured(f"unknown job kind {kind!r}; register it with @job")
    with transaction.atomic():
        created = Job.objects.create(
            kind=kind,
            title=title[:200],
            owner=owner,
            unit=unit if unit is not None else owner.unit,
            params=dict(params or {}),
            message="等待后台进程处理",
        )
        audit.record(
            actor=owner, action="job.enqueue", obj=created, changes={"kind": kind, "title": title}
        )
        defer("kaifang.core.jobs.run", str(created.pk))
    return created


class JobHandle:
    """What a job function may do with its row: report progress and leave a result file."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self._last_write = time.monotonic()
        self._last_percent = job.percent
        self._last_message = job.message

    @property
    def owner(self) -> User:
        return self.job.owner

    def progress(self, percent: float, message: str = "") -> None:
        """Record progress; writes only on a new percentage or every 0.5 s, and only while
        the row is still running (raises JobAborted otherwise)."""
        value = max(0, min(100, int(percent)))
        now = time.monotonic()
        if value == self._last_percent and (
            message == self._last_message or now - self._last_write < PROGRESS_INTERVAL_SECONDS
        ):
            return
        updated = Job.objects.filter(pk=self.job.pk, status=JobStatus.RUNNING).update(
            percent=value, message=message[:300]
        )
        if not updated:
            raise JobAborted(str(self.job.pk))
        if connection.in_atomic_block:
            # Inside the job's own transaction (an import's commit) that update is seen by
            # nobody until the end: the progress page reads a small file meanwhile.
            _write_live(self.job.pk, value, message[:300])
        self._last_write, self._last_percent, self._last_message = now, value, message
        self.job.percent, self.job.message = value, message[:300]

    def save_file(self, name: str, content: bytes) -> str:
        """Store the job's result file under MEDIA_ROOT/jobs/; returns its storage name."""
        self.job.result_file.save(name, ContentFile(content), save=False)
        Job.objects.filter(pk=self.job.pk).update(result_file=self.job.result_file.name)
        return str(self.job.result_file.name)


def _error_text(exc: BaseException) -> str:
    """A message for the owner, in Chinese; the traceback goes to a separate field."""
    if isinstance(exc, JobError):
        return str(exc)
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return f"任务执行出错（{type(exc).__name__}），请稍后重试或联系系统管理员。"


def _live_path(job_id: uuid.UUID | str) -> Path:
    return Path(settings.VAR_DIR) / "jobs" / f"{job_id}.json"


def _write_live(job_id: uuid.UUID | str, percent: int, message: str) -> None:
    path = _live_path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"percent": percent, "message": message}), "utf-8")
    os.replace(temporary, path)  # readers see the old file or the new one, never half of one


def _drop_live(job_id: uuid.UUID | str) -> None:
    _live_path(job_id).unlink(missing_ok=True)


def live_progress(job: Job) -> Job:
    """The job with the progress its function reported from inside a transaction (not yet on
    the row) when that is further along than the row; a job whose worker died is failed."""
    job = fail_if_lost(job)
    if job.status != JobStatus.RUNNING:
        return job
    try:
        live = json.loads(_live_path(job.pk).read_text("utf-8"))
    except (OSError, ValueError):
        return job
    if int(live.get("percent", 0)) >= job.percent:
        job.percent, job.message = int(live["percent"]), str(live.get("message", ""))
    return job


def run(job_id: str) -> None:
    """Run one job; called by the worker. Never raises: the outcome is on the row."""
    try:
        _run(job_id)
    finally:
        _drop_live(job_id)


def _run(job_id: str) -> None:
    started = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        started_at=started,
        percent=0,
        message="开始处理",
        worker=worker_id(),
    )
    if not claimed:
        logger.warning("job %s is not queued any more; skipped", job_id)
        return
    current = Job.objects.select_related("owner").get(pk=job_id)
    func = _REGISTRY.get(current.kind)
    handle = JobHandle(current)
    try:
        if func is None:
            raise JobError(f"系统中没有“{current.kind}”类型的任务，请联系系统管理员。")
        result = func(handle, **current.params)
    except JobAborted:
        logger.warning("job %s was stopped from outside while running", job_id)
        return
    except Exception as exc:
        logger.exception("job %s (%s) failed", job_id, current.kind)
        Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED,
            error=_error_text(exc),
            traceback=traceback.format_exc(),
            finished_at=timezone.now(),
        )
        return
    Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
        status=JobStatus.SUCCEEDED,
        percent=100,
        message=handle.job.message if handle.job.percent == 100 else "已完成",
        result=dict(result) if isinstance(result, Mapping) else None,
        finished_at=timezone.now(),
    )


def fail_stale(*, older_than_seconds: int) -> int:
    """Mark jobs failed whose worker died: running far past the queue's timeout, or run by a
    process of this machine that no longer exists."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    count = Job.objects.filter(status=JobStatus.RUNNING, started_at__lt=cutoff).update(
        status=JobStatus.FAILED,
        error="任务超时或后台进程中断，请重新发起。",
        finished_at=timezone.now(),
    )
    for running in Job.objects.filter(status=JobStatus.RUNNING).exclude(worker=""):
        count += fail_if_lost(running).status == JobStatus.FAILED
    return count


LOST_ERROR = "后台进程在任务执行中退出（被终止或重启），任务未完成，请重新发起。"


def worker_id() -> str:
    """This process as a job's runner: host name and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def worker_alive(worker: str) -> bool:
    """Whether the process named by `worker_id()` still runs. A process of another machine is
    taken as alive (the stale sweep catches it by age)."""
    host, _, pid_text = worker.rpartition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return True
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (killed, not yet reaped by its parent) runs nothing
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in {"Z", "X"}


def fail_if_lost(job: Job) -> Job:
    """The job, marked failed first if it is running in a process that has died."""
    if job.status != JobStatus.RUNNING or not job.worker or worker_alive(job.worker):
        return job
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, worker=job.worker).update(
        status=JobStatus.FAILED, error=LOST_ERROR, finished_at=timezone.now()
    )
    logger.warning("job %s lost its worker %s", job.pk, job.worker)
    return Job.objects.get(pk=job.pk)


# --- reads ------------------------------------------------------------------------------------


def jobs_for(user: User) -> QuerySet[Job]:
    """The user's own jobs, newest first (a job is personal, whatever the user's scope)."""
    return visible_to(Job.objects.all(), user)


def job_for_user(user: User, pk: Any) -> Job:
    """The user's own job, or 404: another user's job id reveals nothing."""
    return get_for_user(Job.objects.all(), user, pk)
