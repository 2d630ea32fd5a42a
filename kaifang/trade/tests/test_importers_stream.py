"""The chunked parse reports and writes exactly what one pass of parse_customs does."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest

from kaifang.trade.bulk import COLUMNS
from kaifang.trade.importers.customs import CustomsRow, parse_customs
from kaifang.trade.importers.headers import detect_mapping
from kaifang.trade.importers.result import ImportResult
from kaifang.trade.importers.stream import MODE_WIDTH, StreamEnd, WriteChunk, stream_customs
from kaifang.trade.importers.tabular import read_table
from kaifang.trade.tests.helpers import BAD_USCC, USCC_A, USCC_B, USCC_NEW, csv_bytes, lookups

HEADER = [
    "数据年月",
    "统一社会信用代码",
    "企业名称",
    "商品编码",
    "贸易伙伴编码",
    "贸易方式",
    "第一数量",
    "第一计量单位",
    "美元",
    "人民币",
]
ROWS: list[list[object]] = [
    ["202509", USCC_A, "甲", "85171200", "502", "10", "2", "台", "100.10", "710.5"],
    ["202509", USCC_B, "乙", "85171200", "116", "一般贸易", "", "", "50", ""],
    ["202510", USCC_NEW, "新企业", "8517.12.00", "美国", "进料加工贸易", "1", "台", "7", "49"],
    ["202509", BAD_USCC, "坏", "85171200", "502", "10", "1", "台", "1", "7"],
    # the first key again, further down: summed, not written twice
    ["202509", USCC_A, "甲", "85171200", "502", "10", "3", "千克", "0.90", "?"],
    ["202511", USCC_A, "甲", "85171200", "999", "10", "1", "台", "1", "7"],
    ["202510", USCC_NEW, "新企业", "85171200", "502", "9999", "", "", "3", "21"],
    ["202510", USCC_NEW, "新企业", "85171200", "116", "9999", "", "", "4", "28"],
    ["202509", USCC_B, "乙", "85171200", "116", "10", "", "", "5", "35.5"],
    ["202510", USCC_NEW, "新企业", "85171200", "502", "9999", "", "", "1", "1"],
]


def _table() -> Any:
    return read_table(csv_bytes([HEADER, *ROWS]), "f.csv")


def _one_pass() -> ImportResult[CustomsRow]:
    table = _table()
    return parse_customs(table, detect_mapping(table.header), lookups=lookups(), file_flow="export")


def _streamed(chunk_rows: int) -> tuple[list[WriteChunk], StreamEnd]:
    table = _table()
    items = list(
        stream_customs(
            table,
            detect_mapping(table.header),
            lookups=lookups(),
            file_flow="export",
            source="customs",
            batch_id=7,
            chunk_rows=chunk_rows,
        )
    )
    end = items.pop()
    assert isinstance(end, StreamEnd)
    assert all(isinstance(item, WriteChunk) for item in items)
    return items, end  # type: ignore[return-value]


def _records_of(result: ImportResult[CustomsRow]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    out = {}
    for row in result.rows:
        ref = row.enterprise
        slot = ref.enterprise_id if ref.enterprise_id is not None else ref.key
        key = (slot, row.period.isoformat(), row.flow, row.hs_code, row.partner_code)
        key += (row.trade_mode_code[:MODE_WIDTH],)
        out[key] = (row.qty1, row.value_usd, row.value_cny)
    return out


def _records_streamed(chunks: list[WriteChunk], end: StreamEnd) -> dict[tuple[Any, ...], Any]:
    written: dict[tuple[Any, ...], list[Decimal | None]] = {}
    for chunk in chunks:
        for record in chunk.rows + chunk.pending:
            assert len(record) == len(COLUMNS)
            assert record[-2:] == ("customs", 7)
            key = record[:6]
            assert key not in written, "a key is written once; later amounts come as additions"
            written[key] = [None if v is None else Decimal(v) for v in (record[6], *record[10:12])]
    for late in end.late:
        values = written[late[:6]]
        for i, add in enumerate((late[6], late[8], late[9])):
            if add is not None:
                values[i] = Decimal(add) + (values[i] or 0)
    return {key: tuple(v) for key, v in written.items()}


@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 4, 100])
def test_chunks_report_and_write_what_one_pass_does(chunk_rows: int) -> None:
    whole = _one_pass()
    chunks, end = _streamed(chunk_rows)
    result = end.result
    assert (
        (result.rows_read, result.rows_imported, result.rows_rejected)
        == (
            whole.rows_read,
            whole.rows_imported,
            whole.rows_rejected,
        )
        == (10, 8, 2)
    )
    assert result.summary() == whole.summary()  # totals and every error, in file order
    assert result.periods == whole.periods
    assert [(n.uscc, n.first_row) for n in result.new_enterprises] == [
        (n.uscc, n.first_row) for n in whole.new_enterprises
    ]
    assert sorted(tuple(w.as_dict().values()) for w in result.warnings) == sorted(
        tuple(w.as_dict().values()) for w in whole.warnings
    )
    assert _records_streamed(chunks, end) == _records_of(whole)
    assert [p for c in chunks for p in c.new_periods] == sorted(whole.periods)


def test_a_key_split_across_chunks_is_added_not_replaced() -> None:
    chunks, end = _streamed(chunk_rows=2)
    first_key = next(r[:6] for c in chunks for r in c.rows if r[0] == 1 and r[1] == "2025-09-01")
    (late,) = [r for r in end.late if r[:6] == first_key]
    assert (late[6], late[8], late[9]) == ("3", "0.90", None)  # qty, usd, no cny ("?")
    mismatch = [w for w in end.result.warnings if "计量单位不同" in w.message]
    assert [w.row for w in mismatch] == [6]


def test_new_enterprises_are_named_by_identifier_until_created() -> None:
    chunks, _end = _streamed(chunk_rows=3)
    pending = [r for c in chunks for r in c.pending]
    assert {r[0] for r in pending} == {("uscc", USCC_NEW)}
    announced = [n.uscc for c in chunks for n in c.new_enterprises]
    assert USCC_NEW in announced
    assert all(isinstance(r[0], int) for c in chunks for r in c.rows)


def test_progress_counts_rows_read() -> None:
    chunks, _end = _streamed(chunk_rows=10)
    assert [c.lines_read for c in chunks] == [2, 10]  # a small first chunk, then 10 at a time


def test_unknown_mode_is_warned_once_for_the_whole_file() -> None:
    _chunks, end = _streamed(chunk_rows=1)
    unknown = [w for w in end.result.warnings if w.message.startswith("未知的贸易方式")]
    assert len(unknown) == 1


def test_group_sums_equal_one_pass_totals() -> None:
    chunks, end = _streamed(chunk_rows=2)
    per_flow: dict[str, Decimal] = defaultdict(Decimal)
    for key, (_qty, usd, _cny) in _records_streamed(chunks, end).items():
        per_flow[key[2]] += usd or 0
    assert per_flow["export"] == end.result.totals["export"].usd
