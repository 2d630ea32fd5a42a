"""Background jobs of the import flow: validate (parse + report) and commit. They take ids,
call one action and report progress on the Job row that drives the progress bar. Batch states
move only through kaifang.trade.actions.batches."""

from __future__ import annotations

from typing import Any

from kaifang.core.jobs import JobError, JobHandle, job
from kaifang.core.schedules import periodic
from kaifang.trade import actions, long_tables
from kaifang.trade import exports as exports  # registers the writers the worker runs
from kaifang.trade.actions import batches
from kaifang.trade.models import ImportBatch


@job("trade.import_validate", label="校验导入文件")
def import_validate_job(handle: JobHandle, *, batch_id: int, mapping: Any = None) -> None:
    if not batches.batch_start_validation(batch_id=batch_id):
        raise JobError("该批次正在导入或已导入，不能再校验。")
    batch = ImportBatch.objects.get(pk=batch_id)
    handle.progress(10, "正在读取并校验文件")
    result = actions.import_validate(batch=batch, actor=handle.owner, mapping_json=mapping)
    handle.progress(
        100,
        f"校验完成：读取 {result.rows_read} 行，可导入 {result.rows_imported} 行，"
        f"拒绝 {result.rows_rejected} 行",
    )


@job("trade.import_commit", label="导入海关数据")
def import_commit_job(handle: JobHandle, *, batch_id: int) -> None:
    if not batches.batch_committing(batch_id=batch_id):
        raise JobError("该批次不在可导入状态（未校验或已导入）。")
    batch = ImportBatch.objects.get(pk=batch_id)
    summary = actions.import_commit(batch=batch, actor=handle.owner, progress=handle.progress)
    handle.progress(100, f"导入完成：写入 {summary.rows_written} 条记录")


@job(long_tables.TABLE_KIND, label="计算分析表")
def table_job(handle: JobHandle, *, by: str, query: str) -> dict[str, Any]:
    """A breakdown page's table and chart that took too long to read in the request."""
    return long_tables.compute_table(handle, by=by, query=query)


@periodic("trade.imports.recover", minutes=1)
def recover_import_batches() -> None:
    """Batches left 解析中/导入中 by a failed job or a killed worker become actionable again."""
    batches.batches_recover_stale()
