"""Write a plain table to an .xlsx file (openpyxl, write-only): the shape every list export
shares. Pure: takes headers and rows, returns bytes."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

Cell = str | int | float | Decimal | dt.date | dt.datetime | None


def table_xlsx(
    *,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    widths: Sequence[int] | None = None,
    subtitle: str = "",
) -> bytes:
    """One sheet: a title row, an optional subtitle, a bold header row, then the rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet1")
    for index, width in enumerate(widths or [18] * len(headers), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3" if not subtitle else "A4"
    title_cell = WriteOnlyCell(sheet, value=title)
    title_cell.font = Font(bold=True, size=14)
    sheet.append([title_cell])
    if subtitle:
        sheet.append([subtitle])
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8F0FB")
        cell.alignment = Alignment(horizontal="center")
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_value(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _value(value: Cell) -> Cell:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value
