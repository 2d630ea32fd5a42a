"""Commit a customs table while it is being parsed: the parse runs in a forked child
(``kaifang.core.lib.forked``), the records go in chunk by chunk as they arrive.

Why: at a million rows, parsing (Python) and writing (the database) each take seconds; done one
after the other they missed the import target, done side by side they use both cores. The
result is the same as ``parse_customs`` followed by ``import_commit_result``, which stays the
path for the rare file where two identifiers turn out to be one new enterprise (a customs code
on some rows, the credit code on others): there the rows must be summed across identifiers, so
the import rolls its transaction back and runs in one piece.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import transaction

from kaifang.core.lib.forked import iterate_forked
from kaifang.core.models import User
from kaifang.trade.actions.commit import (
    CommitSummary,
    Progress,
    _noop,
    import_commit_result,
    record_commit,
)
from kaifang.trade.actions.pending import create_pending_enterprises, ref_keys
from kaifang.trade.bulk import add_to_rows, bulk_cache, upsert_rows
from kaifang.trade.dimensions import ENTERPRISE_DIMENSIONS
from kaifang.trade.importers.common import Flow, Lookups, NewEnterprise
from kaifang.trade.importers.customs import CustomsRow, parse_customs
from kaifang.trade.importers.headers import HeaderMapping
from kaifang.trade.importers.result import ImportResult
from kaifang.trade.importers.stream import Record, StreamEnd, stream_customs
from kaifang.trade.importers.tabular import Table
from kaifang.trade.models import CustomsRecord, ImportBatch
from kaifang.trade.rollups import rebuild_rollups
from kaifang.trade.selectors.imports import scope_attributes

CHUNK_ROWS = 50_000


class _NeedsMerge(Exception):
    """Two identifiers of the file are one enterprise: rows must be summed across them."""


def _primary_key(new: NewEnterprise) -> tuple[str, str]:
    return ("uscc", new.uscc) if new.uscc else ("customs_code", new.customs_code)


class _Enterprises:
    """Pending enterprises created as their identifiers arrive, and the ids rows get."""

    def __init__(self, lookups: Lookups, *, actor: User | None, batch: ImportBatch | None) -> None:
        self.known_ids = {
            *lookups.enterprises_by_uscc.values(),
            *lookups.enterprises_by_customs_code.values(),
            *lookups.enterprises_by_name.values(),
        }
        self.actor, self.batch = actor, batch
        self.ids: dict[tuple[str, str], int] = {}
        self.owner: dict[int, tuple[str, str]] = {}
        self.seen: dict[tuple[str, str], NewEnterprise] = {}

    def add(self, items: list[NewEnterprise]) -> None:
        fresh = []
        for item in items:
            key = _primary_key(item)
            before = self.seen.get(key)
            if before is not None:
                if (item.customs_code and not before.customs_code) or (
                    item.name and not before.name
                ):
                    raise _NeedsMerge  # a later row completes an enterprise already created
                continue
            self.seen[key] = item
            fresh.append(item)
        if not fresh:
            return
        created = create_pending_enterprises(fresh, actor=self.actor, batch=self.batch)
        for item in fresh:
            key = _primary_key(item)
            for ref_key in ref_keys(item.uscc, item.customs_code):
                enterprise_id = created[ref_key]
                if enterprise_id in self.known_ids:
                    raise _NeedsMerge  # the register knew it under another identifier
                if self.owner.setdefault(enterprise_id, key) != key:
                    raise _NeedsMerge  # two identifiers of the file, one new enterprise
                self.ids[ref_key] = enterprise_id

    def rows(self, records: list[Record]) -> list[Record]:
        ids = self.ids
        return [(ids[r[0]], *r[1:]) for r in records]

    def stage_rows(self, rows: list[Record]) -> list[Record]:
        """Stage rows with the enterprise id first, whether known or created by this import."""
        ids = self.ids
        return [r if r[0].__class__ is int else (ids[r[0]], *r[1:]) for r in rows]

    def rollup_keys(self, rows: list[Record]) -> list[Record]:
        """City-wide rollup rows with the enterprise rollup's key as the id in text."""
        ids = self.ids
        return [
            (r[0], str(r[1] if r[1].__class__ is int else ids[r[1]]), *r[2:])
            if r[0] in ENTERPRISE_DIMENSIONS
            else r
            for r in rows
        ]


def import_customs_table(
    *,
    table: Table | Sequence[Table],
    reread: Callable[[], Table | Sequence[Table]],
    mapping: HeaderMapping,
    lookups: Lookups,
    file_flow: Flow | None,
    actor: User | None,
    batch: ImportBatch | None,
    source: str,
    replace_period: bool,
    progress: Progress = _noop,
    expected_rows: int | None = None,
    fork: bool = True,
    chunk_rows: int = CHUNK_ROWS,
) -> tuple[ImportResult[CustomsRow], CommitSummary]:
    """Parse and commit ``table`` in one transaction (two when it falls back to one piece: the
    first rolled back whole); returns the file's report (its ``rows`` left empty) and what was
    written. ``reread`` gives the table afresh for the one-piece path.
    """
    # No savepoint for the fallback below: inside one, SQLite copies every page the import
    # changes to a sub-journal first (decision 0005's amendment). The page cache is set outside
    # the transaction: after a failure inside it, Django refuses any query until the rollback.
    try:
        with bulk_cache(), transaction.atomic():
            return _stream(
                table=table,
                mapping=mapping,
                lookups=lookups,
                file_flow=file_flow,
                actor=actor,
                batch=batch,
                source=source,
                replace_period=replace_period,
                progress=progress,
                expected_rows=expected_rows,
                fork=fork,
                chunk_rows=chunk_rows,
            )
    except _NeedsMerge:
        pass
    # import_commit_result joins this transaction (no savepoint); the progress inside it, so a
    # job's live progress moves back from the abandoned attempt's at once.
    with bulk_cache(), transaction.atomic():
        progress(5, "同一企业有多个标识，合并后导入")
        result = parse_customs(reread(), mapping, lookups=lookups, file_flow=file_flow)
        summary = import_commit_result(
            result=result,
            actor=actor,
            batch=batch,
            source=source,
            replace_period=replace_period,
            progress=progress,
        )
    return result, summary


def _stream(
    *,
    table: Table | Sequence[Table],
    mapping: HeaderMapping,
    lookups: Lookups,
    file_flow: Flow | None,
    actor: User | None,
    batch: ImportBatch | None,
    source: str,
    replace_period: bool,
    progress: Progress,
    expected_rows: int | None,
    fork: bool,
    chunk_rows: int,
) -> tuple[ImportResult[CustomsRow], CommitSummary]:
    enterprises = _Enterprises(lookups, actor=actor, batch=batch)
    batch_id = batch.pk if batch else None
    replaced = written = 0
    # While every month of the file held no facts before it, the file's own sums (made by the
    # child while parsing) are the months' rollups: the facts need no re-reading.
    fresh_months = True
    end: StreamEnd | None = None
    attributes = scope_attributes()  # read here: the child never touches the database
    items = iterate_forked(
        lambda: stream_customs(
            table,
            mapping,
            lookups=lookups,
            file_flow=file_flow,
            source=source,
            batch_id=batch_id,
            chunk_rows=chunk_rows,
            attributes=attributes,
        ),
        enabled=fork,
    )
    progress(5, "读取并写入数据")
    for item in items:
        if isinstance(item, StreamEnd):
            end = item
            continue
        if replace_period and item.new_periods:
            deleted, _ = CustomsRecord.objects.filter(
                source=source, period__in=item.new_periods
            ).delete()
            replaced += deleted
        if fresh_months and item.new_periods:
            fresh_months = not CustomsRecord.objects.filter(period__in=item.new_periods).exists()
        enterprises.add(item.new_enterprises)
        rows = item.rows + enterprises.rows(item.pending) if item.pending else item.rows
        upsert_rows(rows, new_keys=fresh_months)
        written += len(rows)
        share = item.lines_read / expected_rows if expected_rows else 1 - 0.8 ** (written / 50_000)
        progress(5 + int(75 * min(share, 1)), f"已读取 {item.lines_read} 行，写入 {written} 条")
    if end is None:  # pragma: no cover - iterate_forked raises when the child stops short
        raise RuntimeError("解析未完成")
    result = end.result
    if end.late:
        pending = [r for r in end.late if r[0].__class__ is not int]
        known = [r for r in end.late if r[0].__class__ is int]
        add_to_rows(known + enterprises.rows(pending))
    progress(85, "更新汇总数据")
    given = None
    if fresh_months and end.rollups is not None:
        city, pairs, officers, stages, places, triple, codes, officer_codes = end.rollups
        given = (
            enterprises.rollup_keys(city),
            pairs,
            officers,
            [enterprises.stage_rows(rows) for rows in stages],
            places,
            triple,
            codes,
            officer_codes,
        )
    rebuild_rollups(result.periods, given=given)
    summary = record_commit(
        result=result,
        actor=actor,
        batch=batch,
        rows_written=written,
        enterprises_created=len(set(enterprises.ids.values())),
        replace_period=replace_period,
        replaced=replaced,
    )
    return result, summary
