"""The customs commit's shared end: pending enterprises, the records as bulk rows, the
rollups, and the summary with its audit entry. Both customs paths end here: the one-piece
commit (``import_commit_result``) and the streamed one (``stream.py``, which calls
``record_commit``). Investment and enterprise-list commits (``lists.py``) report the same
``CommitSummary``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kaifang.core import audit
from kaifang.core.models import User
from kaifang.trade.actions.pending import create_pending_enterprises, ref_keys
from kaifang.trade.bulk import upsert_rows
from kaifang.trade.importers.common import add_amounts
from kaifang.trade.importers.customs import CustomsRow
from kaifang.trade.importers.result import ImportResult
from kaifang.trade.models import CustomsRecord, ImportBatch
from kaifang.trade.rollups import rebuild_rollups

Progress = Callable[[int, str], None]


def _noop(percent: int, message: str) -> None:
    return None


@dataclass
class CommitSummary:
    rows_written: int
    enterprises_created: int
    periods: list[str]
    replaced_rows: int


def _resolve(row: CustomsRow, created: dict[tuple[str, str], int]) -> int:
    ref = row.enterprise
    if ref.enterprise_id is not None:
        return ref.enterprise_id
    for key in ref_keys(ref.uscc, ref.customs_code):
        if key in created:
            return created[key]
    raise ValidationError(f"第 {row.first_row} 行：无法确定企业（{ref.name}）")


def _record_rows(
    result: ImportResult[CustomsRow],
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
    result: ImportResult[CustomsRow],
    actor: User | None,
    batch: ImportBatch | None,
    source: str,
    replace_period: bool,
    progress: Progress = _noop,
) -> CommitSummary:
    """Write a parse result: pending enterprises, upserted records, rebuilt rollups. One
    transaction; a row whose key already exists is replaced, never added to. Records go in
    below the ORM (trade/bulk.py): at a million rows, model instances cost more than the
    database does. Inside a caller's transaction it joins it without a savepoint (SQLite's
    sub-journal, decision 0005's amendment)."""
    with transaction.atomic(savepoint=False):
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
    result: ImportResult[CustomsRow],
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
