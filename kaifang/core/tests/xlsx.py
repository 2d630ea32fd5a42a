"""Workbooks for tests: reading an exported one back (where a formula-like text landed and how
it was stored), and writing the layouts importers must see through."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook, load_workbook

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


def behind_a_hidden_sheet_and_a_cover(rows: list[list[object]]) -> bytes:
    """A hidden lookup sheet, then a cover page, then the data: the first sheet was read."""
    book = Workbook()
    hidden = book.active
    assert hidden is not None
    hidden.title = "参数"
    hidden.append(["代码", "名称"])
    hidden.sheet_state = "hidden"
    cover = book.create_sheet("封面")
    for line in (["2026年数据报送"], ["编制单位：示范市商务局"]):
        cover.append(line)
    data = book.create_sheet("数据")
    for row in rows:
        data.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
