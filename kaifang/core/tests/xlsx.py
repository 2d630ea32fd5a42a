"""Reading an exported workbook back: where a formula-like text landed and how it was stored."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

EVIL = '=HYPERLINK("http://x","点我")'


def cells_with(content: bytes, value: str) -> list[Any]:
    """Every cell (all sheets) whose stored value is `value`."""
    book = load_workbook(io.BytesIO(content))
    return [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value == value
    ]


def assert_stored_as_text(content: bytes, value: str = EVIL) -> None:
    """The value is in the file, as a string cell with Excel's quote prefix: never a formula."""
    cells = cells_with(content, value)
    assert cells, f"{value!r} is not in the workbook"
    for cell in cells:
        assert cell.data_type == "s", f"{cell.coordinate} is stored as {cell.data_type!r}"
        assert cell.quotePrefix, f"{cell.coordinate} has no quote prefix"
