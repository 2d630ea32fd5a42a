"""The error report: rejected rows with their original cells and an 错误原因 column (xlsx)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from kaifang.core.lib.xlsx import Styled, table_xlsx
from kaifang.trade.importers.common import Cell, RowError

__all__ = ["error_report_xlsx"]


def _cell_value(value: Cell) -> str | float | datetime | None:
    """A value the sheet shows as the file had it: decimals keep their digits, dates are dates."""
    if isinstance(value, Decimal):
        return float(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)  # noqa: DTZ001 - a calendar date
    return value


def error_report_xlsx(
    table_header: Sequence[str],
    rows_with_errors: Iterable[tuple[int, Sequence[Cell], str]],
    errors: Iterable[RowError] = (),
    *,
    sheet_title: str = "错误行",
) -> bytes:
    """An xlsx of the rejected rows: 原行号, the original columns, then 错误原因; a 工作表
    column first when the rows come from several sheets of a workbook.

    ``rows_with_errors`` are (row number, original cells, sheet) as
    ``ImportResult.rejected_rows``; ``errors`` are joined to them by sheet and row number
    (several reasons of a row in one cell).
    """
    reasons: dict[tuple[str, int], list[str]] = defaultdict(list)
    for error in errors:
        text = f"{error.column}：{error.reason}" if error.column else error.reason
        if error.value:
            text += f"（{error.value}）"
        reasons[(error.sheet, error.row)].append(text)
    width = len(table_header)
    listed = list(rows_with_errors)
    by_sheet = any(sheet for _n, _c, sheet in listed)
    rows = []
    for number, cells, sheet in listed:
        values = [_cell_value(c) for c in list(cells)[:width]]
        values += [None] * (width - len(values))
        reason = Styled("；".join(reasons.get((sheet, number), [])), fill="FFF2CC")
        rows.append([*([sheet] if by_sheet else []), number, *values, reason])
    return table_xlsx(
        title="",
        sheet_title=sheet_title,
        headers=[*(["工作表"] if by_sheet else []), "原行号", *table_header, "错误原因"],
        rows=rows,
        header_fill=None,
    )
