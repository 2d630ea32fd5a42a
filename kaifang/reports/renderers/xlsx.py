"""Excel tables: a title row, a bold frozen header, the rows; plain data in, bytes out."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

Cell = str | int | float | dt.date | None


def render_table(
    *,
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    sheet: str = "Sheet1",
    widths: Sequence[int] = (),
) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None  # noqa: S101 (a new workbook always has a sheet)
    ws.title = sheet[:31]
    ws.append([title])
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    if columns:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    ws.append(list(columns))
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for values in rows:
        ws.append(list(values))
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A3"
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
