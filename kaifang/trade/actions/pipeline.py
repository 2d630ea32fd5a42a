"""Imports: upload → parse (validation report) → commit. Each step is an action; the web
flow runs parse and commit as background jobs, the CLI runs them inline. A commit is one
transaction: a failed or interrupted import leaves the database as it was."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from kaifang.core import audit, permissions
from kaifang.core.models import User
from kaifang.core.permissions import Cap
from kaifang.trade import batches
from kaifang.trade.actions_lists import enterprise_list_commit, investment_commit
from kaifang.trade.actions_pending import create_pending_enterprises, ref_keys
from kaifang.trade.bulk import upsert_rows
from kaifang.trade.importers.common import add_amounts
from kaifang.trade.importers.customs import CustomsRow, ParseResult, parse_customs
from kaifang.trade.importers.enterprise_list import EnterpriseListResult, parse_enterprise_list
from kaifang.trade.importers.errors_xlsx import error_report_xlsx
from kaifang.trade.importers.fdi import parse_fdi
from kaifang.trade.importers.headers import HeaderMapping, MappingError, detect_mapping
from kaifang.trade.importers.investment import InvestmentResult
from kaifang.trade.importers.odi import parse_odi
from kaifang.trade.importers.tabular import Table, TableError, read_table
from kaifang.trade.models import CustomsRecord, ImportBatch, ImportKind, ImportStatus
from kaifang.trade.rollups import rebuild_rollups
from kaifang.trade.selectors_import import import_lookups

Progress = Callable[[int, str], None]
logger = logging.getLogger(__name__)

ALLOWED_EXTENSIONS = (".csv", ".txt", ".xlsx", ".xlsm", ".xls")


def _noop(percent: int, message: str) -> None:
    return None


@dataclass
class CommitSummary:
    rows_written: int
    enterprises_created: int
    periods: list[str]
    replaced_rows: int


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
) -> ImportBatch:
    """Store the file and detect its header mapping; reading errors are reported in Chinese."""
    require_importer(actor)
    if not filename.lower().endswith(ALLOWED_EXTENSIONS):
        raise ValidationError({"file": "只支持 .xlsx、.xls 或 .csv 文件。"})
    if not content:
        raise ValidationError({"file": "文件是空的。"})
    try:
        table = read_table(content, filename, kind=_parser_kind(kind))
        mapping = detect_mapping(table.header, kind=_parser_kind(kind))
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


def _parser_kind(kind: str) -> Any:
    return {"enterprises": "enterprise_list"}.get(kind, kind)


AnyResult = ParseResult | InvestmentResult | EnterpriseListResult


def batch_table(
    *, batch: ImportBatch, mapping_json: dict[str, Any] | None = None
) -> tuple[Table, HeaderMapping, int | None]:
    """The stored file as a table, with the batch's (or the given) mapping and, for a csv, the
    number of lines (for progress). Raises ValidationError with Chinese text on a bad mapping."""
    with batch.file.open("rb") as handle:
        content = handle.read()
    table = read_table(content, batch.filename, kind=_parser_kind(batch.kind))
    data = mapping_json or batch.mapping
    try:
        mapping = (
            HeaderMapping.from_json(data, table.header)
            if data
            else detect_mapping(table.header, kind=_parser_kind(batch.kind))
        )
        mapping.require(has_file_flow=bool(batch.file_flow))
    except MappingError as error:
        raise ValidationError(str(error)) from error
    lines = content.count(b"\n") if table.file_format == "csv" else None
    return table, mapping, lines


def parse_batch_file(
    *, batch: ImportBatch, mapping_json: dict[str, Any] | None = None
) -> AnyResult:
    """Parse the stored file with the batch's (or the given) mapping. Pure apart from reading
    the file and the lookups; raises ValidationError with Chinese text on a bad mapping."""
    table, mapping, _lines = batch_table(batch=batch, mapping_json=mapping_json)
    lookups = import_lookups()
    if batch.kind == ImportKind.FDI:
        return parse_fdi(table, mapping, lookups=lookups)
    if batch.kind == ImportKind.ODI:
        return parse_odi(table, mapping, lookups=lookups)
    if batch.kind == ImportKind.ENTERPRISES:
        return parse_enterprise_list(table, mapping, lookups=lookups)
    return parse_customs(
        table,
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
    except (ValidationError, TableError) as error:
        reason = "；".join(getattr(error, "messages", [str(error)]))
        batches.batch_validation_failed(batch_id=batch.pk, reason=reason)
        raise
    if mapping_json is not None:
        batch.mapping = mapping_json
    batch.summary = result.summary()
    periods = getattr(result, "periods", [])
    batch.summary["periods"] = [p.strftime("%Y-%m") for p in periods]
    batch.summary["new_enterprises"] = len(getattr(result, "new_enterprises", []))
    batch.summary["warnings"] = [w.as_dict() for w in result.warnings[:200]]
    batch.summary["notes"] = list(getattr(result, "notes", [])) + list(result.mapping.notes)
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


def _resolve(row: CustomsRow, created: dict[tuple[str, str], int]) -> int:
    ref = row.enterprise
    if ref.enterprise_id is not None:
        return ref.enterprise_id
    for key in ref_keys(ref.uscc, ref.customs_code):
        if key in created:
            return created[key]
    raise ValidationError(f"第 {row.first_row} 行：无法确定企业（{ref.name}）")


def _record_rows(
    result: ParseResult,
    created: dict[tuple[str, str], int],
    *,
    source: str,
    batch: ImportBatch | None,
) -> list[tuple[Any, ...]]:
    """The parse result as rows for trade/bulk.py, one per key: rows whose identifiers resolve
    to the same enterprise are summed (the parser keyed them by identifier, not by id)."""
    batch_id = batch.pk if batch else None
    isoformat = {p: p.isoformat() for p in result.periods}
    # The parser shares one EnterpriseRef object among the rows of one identifier.
    id_of: dict[int, int] = {}
    keys_of: dict[int, tuple[str, str]] = {}
    for row in result.rows:
        ref = row.enterprise
        if id(ref) not in id_of:
            id_of[id(ref)] = ref.enterprise_id or _resolve(row, created)
            keys_of[id(ref)] = ref.key
    one_id_per_key = len(set(keys_of.values())) == len(set(id_of.values()))
    short_modes = all(len(m) <= 20 for m in {row.trade_mode_code for row in result.rows})
    if one_id_per_key and short_modes:
        # The parser's keys are then the records' keys: no two rows can share one.
        return [
            (
                id_of[id(r.enterprise)],
                isoformat[r.period],
                r.flow,
                r.hs_code,
                r.partner_code,
                r.trade_mode_code,
                None if r.qty1 is None else str(r.qty1),
                r.unit1[:20],
                None if r.qty2 is None else str(r.qty2),
                r.unit2[:20],
                None if r.value_usd is None else str(r.value_usd),
                None if r.value_cny is None else str(r.value_cny),
                source,
                batch_id,
            )
            for r in result.rows
        ]
    merged: dict[tuple[Any, ...], list[Any]] = {}
    get = merged.get
    for row in result.rows:
        enterprise_id = id_of[id(row.enterprise)]
        mode = row.trade_mode_code
        if len(mode) > 20:
            mode = mode[:20]
        key = (enterprise_id, row.period, row.flow, row.hs_code, row.partner_code, mode)
        existing = get(key)
        if existing is None:
            merged[key] = [
                enterprise_id,
                isoformat[row.period],
                row.flow,
                row.hs_code,
                row.partner_code,
                mode,
                row.qty1,
                row.unit1[:20],
                row.qty2,
                row.unit2[:20],
                row.value_usd,
                row.value_cny,
                source,
                batch_id,
            ]
            continue
        existing[6] = add_amounts(existing[6], row.qty1)
        existing[8] = add_amounts(existing[8], row.qty2)
        existing[10] = add_amounts(existing[10], row.value_usd)
        existing[11] = add_amounts(existing[11], row.value_cny)
    return [
        (*r[:6], _text(r[6]), r[7], _text(r[8]), r[9], _text(r[10]), _text(r[11]), *r[12:])
        for r in merged.values()
    ]


def _text(value: Decimal | None) -> str | None:
    """Amounts go to the database as decimal strings (full precision, no float)."""
    return None if value is None else str(value)


def import_commit_result(
    *,
    result: ParseResult,
    actor: User | None,
    batch: ImportBatch | None,
    source: str,
    replace_period: bool,
    progress: Progress = _noop,
) -> CommitSummary:
    """Write a parse result: pending enterprises, upserted records, rebuilt rollups. One
    transaction; a row whose key already exists is replaced, never added to. Records go in
    below the ORM (trade/bulk.py): at a million rows, model instances cost more than the
    database does."""
    with transaction.atomic():
        progress(5, "建立新企业档案")
        created = create_pending_enterprises(result.new_enterprises, actor=actor, batch=batch)
        records = _record_rows(result, created, source=source, batch=batch)
        replaced = 0
        if replace_period and result.periods:
            progress(15, "按期间清除旧数据")
            replaced, _ = CustomsRecord.objects.filter(
                source=source, period__in=result.periods
            ).delete()
        chunk = 100_000
        for start in range(0, len(records), chunk):
            upsert_rows(records[start : start + chunk])
            done = min(start + chunk, len(records))
            progress(20 + int(60 * done / max(len(records), 1)), f"已写入 {done} 条")
        progress(85, "更新汇总数据")
        rebuild_rollups(result.periods)
        summary = record_commit(
            result=result,
            actor=actor,
            batch=batch,
            rows_written=len(records),
            enterprises_created=len(set(created.values())),
            replace_period=replace_period,
            replaced=replaced,
        )
    return summary


def record_commit(
    *,
    result: ParseResult,
    actor: User | None,
    batch: ImportBatch | None,
    rows_written: int,
    enterprises_created: int,
    replace_period: bool,
    replaced: int,
) -> CommitSummary:
    """What a customs commit wrote, and its audit entry (both commit paths end here)."""
    summary = CommitSummary(
        rows_written=rows_written,
        enterprises_created=enterprises_created,
        periods=[p.strftime("%Y-%m") for p in result.periods],
        replaced_rows=replaced,
    )
    audit.record(
        actor=actor,
        action="import.commit",
        obj=batch,
        object_type="trade.importbatch",
        object_repr=batch.filename if batch else "命令行导入",
        changes={
            **result.summary(),
            "errors": len(result.errors),
            "rows_written": summary.rows_written,
            "enterprises_created": summary.enterprises_created,
            "replace_period": replace_period,
            "replaced_rows": replaced,
            "periods": summary.periods,
        },
    )
    return summary


def _commit_any(
    *, result: AnyResult, batch: ImportBatch, actor: User, progress: Progress
) -> CommitSummary:
    """Enterprise lists, FDI and ODI; customs files go through actions_stream."""
    if isinstance(result, InvestmentResult):
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
    if not isinstance(result, EnterpriseListResult):  # pragma: no cover - routed by kind
        raise TypeError(f"no commit for {type(result).__name__} here")
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
    # Imported here: actions_stream builds on this module.
    from kaifang.trade.actions_stream import import_customs_table

    table, mapping, lines = batch_table(batch=batch)
    return import_customs_table(
        table=table,
        reread=lambda: batch_table(batch=batch)[0],
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
