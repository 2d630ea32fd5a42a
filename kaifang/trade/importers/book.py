"""Every data sheet of a workbook: one sheet 出口 and one 进口, one sheet per month (1月, 2月 …),
or a table continued on a second sheet past the 65,536 rows an xls holds.

``read_book`` reads each visible worksheet whose first rows hold a header; hidden sheets, cover
and notes pages are passed over, and so is a sheet named as a summary (汇总, 合计 …) when
others hold the data, since its figures are the others' sum. The sheets must hold the same
columns, in any order and under any name the header map knows for them (``layouts``); where
they do not, the reason names the sheets and the columns rather than guess which column of one
is which of the other.

Only one sheet is in memory at a time: of a sheet after the first, only the first rows are read
for its header (``tabular.read_header``); the whole sheet is parsed once, when the import
reaches its rows. A csv is a book of one table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from kaifang.trade.importers.headers import Kind, detect_mapping
from kaifang.trade.importers.layouts import SheetLayout, match_layout
from kaifang.trade.importers.tabular import (
    EmptyTableError,
    Row,
    SheetNotFoundError,
    Table,
    TableError,
    read_header,
    read_table,
)

__all__ = ["Book", "read_book", "split_sheet_names"]

_SUMMARY_SHEET = re.compile(r"汇总|合计|总计|小计|累计")


@dataclass(slots=True)
class Book:
    """The tables an import reads, in file order, and why other sheets were not read."""

    tables: list[Table]
    skipped: list[str] = field(default_factory=list)  # 「封面」（没有表头）…

    @property
    def first(self) -> Table:
        return self.tables[0]

    @property
    def sheet_names(self) -> list[str]:
        """The sheets read (empty for a csv)."""
        return [t.sheet for t in self.tables if t.sheet is not None]

    @property
    def several(self) -> bool:
        return len(self.tables) > 1


def split_sheet_names(text: str) -> list[str]:
    """Sheet names a user typed, separated by commas, 顿号 or semicolons."""
    return [part.strip() for part in re.split(r"[,，、;；]", text) if part.strip()]


def _rows_later(data: bytes, filename: str, header: Table, kind: Kind | None) -> Iterator[Row]:
    """A sheet's rows, read when the import reaches them."""
    sheet = header.sheet or ""
    table = read_table(data, filename, sheet=sheet, kind=kind, checked=header.checked)
    if (table.header, table.header_row) != (header.header, header.header_row):
        # the header was read from the sheet's first rows (``peek``); never seen to differ
        raise TableError(
            f"工作表「{sheet}」的表头两次读取结果不同（第 {header.header_row} 行与第 "
            f"{table.header_row} 行）：请用 Excel 打开并另存为 .xlsx 后再导入"
        )
    yield from table.rows


def _sheet(data: bytes, filename: str, sheet: str, kind: Kind | None) -> Table:
    """A sheet's header now, from its first rows; its rows when the import reaches them."""
    table = read_header(data, filename, sheet=sheet, kind=kind)
    table.rows = _rows_later(data, filename, table, kind)
    return table


def _is_detail(table: Table, kind: Kind | None) -> bool:
    """Whether a sheet's columns can be the kind's records: an enterprise column and, but for
    enterprise lists, an amount. A summary by country or product (贸易伙伴名称, 美元) is not."""
    if kind is None:
        return True
    mapping = detect_mapping(table.header, kind=kind)
    named = any(f in mapping.columns for f in ("uscc", "customs_code", "name"))
    return named and (kind == "enterprise_list" or bool(mapping.value_fields()))


def _match_layouts(tables: Sequence[Table], kind: Kind | None) -> None:
    """Give each later sheet whose header says the first one's in another order or words its
    ``layout``; TableError naming both sheets and the columns where they really differ."""
    first = tables[0]
    for table in tables[1:]:
        found = match_layout(first.header, table.header, kind or "customs")
        if found is None:
            continue
        if isinstance(found, SheetLayout):
            table.layout, table.first_sheet = found, first.sheet or ""
            continue
        detail = "；".join(
            part
            for part in (
                f"没有「{first.sheet}」的列“{'”“'.join(found.missing)}”" if found.missing else "",
                f"多出列“{'”“'.join(found.extra)}”" if found.extra else "",
            )
            if part
        )
        raise TableError(
            f"工作表「{table.sheet}」的表头与「{first.sheet}」不同（{detail}）：请把各工作表的"
            "表头改成一样，或只选择其中一个工作表导入（网页上填写“工作表”，命令行用 --sheet）"
        )


def read_book(
    data: bytes, filename: str, *, sheets: Sequence[str] = (), kind: Kind | None = None
) -> Book:
    """The data sheets of a file (``sheets``: only these, by name, in the order given)."""
    if sheets:
        chosen = list(dict.fromkeys(sheets))
        tables = [read_table(data, filename, sheet=chosen[0], kind=kind)]
        if tables[0].sheet is None:
            raise SheetNotFoundError("CSV 文件没有工作表：请不要填写工作表名称")
        tables += [_sheet(data, filename, name, kind) for name in chosen[1:]]
        _match_layouts(tables, kind)
        return Book(tables, [f"「{n}」（未选择）" for n in tables[0].sheets if n not in chosen])
    first = read_table(data, filename, kind=kind)
    if first.sheet is None or not first.found_header or first.sheet not in first.visible_sheets:
        return Book([first])  # a csv, a sheet without a header, or no visible sheet at all
    tables = [first]
    skipped: list[str] = []
    summaries: list[Table] = []
    after = first.visible_sheets[first.visible_sheets.index(first.sheet) + 1 :]
    for name in first.sheets:
        if name in first.chart_sheets:
            skipped.append(f"「{name}」（图表工作表）")
        elif name not in first.visible_sheets:
            skipped.append(f"「{name}」（隐藏）")
        elif name in after:
            try:
                table = _sheet(data, filename, name, kind)
            except EmptyTableError:
                skipped.append(f"「{name}」（空白）")
                continue
            if not table.found_header:
                skipped.append(f"「{name}」（没有表头）")
            elif _SUMMARY_SHEET.search(name):
                summaries.append(table)
            else:
                tables.append(table)
        elif name != first.sheet:
            skipped.append(f"「{name}」（没有表头）")
    if _SUMMARY_SHEET.search(first.sheet) and len(tables) > 1:
        summaries.insert(0, tables.pop(0))
    skipped += [f"「{t.sheet}」（汇总表，其数据即其他工作表之和）" for t in summaries]
    details = [t for t in tables if _is_detail(t, kind)]
    if details and len(details) < len(tables):
        skipped += [
            f"「{t.sheet}」（没有企业列或金额列，不是明细表）"
            for t in tables
            if all(t is not d for d in details)
        ]
        tables = details
    _match_layouts(tables, kind)
    return Book(tables, skipped)
