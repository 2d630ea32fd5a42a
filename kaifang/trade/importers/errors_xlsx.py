"""The error report: rejected rows with their original cells and an 错误原因 column (xlsx)."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from kaifang.trade.importers.common import Cell, RowError

__all__ = ["error_report_xlsx"]

_ILLEGAL = {i: None for i in range(32) if i not in (9, 10, 13)}  # control chars Excel refuses


def _cell_value(value: Cell) -> str | float | datetime | None:
    """A value openpyxl writes as is: text without control characters, numbers, datetimes."""
    if isinstance(value, str):
        return value.translate(_ILLEGAL)
    if isinstance(value, Decimal):
        return float(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)  # noqa: DTZ001 - a calendar date
    return value


def error_report_xlsx(
    table_header: Sequence[str],
    rows_with_errors: Iterable[tuple[int, Sequence[Cell]]],
    errors: Iterable[RowError] = (),
    *,
    sheet_title: str = "错误行",
) -> bytes:
    """An xlsx of the rejected rows: 原行号, the original columns, then 错误原因.

    ``rows_with_errors`` are (row number, original cells) as ``ParseResult.rejected_rows``;
    ``errors`` are joined to them by row number (several reasons of a row in one cell).
    """
    reasons: dict[int, list[str]] = defaultdict(list)
    for error in errors:
        text = f"{error.column}：{error.reason}" if error.column else error.reason
        if error.value:
            text += f"（{error.value}）"
        reasons[error.row].append(text)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    red = PatternFill("solid", fgColor="FFF2CC")
    header_cells = []
    for text in ["原行号", *table_header, "错误原因"]:
        cell = WriteOnlyCell(sheet, value=_cell_value(text))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    width = len(table_header)
    for number, cells in rows_with_errors:
        values = [_cell_value(c) for c in list(cells)[:width]]
        values += [None] * (width - len(values))
        reason = WriteOnlyCell(sheet, value=_cell_value("；".join(reasons.get(number, []))))
        reason.fill = red
        sheet.append([number, *values, reason])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
