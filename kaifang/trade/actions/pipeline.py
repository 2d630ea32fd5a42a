"""Imports: upload → parse (validation report) → commit. Each step is an action; the web
flow runs parse and commit as background jobs, the CLI runs them inline. A commit is one
transaction: a failed or interrupted import leaves the database as it was."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from kaifang.core import audit, permissions
from kaifang.core.jobs import enqueue
from kaifang.core.models import User
from kaifang.core.permissions import Cap
from kaifang.trade.actions import batches
from kaifang.trade.actions.commit import CommitSummary, Progress, _noop
from kaifang.trade.actions.lists import enterprise_list_commit, investment_commit
from kaifang.trade.actions.stream import import_customs_table
from kaifang.trade.importers.book import Book, read_book
from kaifang.trade.importers.context import check_tables, period_from_titles
from kaifang.trade.importers.customs import parse_customs
from kaifang.trade.importers.enterprise_list import parse_enterprise_list
from kaifang.trade.importers.errors_xlsx import error_report_xlsx
from kaifang.trade.importers.fdi import parse_fdi
from kaifang.trade.importers.headers import (
    HeaderMapping,
    MappingError,
    apply_title_units,
    detect_mapping,
)
from kaifang.trade.importers.odi import parse_odi
from kaifang.trade.importers.result import ImportResult
from kaifang.trade.importers.tabular import SheetNotFoundError, TableError, read_table
from kaifang.trade.models import ImportBatch, ImportKind, ImportStatus, MappingTemplate
from kaifang.trade.selectors.imports import import_lookups

logger = logging.getLogger(__name__)

ALLOWED_EXTENSIONS = (".csv", ".txt", ".xlsx", ".xlsm", ".xls")


def require_importer(actor: User | None) -> None:
    """Imports write city-wide facts and may create or change any enterprise, so only users
    who see the whole city (the bureau's divisions, administrators) may run them. The CLI
    (actor None) is the operator's."""
    if actor is not None and not permissions.has(actor, Cap.IMPORT):
        raise PermissionDenied("只有市商务局业务科室和系统管理员可以导入数据。")


@transaction.atomic
def import_upload(
    *,
    actor: User,
    kind: str,
    filename: str,
    content: bytes,
    file_flow: str = "",
    replace_period: bool = False,
    source: str = "customs",
    sheets: Sequence[str] = (),
) -> ImportBatch:
    """Store the file and detect its header mapping; reading errors are reported in Chinese.
    ``sheets``: the worksheets to read (default: every data sheet of a customs workbook)."""
    require_importer(actor)
    if not filename.lower().endswith(ALLOWED_EXTENSIONS):
        raise ValidationError({"file": "只支持 .xlsx、.xls 或 .csv 文件。"})
    if not content:
        raise ValidationError({"file": "文件是空的。"})
    try:
        book = _read(content, filename, kind=kind, sheets=sheets)
        table = book.first
        # a unit the title rows state (单位：万美元) is part of the mapping the user confirms
        mapping = apply_title_units(
            detect_mapping(table.header, kind=_parser_kind(kind)), table.title_rows
        )
    except SheetNotFoundError as error:
        raise ValidationError({"sheets": str(error)}) from error
    except (TableError, MappingError) as error:
        raise ValidationError({"file": str(error)}) from error
    batch = ImportBatch(
        kind=kind,
        source=source or "customs",
        filename=os.path.basename(filename)[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        file_flow=file_flow,
        replace_period=replace_period,
        uploaded_by=actor,
        headers=table.header,
        mapping=mapping.to_json(),
        sheets=_sheets_read(book, sheets),
    )
    batch.file.save(batch.filename, ContentFile(content), save=False)
    batch.save()
    audit.record(
        actor=actor,
        action="import.upload",
        obj=batch,
        changes={"filename": batch.filename, "sha256": batch.sha256, "kind": kind},
    )
    return batch


def _start_job(batch: ImportBatch, *, kind: str, title: str, actor: User, **params: Any) -> None:
    job = enqueue(kind=kind, owner=actor, title=title, params={"batch_id": batch.pk, **params})
    ImportBatch.objects.filter(pk=batch.pk).update(current_job=job.pk)


@transaction.atomic
def import_start_validation(
    *, batch: ImportBatch, actor: User, mapping: dict[str, Any] | None = None
) -> None:
    """Queue the validation job of an uploaded batch, with a saved template's mapping when the
    uploader chose one (else the mapping detected on upload)."""
    require_importer(actor)
    if mapping:
        ImportBatch.objects.filter(pk=batch.pk).update(mapping=mapping)
    _start_job(
        batch,
        kind="trade.import_validate",
        title=f"校验 {batch.filename}",
        actor=actor,
        mapping=mapping,
    )


@transaction.atomic
def import_remap(
    *, batch: ImportBatch, actor: User, fields: Mapping[str, str | None], save_as: str = ""
) -> None:
    """Apply a corrected header mapping (optionally saved as a template under ``save_as``) and
    queue the validation again. A multiplier detected for a column stays while that column
    keeps its field. Refused (nothing saved) once the batch is being or has been committed."""
    require_importer(actor)
    if batch.status in {ImportStatus.COMMITTED, ImportStatus.COMMITTING}:
        raise ValidationError("该批次已导入，不能再修改表头对应。")
    current = dict(batch.mapping.get("fields", {})) if batch.mapping else {}
    fields = {k: v for k, v in fields.items() if v}
    old_multipliers = batch.mapping.get("multipliers", {}) if batch.mapping else {}
    multipliers = {k: v for k, v in old_multipliers.items() if current.get(k) == fields.get(k)}
    mapping = {"kind": _parser_kind(batch.kind), "fields": fields, "multipliers": multipliers}
    if save_as:
        MappingTemplate.objects.update_or_create(
            kind=batch.kind, name=save_as, defaults={"mapping": mapping, "created_by": actor}
        )
        audit.record(
            actor=actor, action="import.template_save", obj=batch, changes={"name": save_as}
        )
    if not batches.batch_revalidate(batch=batch, mapping=mapping):
        raise ValidationError("该批次正在导入或已导入，不能再修改表头对应。")
    audit.record(actor=actor, action="import.remap", obj=batch, changes={"fields": fields})
    _start_job(
        batch,
        kind="trade.import_validate",
        title=f"重新校验 {batch.filename}",
        actor=actor,
        mapping=mapping,
    )


@transaction.atomic
def import_start_commit(*, batch: ImportBatch, actor: User) -> None:
    """Claim a validated batch for its commit (a conditional update: a second click or a
    second tab finds it taken) and queue the commit job."""
    require_importer(actor)
    if not batches.batch_claim_commit(batch=batch):
        raise ValidationError("请先完成校验，再确认导入（或该批次已在导入中）。")
    _start_job(batch, kind="trade.import_commit", title=f"导入 {batch.filename}", actor=actor)


def _parser_kind(kind: str) -> Any:
    return {"enterprises": "enterprise_list"}.get(kind, kind)


def _read(content: bytes, filename: str, *, kind: str, sheets: Sequence[str]) -> Book:
    """A customs file's data sheets; the first data sheet (or the first chosen) of the others."""
    if kind == ImportKind.CUSTOMS:
        return read_book(content, filename, sheets=sheets, kind="customs")
    if len(sheets) > 1:
        raise TableError("企业名录、外资、对外投资文件一次只能导入一个工作表：请只填写一个工作表")
    return Book(
        [
            read_table(
                content, filename, sheet=sheets[0] if sheets else None, kind=_parser_kind(kind)
            )
        ]
    )


def _sheets_read(book: Book, chosen: Sequence[str]) -> dict[str, list[str]]:
    return {"chosen": list(chosen), "read": book.sheet_names, "skipped": book.skipped}


AnyResult = ImportResult[Any]  # rows of the batch's kind


def batch_table(
    *, batch: ImportBatch, mapping_json: dict[str, Any] | None = None
) -> tuple[Book, HeaderMapping, int | None]:
    """The stored file's tables (a customs workbook's data sheets), with the batch's (or the
    given) mapping and, for a csv, the number of lines (for progress). Raises ValidationError
    with Chinese text on a bad mapping."""
    with batch.file.open("rb") as handle:
        content = handle.read()
    chosen = list((batch.sheets or {}).get("chosen") or [])
    book = _read(content, batch.filename, kind=batch.kind, sheets=chosen)
    table = book.first
    data = mapping_json or batch.mapping
    try:
        mapping = (
            HeaderMapping.from_json(data, table.header)
            if data
            else detect_mapping(table.header, kind=_parser_kind(batch.kind))
        )
        if batch.kind == ImportKind.CUSTOMS:
            check_tables(book.tables, mapping, file_flow=batch.file_flow or None)  # type: ignore[arg-type]
        else:
            # an FDI or ODI file may give its month in a title (2025年9月…), as the parser reads
            dated = period_from_titles(table.title_rows) is not None
            mapping.require(has_file_flow=bool(batch.file_flow), has_file_period=dated)
    except MappingError as error:
        reason = str(error)
        if len(table.sheets) > 1 and not book.several:  # the columns may be on a sheet not read
            reason += f"（读取的是工作表“{table.sheet}”，文件共有 {len(table.sheets)} 个工作表）"
        raise ValidationError(reason) from error
    lines = content.count(b"\n") if table.file_format == "csv" else None
    return book, mapping, lines


def parse_batch_file(
    *, batch: ImportBatch, mapping_json: dict[str, Any] | None = None
) -> AnyResult:
    """Parse the stored file with the batch's (or the given) mapping. Pure apart from reading
    the file and the lookups; raises ValidationError with Chinese text on a bad mapping."""
    book, mapping, _lines = batch_table(batch=batch, mapping_json=mapping_json)
    table = book.first
    lookups = import_lookups()
    if batch.kind == ImportKind.FDI:
        return parse_fdi(table, mapping, lookups=lookups)
    if batch.kind == ImportKind.ODI:
        return parse_odi(table, mapping, lookups=lookups)
    if batch.kind == ImportKind.ENTERPRISES:
        return parse_enterprise_list(table, mapping, lookups=lookups)
    return parse_customs(
        book.tables,
        mapping,
        lookups=lookups,
        file_flow=batch.file_flow or None,  # type: ignore[arg-type]
    )


def import_validate(
    *, batch: ImportBatch, actor: User, mapping_json: dict[str, Any] | None = None
) -> AnyResult:
    """Parse and record the validation report (counts, totals, errors, error workbook)."""
    try:
        result = parse_batch_file(batch=batch, mapping_json=mapping_json)
    except (ValidationError, TableError, MappingError) as error:
        reason = "；".join(getattr(error, "messages", [str(error)]))
        batches.batch_validation_failed(batch_id=batch.pk, reason=reason)
        raise
    if mapping_json is not None:
        batch.mapping = mapping_json
    batch.summary = result.summary()
    batch.summary["periods"] = [p.strftime("%Y-%m") for p in result.periods]
    batch.summary["new_enterprises"] = len(result.new_enterprises)
    batch.summary["warnings"] = [w.as_dict() for w in result.warnings[:200]]
    batch.summary["notes"] = [*result.notes, *result.mapping.notes]
    batch.rows_read = result.rows_read
    batch.rows_imported = result.rows_imported
    batch.rows_rejected = result.rows_rejected
    if result.errors:
        report = error_report_xlsx(result.mapping.headers, result.rejected_rows, result.errors)
        batch.error_report.save(f"errors-{batch.pk}.xlsx", ContentFile(report), save=False)
    batches.batch_validated(batch=batch)
    audit.record(
        actor=actor,
        action="import.validate",
        obj=batch,
        changes={"rows_read": result.rows_read, "rows_rejected": result.rows_rejected},
    )
    return result


def _commit_any(
    *, result: AnyResult, batch: ImportBatch, actor: User, progress: Progress
) -> CommitSummary:
    """Enterprise lists, FDI and ODI; customs files go through stream.py."""
    if batch.kind != ImportKind.ENTERPRISES:
        written = investment_commit(
            result=result,
            kind=batch.kind,
            actor=actor,
            batch=batch,
            source=batch.source,
            replace_period=batch.replace_period,
            progress=progress,
        )
        return CommitSummary(
            rows_written=written,
            enterprises_created=len(result.new_enterprises),
            periods=[p.strftime("%Y-%m") for p in result.periods],
            replaced_rows=0,
        )
    counts = enterprise_list_commit(result=result, actor=actor, batch=batch, progress=progress)
    return CommitSummary(
        rows_written=counts["created"] + counts["updated"],
        enterprises_created=counts["created"],
        periods=[],
        replaced_rows=0,
    )


def _commit_batch(
    *, batch: ImportBatch, actor: User, progress: Progress
) -> tuple[AnyResult, CommitSummary]:
    if batch.kind != ImportKind.CUSTOMS:
        result = parse_batch_file(batch=batch)
        return result, _commit_any(result=result, batch=batch, actor=actor, progress=progress)
    book, mapping, lines = batch_table(batch=batch)
    return import_customs_table(
        table=book.tables,
        reread=lambda: batch_table(batch=batch)[0].tables,
        mapping=mapping,
        lookups=import_lookups(),
        file_flow=batch.file_flow or None,  # type: ignore[arg-type]
        actor=actor,
        batch=batch,
        source=batch.source,
        replace_period=batch.replace_period,
        progress=progress,
        expected_rows=lines,
    )


def import_commit(*, batch: ImportBatch, actor: User, progress: Progress = _noop) -> CommitSummary:
    """Commit a validated batch (re-parses the stored file: the database is the truth)."""
    require_importer(actor)
    batch = ImportBatch.objects.get(pk=batch.pk)
    if batch.status not in {ImportStatus.PARSED, ImportStatus.COMMITTING}:
        raise ValidationError("该批次不在可导入状态。")
    progress(1, "读取文件")
    try:
        result, summary = _commit_batch(batch=batch, actor=actor, progress=progress)
    except Exception as error:
        reason = "；".join(error.messages) if isinstance(error, ValidationError) else ""
        logger.exception("import %s failed", batch.pk)
        batches.batch_commit_failed(
            batch_id=batch.pk, reason=reason or "系统错误已记录，请联系系统管理员。"
        )
        raise
    batches.batch_committed(
        batch_id=batch.pk,
        rows_read=result.rows_read,
        rows_imported=result.rows_imported,
        rows_rejected=result.rows_rejected,
        message=(
            f"已导入 {summary.rows_written} 条记录，新建待审核企业 {summary.enterprises_created} 家"
        ),
    )
    return summary
