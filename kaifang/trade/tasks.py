"""Background jobs of the import flow: validate (parse + report) and commit. They take ids,
call one action and report progress on the Job row that drives the progress bar."""

from __future__ import annotations

from typing import Any

from kaifang.core.jobs import JobHandle, job
from kaifang.trade import actions
from kaifang.trade.models import ImportBatch, ImportStatus


@job("trade.import_validate")
def import_validate_job(handle: JobHandle, *, batch_id: int, mapping: Any = None) -> None:
    batch = ImportBatch.objects.get(pk=batch_id)
    ImportBatch.objects.filter(pk=batch_id).update(status=ImportStatus.PARSING)
    handle.progress(10, "正在读取并校验文件")
    result = actions.import_validate(batch=batch, actor=handle.owner, mapping_json=mapping)
    handle.progress(
        100,
        f"校验完成：读取 {result.rows_read} 行，可导入 {result.rows_imported} 行，"
        f"拒绝 {result.rows_rejected} 行",
    )


@job("trade.import_commit")
def import_commit_job(handle: JobHandle, *, batch_id: int) -> None:
    batch = ImportBatch.objects.get(pk=batch_id)
    ImportBatch.objects.filter(pk=batch_id).update(status=ImportStatus.COMMITTING)
    summary = actions.import_commit(batch=batch, actor=handle.owner, progress=handle.progress)
    handle.progress(100, f"导入完成：写入 {summary.rows_written} 条记录")
