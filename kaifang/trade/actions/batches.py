"""The one owner of ImportBatch.status: every transition of an import batch happens here, by a
conditional update (the batch must be in an expected state, so a second click, a second tab or
a re-delivered job finds it taken). Views, jobs and the CLI call these functions.

    uploaded ─(validate job)→ parsing ─→ parsed ─(confirm)→ committing ─→ committed
        ↑                        └→ failed        ↑              │
        └──────── remap ─────────────┘            └── commit failed / worker lost (reason shown)

A commit runs in one transaction, so a commit that failed or whose worker was killed left no
rows: the batch goes back to 待确认 with the reason, and the user may confirm it again.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db.models import Q
from django.utils import timezone

from kaifang.core.jobs import fail_if_lost
from kaifang.core.models import Job, JobStatus
from kaifang.trade.models import ImportBatch, ImportStatus

logger = logging.getLogger(__name__)

RUNNING = (ImportStatus.UPLOADED, ImportStatus.PARSING, ImportStatus.COMMITTING)
COMMIT_FAILED = "上次导入没有完成，数据库未做任何修改：{reason}可以重新确认导入。"
VALIDATE_FAILED = "校验没有完成：{reason}请重新校验（修改表头对应后提交）。"


def _move(batch_id: int, *, from_: tuple[str, ...], to: str, **fields: Any) -> bool:
    """The conditional update every transition is: True if this call made it."""
    moved = ImportBatch.objects.filter(pk=batch_id, status__in=from_).update(status=to, **fields)
    return bool(moved)


def batch_revalidate(*, batch: ImportBatch, mapping: dict[str, Any]) -> bool:
    """A new header mapping: back to 已上传 for a new validation (not once committing)."""
    return _move(
        batch.pk,
        from_=(
            ImportStatus.UPLOADED,
            ImportStatus.PARSING,
            ImportStatus.PARSED,
            ImportStatus.FAILED,
        ),
        to=ImportStatus.UPLOADED,
        mapping=mapping,
        message="",
    )


def batch_start_validation(*, batch_id: int) -> bool:
    return _move(
        batch_id,
        from_=(ImportStatus.UPLOADED, ImportStatus.PARSED, ImportStatus.FAILED),
        to=ImportStatus.PARSING,
    )


def batch_validated(*, batch: ImportBatch) -> None:
    """The validation's report is on `batch` (unsaved): save it as 待确认."""
    batch.status = ImportStatus.PARSED
    batch.message = ""
    batch.save()


def batch_validation_failed(*, batch_id: int, reason: str) -> bool:
    return _move(
        batch_id,
        from_=(ImportStatus.UPLOADED, ImportStatus.PARSING, ImportStatus.PARSED),
        to=ImportStatus.FAILED,
        message=reason[:500],
    )


def batch_claim_commit(*, batch: ImportBatch) -> bool:
    """Take a validated batch for committing; False if it is not 待确认 (any more)."""
    return _move(batch.pk, from_=(ImportStatus.PARSED,), to=ImportStatus.COMMITTING, message="")


def batch_committing(*, batch_id: int) -> bool:
    """The commit job starts: the batch must be the one the view claimed (or still 待确认 when
    a job is run directly)."""
    return _move(
        batch_id, from_=(ImportStatus.PARSED, ImportStatus.COMMITTING), to=ImportStatus.COMMITTING
    )


def batch_committed(*, batch_id: int, message: str, **counts: int) -> bool:
    return _move(
        batch_id,
        from_=(ImportStatus.COMMITTING,),
        to=ImportStatus.COMMITTED,
        committed_at=timezone.now(),
        message=message[:500],
        **counts,
    )


def batch_commit_failed(*, batch_id: int, reason: str) -> bool:
    """The commit rolled back: 待确认 again, with the reason."""
    text = COMMIT_FAILED.format(reason=_sentence(reason))
    return _move(
        batch_id, from_=(ImportStatus.COMMITTING,), to=ImportStatus.PARSED, message=text[:500]
    )


def batch_recover(*, batch: ImportBatch) -> ImportBatch:
    """A batch still marked running whose job failed or whose worker died returns to a state
    the user can act on, with the reason. Returns the batch as it is now."""
    if batch.status not in RUNNING or batch.current_job is None:
        return batch
    job = Job.objects.filter(pk=batch.current_job).first()
    if job is not None:
        job = fail_if_lost(job)
        if job.status != JobStatus.FAILED:
            return batch
    reason = job.error if job is not None else "对应的后台任务已不存在。"
    if batch.status == ImportStatus.COMMITTING:
        batch_commit_failed(batch_id=batch.pk, reason=reason)
    else:
        batch_validation_failed(
            batch_id=batch.pk, reason=VALIDATE_FAILED.format(reason=_sentence(reason))
        )
    logger.warning("import batch %s recovered from %s: %s", batch.pk, batch.status, reason)
    return ImportBatch.objects.get(pk=batch.pk)


def batches_recover_stale() -> list[ImportBatch]:
    """Every batch left running by a failed job or a dead worker (periodic job and CLI)."""
    stuck = ImportBatch.objects.filter(
        Q(status__in=RUNNING) & Q(current_job__isnull=False)
    ).order_by("pk")
    recovered = []
    for batch in stuck:
        after = batch_recover(batch=batch)
        if after.status != batch.status:
            recovered.append(after)
    return recovered


def _sentence(text: str) -> str:
    text = text.strip() or "原因不明。"
    return text if text.endswith(("。", "！", "？", ".")) else text + "。"
