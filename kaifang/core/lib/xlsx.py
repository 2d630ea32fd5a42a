"""The one .xlsx writer of the project (openpyxl, write-only): every list export, the import
error report and the supervision ledger go through `table_xlsx`. Pure: headers and rows in,
bytes out.

Every text cell passes `_cell`, which keeps Excel from evaluating user text (OWASP's
CSV/formula-injection rule): a string beginning with = + - @ or a tab/CR is written as a
string cell with Excel's quote prefix (the stored form of a typed leading apostrophe), so
`=HYPERLINK(...)` shows as the text it is and stays text when someone edits the cell. openpyxl
by itself turns any string beginning with "=" into a formula. Control characters Excel refuses
are dropped instead of failing the export.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

__all__ = ["HEADER_FILL", "Cell", "Styled", "formula_like", "table_xlsx"]

Cell = str | int | float | Decimal | dt.date | dt.datetime | None
HEADER_FILL = "E8F0FB"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = {i: None for i in range(32) if i not in (9, 10, 13)}  # control chars Excel refuses
_NOT_IN_SHEET_NAMES = {ord(c): "_" for c in "[]:*?/\\"} | _ILLEGAL
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Styled:
    """A cell value with a background colour (RRGGBB), for cells a reader should notice."""

    value: Cell
    fill: str = ""


def formula_like(text: str) -> bool:
    """Whether Excel (or another spreadsheet) could read the text as a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def table_xlsx(
    *,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell | Styled]],
    widths: Sequence[int] | None = None,
    subtitle: str = "",
    sheet_title: str = "",
    header_fill: str | None = HEADER_FILL,
    merge_title: bool = False,
    wrap: bool = False,
) -> bytes:
    """One sheet: a title row (none when `title` is empty), an optional subtitle, a bold header
    row (frozen), then the rows. `merge_title` spans the title over the header's width;
    `wrap` wraps long text in the data rows, aligned to the top."""
    workbook = Workbook(write_only=True)
    name = (sheet_title or title).translate(_NOT_IN_SHEET_NAMES).strip("'")[:31]
    sheet = workbook.create_sheet(title=name or "Sheet1")
    for index, width in enumerate(widths or [18] * len(headers), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_row = 1 + bool(title) + bool(subtitle)
    sheet.freeze_panes = f"A{header_row + 1}"
    if title:
        sheet.append([_cell(sheet, title, font=Font(bold=True, size=14))])
        if merge_title and len(headers) > 1:
            sheet.merged_cells.add(f"A1:{get_column_letter(len(headers))}1")
    if subtitle:
        sheet.append([_cell(sheet, subtitle)])
    fill = PatternFill("solid", fgColor=header_fill) if header_fill else None
    center = Alignment(horizontal="center")
    sheet.append([_cell(sheet, h, font=_BOLD, fill=fill, alignment=center) for h in headers])
    alignment = _WRAP if wrap else None
    fills: dict[str, PatternFill] = {}
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, Styled):
                colour = value.fill
                cell_fill = fills.setdefault(colour, PatternFill("solid", fgColor=colour))
                cells.append(_cell(sheet, value.value, fill=cell_fill, alignment=alignment))
            elif alignment is None:
                cells.append(_plain(sheet, value))
            else:
                cells.append(_cell(sheet, value, alignment=alignment))
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _plain(sheet: Any, value: Cell) -> Any:
    """An unstyled data cell: the bare value where openpyxl writes it as it is (it then reuses
    one cell object for the row, about twice as fast as a cell of our own per value), the
    cell of `_cell` where the value needs one (text read as a formula, a zoned datetime)."""
    if isinstance(value, str):
        value = value.translate(_ILLEGAL)
        return _cell(sheet, value) if formula_like(value) else value
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def _cell(
    sheet: Any,
    value: Cell,
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
    alignment: Alignment | None = None,
) -> Any:
    """A write-only cell of a plain value; the one place text becomes a cell."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    elif isinstance(value, str):
        value = value.translate(_ILLEGAL)
    cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]  # dates and decimals too
    if isinstance(value, str) and formula_like(value):
        cell.data_type = "s"  # openpyxl made "=…" a formula: keep it text
        cell.quotePrefix = True
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    return cell
