"""Read xlsx, xls and csv files into a header row and a stream of numbered rows.

``read_table`` never builds a list of the rows: ``Table.rows`` is an iterator, so a csv of a
million lines is read one line at a time. Row numbers are those a person sees in Excel or a text
editor (the first line of the file is row 1), so errors can point at them.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import html
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain, islice
from typing import Any

from kaifang.trade.importers.common import Cell, cell_text
from kaifang.trade.importers.headers import Kind, header_score
from kaifang.trade.importers.layouts import SheetLayout
from kaifang.trade.importers.peek import peek_rows

__all__ = [
    "EmptyTableError",
    "Row",
    "SheetNotFoundError",
    "Table",
    "TableError",
    "data_sheet",
    "fill_merged",
    "read_header",
    "read_table",
    "uncached_formula_message",
]

Row = tuple[int, list[Cell]]

# A header row is the first row (within the first few) with at least this many known headers.
_MIN_HEADER_MATCHES = 2
_HEADER_SEARCH_ROWS = 10
_SAMPLE_BYTES = 1 << 16


class TableError(ValueError):
    """The file cannot be read as a table; ``reason`` is Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SheetNotFoundError(TableError):
    """The file has no sheet of the name (or number) asked for."""


class EmptyTableError(TableError):
    """The file or sheet holds no row with any text."""


@dataclass(slots=True)
class Table:
    """A header row and an iterator of (row number, cells) for the rows below it.

    ``title_rows`` are the texts of rows above the header (``2025年9月示范市进出口企业数据``),
    which may name the period or flow of the whole file.
    """

    header: list[str]
    rows: Iterator[Row]
    header_row: int = 1
    title_rows: list[str] = field(default_factory=list)
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    # the visible worksheets, in order (hidden ones and chart sheets left out)
    visible_sheets: list[str] = field(default_factory=list)
    chart_sheets: list[str] = field(default_factory=list)  # sheets holding only a chart
    found_header: bool = True  # False: no row looked like a header, the first row was taken
    filename: str = ""
    # cells merged down several rows: (first row, last row, column), row numbers as ``rows``
    # gives them; only the first row holds the value (calamine-read xlsx and xls)
    merged: list[tuple[int, int, int]] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    file_format: str = "csv"
    # a later sheet of a workbook whose columns are the first sheet's in another order or
    # other words: where it holds each of them (``read_book``)
    layout: SheetLayout | None = None
    first_sheet: str = ""
    # the header came from the sheet's first rows, its XML checked for error cells and
    # formulas without results (``read_header``)
    checked: bool = False

    def __iter__(self) -> Iterator[Row]:
        return self.rows


def _trim(cells: Sequence[Cell]) -> list[Cell]:
    """Drop trailing empty cells (a csv line ending in a comma, Excel's ragged rows)."""
    end = len(cells)
    while end and (cells[end - 1] is None or cells[end - 1] == ""):
        end -= 1
    return list(cells[:end])


# A cell that only data holds: a number, a date or period (2025-09), a code (a credit code).
_DATA_CELL = re.compile(r"^[\d.,\-/:\s]+$|^[0-9A-Z]{15,20}$")


def _two_level_header(top: list[Cell], below: list[Cell], kind: Kind | None) -> list[str] | None:
    """The header of a two-row header (出口 merged over 金额(万美元) | 金额(万元)), or None when
    ``below`` is not its second row.

    The second row holds only header texts (no number, period or code), at least two of them
    known. A parent cell spans the blank cells to its right (a merged cell); each column is
    ``parent + child`` when that is a known header (出口金额(万美元) → export_usd ×10,000), else
    the child alone when that is (企业信息 over 企业名称), else both.
    """
    texts = [cell_text(c) for c in below]
    filled = [(c, t) for c, t in zip(below, texts, strict=True) if t]
    if len(filled) < 2 or any(not isinstance(c, str) or _DATA_CELL.match(t) for c, t in filled):
        return None
    if header_score(below, kind) < _MIN_HEADER_MATCHES:
        return None
    parents = [cell_text(c) for c in top]
    width = max(len(parents), len(texts))
    parents += [""] * (width - len(parents))
    texts += [""] * (width - len(texts))
    header: list[str] = []
    carried = ""
    for parent, child in zip(parents, texts, strict=True):
        if parent:
            carried = parent
        elif not child:
            carried = ""  # a blank column ends the merged parent
        parent = parent or (carried if child else "")
        if not child or not parent:
            header.append(parent or child)
            continue
        joined = parent + child
        if header_score([joined], kind) or not header_score([child], kind):
            header.append(joined)
        else:
            header.append(child)
    while header and not header[-1]:
        header.pop()
    return header


def _has_header(rows: Iterable[Sequence[Any]], kind: Kind | None) -> bool:
    """Whether one of the first rows is a header row (a cover or notes sheet has none)."""
    return any(
        header_score(list(cells), kind) >= _MIN_HEADER_MATCHES
        for cells in islice(rows, _HEADER_SEARCH_ROWS)
    )


def data_sheet(book: Any, has_header: Callable[[list[Any]], bool]) -> Any:
    """The worksheet of an openpyxl workbook an importer reads: the first visible one with a
    header row (``has_header``) among its first ten rows, else the first visible one. A
    hidden lookup sheet or a cover page in front of the data is passed over."""
    sheets = list(book.worksheets)
    visible = [ws for ws in sheets if getattr(ws, "sheet_state", "visible") == "visible"]
    for ws in visible:
        rows = ws.iter_rows(max_row=_HEADER_SEARCH_ROWS, values_only=True)
        if any(has_header(list(cells)) for cells in rows):
            return ws
    return (visible or sheets)[0]


def _find_header(
    rows: Iterator[Row], kind: Kind | None
) -> tuple[int, list[str], list[str], list[Row], bool]:
    """Look for the header in the first rows; returns (row no, header, titles, rows to replay,
    whether a header was recognised).

    A header of two rows (出口 / 进口 merged over 金额(万美元) / 金额(万元)) becomes one."""
    seen: list[Row] = []
    for number, cells in rows:
        seen.append((number, cells))
        if header_score(cells, kind) >= _MIN_HEADER_MATCHES:
            titles = [
                " ".join(cell_text(c) for c in earlier if cell_text(c)) for _n, earlier in seen[:-1]
            ]
            header = [cell_text(c) for c in _trim(cells)]
            following = next(rows, None)
            if following is None:
                return number, header, [t for t in titles if t], [], True
            joined = _two_level_header(list(cells), following[1], kind)
            if joined is not None:
                return number, joined, [t for t in titles if t], [], True
            return number, header, [t for t in titles if t], [following], True
        if len(seen) >= _HEADER_SEARCH_ROWS:
            break
    # no recognisable header: use the first non-empty row, the mapping step will complain
    for index, (number, cells) in enumerate(seen):
        if any(cell_text(c) for c in cells):
            header = [cell_text(c) for c in _trim(cells)]
            return number, header, [], seen[index + 1 :], False
    raise EmptyTableError("文件是空的，没有找到表头")


def _table(numbered: Iterator[Row], kind: Kind | None, **info: object) -> Table:
    header_row, header, titles, replay, found = _find_header(numbered, kind)
    rows: Iterator[Row] = chain(replay, numbered) if replay else numbered
    return Table(
        header=header,
        rows=rows,
        header_row=header_row,
        title_rows=titles,
        found_header=found,
        **info,  # type: ignore[arg-type]
    )


def fill_merged(table: Table, columns: set[int]) -> Iterator[Row]:
    """``table``'s rows with the value of a cell merged down several rows (an enterprise's
    name over its product lines) repeated in each row it spans, in ``columns`` only: an amount
    merged over rows belongs to them once, not to each."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for first, last, column in table.merged:
        if column in columns and last > table.header_row:
            spans.setdefault(first, []).append((column, last))
    if not spans:
        yield from table.rows
        return
    open_spans: dict[int, tuple[int, Cell]] = {}  # column → (last row, value)
    for number, cells in table.rows:
        if open_spans:
            for column, (last, value) in list(open_spans.items()):
                if number > last:
                    del open_spans[column]
                elif column < len(cells) and (cells[column] is None or cells[column] == ""):
                    cells[column] = value
                elif column >= len(cells):
                    cells.extend([None] * (column - len(cells)))
                    cells.append(value)
        for column, last in spans.get(number, ()):
            if column < len(cells):
                open_spans[column] = (last, cells[column])
        yield number, cells


# --------------------------------------------------------------------------- csv


def _detect_encoding(data: bytes) -> tuple[str, int]:
    """(codec, bytes to skip): UTF-8 with or without BOM, UTF-16 with BOM, else GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", 0
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), 1 << 20):
            decoder.decode(data[start : start + (1 << 20)], final=False)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "gb18030", 0
    return "utf-8", 0


def _sniff_delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines()[:20] if line.strip()]
    tabs = sum(line.count("\t") for line in lines)
    commas = sum(line.count(",") for line in lines)
    semicolons = sum(line.count(";") for line in lines)
    if tabs > commas and tabs >= semicolons:
        return "\t"
    if semicolons > commas:
        return ";"
    return ","


def _read_csv(data: bytes, kind: Kind | None) -> Table:
    encoding, skip = _detect_encoding(data)
    head = data[skip : skip + _SAMPLE_BYTES]
    sample = head.decode(encoding, errors="ignore")
    delimiter = _sniff_delimiter(sample)
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    if skip:
        text.read(1)  # the BOM
    reader = csv.reader(text, delimiter=delimiter)

    def numbered() -> Iterator[Row]:
        # Row numbers count records as Excel shows them; a quoted field with a line break
        # inside stays one row.
        number = 0
        try:
            for cells in reader:
                number += 1
                yield number, cells  # type: ignore[misc]
        except UnicodeDecodeError as exc:
            raise TableError(
                f"第{number + 1}行附近编码无法识别（文件应为 UTF-8 或 GBK/GB18030）"
            ) from exc
        except csv.Error as exc:
            raise TableError(f"第{number + 1}行不是有效的 CSV：{exc}") from exc

    return _table(numbered(), kind, encoding=encoding, delimiter=delimiter, file_format="csv")


# --------------------------------------------------------------------------- xlsx


def _pick_sheet(names: list[str], sheet: str | int | None) -> str:
    if sheet is None:
        return names[0]
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise SheetNotFoundError(f"没有第{sheet + 1}个工作表")
        return names[sheet]
    if sheet not in names:
        raise SheetNotFoundError(f"没有名为“{sheet}”的工作表（有：{'、'.join(names)}）")
    return sheet


_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_CACHED = re.compile(rb"<v>[^<]")
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')


@dataclass(slots=True)
class _Uncached:
    """The cells of a sheet whose formula has no cached result: the first ones, the last one
    and how many."""

    first: list[str]
    last: str
    count: int


def _uncached(xml: bytes, shown: int = 2) -> _Uncached | None:
    """The cells of a worksheet's XML holding a formula without a cached result."""
    if b"<f" not in xml:
        return None
    found = _Uncached([], "", 0)
    for match in _CELL.finditer(xml):
        inner = match.group(2)
        if inner and b"<f" in inner and not _CACHED.search(inner):
            ref = _REF.search(match.group(1))
            found.last = ref.group(1).decode() if ref else "?"
            found.count += 1
            if found.count <= shown:
                found.first.append(found.last)
    return found if found.count else None


def _scan_sheets(data: bytes, only: str | None = None) -> tuple[bool, dict[str, _Uncached]]:
    """(any error cell, worksheet part → cells whose formula has no cached result); ``only``:
    the one part to look at (xl/worksheets/sheet2.xml), else every worksheet.

    calamine turns error cells into empty strings, which would make a ``#VALUE!`` in a value
    column look like a missing value instead of the non-numeric cell openpyxl reports. A
    formula without a cached result (a workbook a program wrote, never opened in Excel) reads
    as empty in every reader: an export figure would vanish without a word.
    """
    errors = False
    uncached: dict[str, _Uncached] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                if only is not None and name != only:
                    continue
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    xml = archive.read(name)
                    if b' t="e"' in xml or b" t='e'" in xml:
                        errors = True
                    found = _uncached(xml)
                    if found is not None:
                        uncached[name] = found
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False, {}  # let the reader say what is wrong with the file
    return errors, uncached


def _sheet_parts(data: bytes) -> dict[str, str]:
    """Worksheet name → its part in the package (xl/worksheets/sheet2.xml)."""
    attribute = re.compile(rb'([\w:]+)="([^"]*)"')
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            book = archive.read("xl/workbook.xml")
            rels = archive.read("xl/_rels/workbook.xml.rels")
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return {}
    targets: dict[bytes, str] = {}
    for tag in re.findall(rb"<Relationship\b([^>]*)>", rels):
        attrs = dict(attribute.findall(tag))
        target = attrs.get(b"Target", b"").decode()
        targets[attrs.get(b"Id", b"")] = (
            target.lstrip("/") if target.startswith("/") else ("xl/" + target)
        )
    parts: dict[str, str] = {}
    for tag in re.findall(rb"<(?:\w+:)?sheet\b([^>]*)>", book):
        attrs = {k.split(b":")[-1]: v for k, v in attribute.findall(tag)}
        name = html.unescape(attrs.get(b"name", b"").decode())
        parts[name] = targets.get(attrs.get(b"id", b""), "")
    return parts


def uncached_formula_message(data: bytes, sheet: str | None) -> str:
    """A Chinese reason when the sheet read holds formulas without cached results, else "":
    which sheet, its first cells, the last one and how many, so the user knows where to look."""
    parts = _sheet_parts(data)
    part = parts.get(sheet) if sheet is not None else None
    _errors, uncached = _scan_sheets(data, part)
    if not uncached:
        return ""
    found = uncached.get(part, None) if part is not None else next(iter(uncached.values()))
    if found is None:
        return ""
    where = f"工作表“{sheet}”的" if sheet else ""
    cells = "、".join(found.first)
    if found.count > len(found.first) + 1:
        cells += f"…{found.last}"
    elif found.count > len(found.first):
        cells += f"、{found.last}"
    many = f" {found.count} 个" if found.count > 1 else ""
    return (
        f"{where}{cells} 等{many}单元格是公式，但没有计算结果（文件由程序生成，未经 Excel "
        "计算）：请在 Excel 中打开并保存后再导入"
    )


def _calamine_table(
    data: bytes, kind: Kind | None, sheet: str | int | None, file_format: str
) -> Table:
    """Read xlsx or xls with python-calamine (Rust; 9x less CPU than openpyxl read-only).

    calamine parses the chosen sheet into memory at once (about 1.2 KB per 13-column row); the
    Python cells are still made row by row. Its rows are converted to what the other readers
    give: empty cells ``None``, whole numbers ``int``, dates ``date`` (``datetime`` with a time).
    Raises ``python_calamine.CalamineError`` on a file it cannot read.
    """
    import python_calamine

    book = python_calamine.load_workbook(io.BytesIO(data))
    names = list(book.sheet_names)
    chosen = _pick_sheet(names, sheet)
    ws = None
    visible = [
        meta.name
        for meta in book.sheets_metadata
        if meta.visible == python_calamine.SheetVisibleEnum.Visible
        and meta.typ == python_calamine.SheetTypeEnum.WorkSheet
    ]
    charts = [
        meta.name
        for meta in book.sheets_metadata
        if meta.typ == python_calamine.SheetTypeEnum.ChartSheet
    ]
    if sheet is None:
        # the first visible sheet with the header in its first rows (a workbook may start with
        # a hidden lookup sheet, a cover page or notes), else the first with more than one row
        fallback = None
        for name in visible or names:
            candidate = book.get_sheet_by_name(name)
            end = candidate.end
            if end is None or end[0] < 1:
                continue
            if _has_header(candidate.to_python(nrows=_HEADER_SEARCH_ROWS), kind):
                chosen, ws = name, candidate
                break
            fallback = fallback or (name, candidate)
        else:
            if fallback is not None:
                chosen, ws = fallback
    if ws is None:
        ws = book.get_sheet_by_name(chosen)
    # iter_rows starts at the sheet's first row but at its first used column: put the empty
    # columns back so a cell keeps its column letter.
    pad: list[Cell] = [None] * (ws.start[1] if ws.start else 0)
    merged = [
        (top[0] + 1, bottom[0] + 1, top[1])
        for top, bottom in (ws.merged_cell_ranges or [])
        if bottom[0] > top[0]
    ]

    def numbered() -> Iterator[Row]:
        try:
            # Any: calamine also gives time and timedelta cells, as openpyxl does
            rows: Iterator[list[Any]] = ws.iter_rows()
            for number, values in enumerate(rows, start=1):
                cells: list[Cell] = [
                    None if v == "" else int(v) if v.__class__ is float and v.is_integer() else v
                    for v in values
                ]
                yield number, pad + cells if pad else cells
        finally:
            book.close()

    return _table(
        numbered(),
        kind,
        sheet=chosen,
        sheets=names,
        visible_sheets=visible,
        chart_sheets=charts,
        file_format=file_format,
        merged=merged,
    )


def _read_xlsx(
    data: bytes, kind: Kind | None, sheet: str | int | None, *, checked: bool = False
) -> Table:
    import python_calamine

    # openpyxl stays as the fallback reader: for a file calamine refuses (CalamineError) and
    # for one with error cells, which calamine cannot tell from empty ones.
    # a sheet named: only its part is looked at (a workbook's sheets are read one by one);
    # ``checked``: read_header has found it free of both
    part = _sheet_parts(data).get(sheet) if isinstance(sheet, str) and not checked else None
    errors, uncached = (False, {}) if checked else _scan_sheets(data, part)
    table: Table | None = None
    if not errors:
        with contextlib.suppress(python_calamine.CalamineError):
            table = _calamine_table(data, kind, sheet, "xlsx")
    if table is None:
        table = _read_xlsx_openpyxl(data, kind, sheet)
    if uncached:
        reason = uncached_formula_message(data, table.sheet)
        if reason:
            raise TableError(reason)
    return table


def _read_xlsx_openpyxl(data: bytes, kind: Kind | None, sheet: str | int | None) -> Table:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # BadZipFile, KeyError, a damaged part's parse error …
        raise TableError(
            "无法读取 Excel 文件（已损坏或不是 xlsx 格式）：请用 Excel 打开后另存为 .xlsx 再导入"
        ) from exc
    names = book.sheetnames
    charts = [c.title for c in book.chartsheets]
    chosen = _pick_sheet(names, sheet)
    if sheet is None:
        # the first visible sheet with the header in its first rows, else the first with content
        fallback = None
        for name in names:
            ws = book[name]
            if name in charts or getattr(ws, "sheet_state", "visible") != "visible":
                continue
            if not (ws.max_row and ws.max_row > 1):
                continue
            if _has_header(ws.iter_rows(max_row=_HEADER_SEARCH_ROWS, values_only=True), kind):
                chosen = name
                break
            fallback = fallback or name
        else:
            if fallback is not None:
                chosen = fallback
    ws = book[chosen]
    visible = [
        n
        for n in names
        if n not in charts and getattr(book[n], "sheet_state", "visible") == "visible"
    ]
    ws.reset_dimensions()  # some writers store a wrong dimension; read what is there

    def numbered() -> Iterator[Row]:
        try:
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                yield number, list(values)  # type: ignore[arg-type]
        finally:
            book.close()

    return _table(
        numbered(),
        kind,
        sheet=chosen,
        sheets=list(names),
        visible_sheets=visible,
        chart_sheets=charts,
        file_format="xlsx",
    )


# --------------------------------------------------------------------------- xls


_ENCRYPTED_REASON = "文件设置了打开密码：请在 Excel 中取消密码，另存为 .xlsx 后再导入"
_BROKEN_XLS = "xls 文件已损坏，无法读取：请用 Excel 打开后另存为 .xlsx 再导入"


def _read_xls(data: bytes, kind: Kind | None, sheet: str | int | None) -> Table:
    import python_calamine

    # An encrypted .xlsx (or .xls saved with a password) is an OLE2 file holding an
    # EncryptedPackage stream: no reader opens it, and their reasons say nothing of a password.
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise TableError(_ENCRYPTED_REASON)
    # xlrd stays as the fallback reader for a file calamine refuses (CalamineError).
    try:
        return _calamine_table(data, kind, sheet, "xls")
    except python_calamine.CalamineError:
        return _read_xls_xlrd(data, kind, sheet)


def _read_xls_xlrd(data: bytes, kind: Kind | None, sheet: str | int | None) -> Table:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
        names = book.sheet_names()
        chosen = _pick_sheet(names, sheet)
        if sheet is None:
            fallback = None
            for name in names:
                candidate = book.sheet_by_name(name)
                if candidate.visibility or candidate.nrows <= 1:  # hidden, or empty
                    continue
                rows = (candidate.row_values(i) for i in range(min(candidate.nrows, 10)))
                if _has_header(rows, kind):
                    chosen = name
                    break
                fallback = fallback or name
            else:
                if fallback is not None:
                    chosen = fallback
        ws = book.sheet_by_name(chosen)
        visible = [n for n in names if not book.sheet_by_name(n).visibility]
    except TableError:
        raise
    except Exception as exc:  # a cut-off or damaged file: xlrd raises IndexError, CompDocError …
        if "encrypt" in str(exc).lower():
            raise TableError(_ENCRYPTED_REASON) from exc
        raise TableError(_BROKEN_XLS) from exc
    datemode = book.datemode
    date_type = xlrd.XL_CELL_DATE
    number_type = xlrd.XL_CELL_NUMBER
    empty_types = (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK)

    def convert(ctype: int, value: object) -> Cell:
        if ctype == number_type:
            number = float(value)  # type: ignore[arg-type]
            return int(number) if number.is_integer() else number
        if ctype == date_type:
            moment: datetime = xlrd.xldate_as_datetime(value, datemode)
            if moment.hour == moment.minute == moment.second == 0:
                return date(moment.year, moment.month, moment.day)
            return moment
        if ctype in empty_types:
            return None
        if isinstance(value, str):
            return value
        return str(value)

    def numbered() -> Iterator[Row]:
        for index in range(ws.nrows):
            types = ws.row_types(index)
            values = ws.row_values(index)
            yield index + 1, [convert(t, v) for t, v in zip(types, values, strict=False)]

    return _table(
        numbered(),
        kind,
        sheet=chosen,
        sheets=list(names),
        visible_sheets=visible,
        file_format="xls",
    )


# --------------------------------------------------------------------------- entry point

_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_table(
    data: bytes,
    filename: str,
    *,
    sheet: str | int | None = None,
    kind: Kind | None = None,
    checked: bool = False,
) -> Table:
    """Read a file's bytes into a ``Table``; the format comes from the content, then the name.

    ``sheet`` picks a worksheet by name or 0-based index (default: the first with data).
    ``kind`` narrows header detection to one import kind. ``checked``: the sheet's XML was
    found free of error cells and of formulas without results (``Table.checked``).
    """
    if data.startswith(b"PK\x03\x04"):
        table = _read_xlsx(data, kind, sheet, checked=checked)
    elif data.startswith(_XLS_MAGIC):
        table = _read_xls(data, kind, sheet)
    else:
        table = _read_text(data, filename, kind)
    table.filename = filename
    return table


def read_header(data: bytes, filename: str, *, sheet: str, kind: Kind | None = None) -> Table:
    """A worksheet's header, title rows and merges, without its rows (``Table.rows`` empty):
    for an xlsx, from the first rows of the sheet's XML (``peek``), not the whole sheet parsed;
    else the sheet read whole. TableError as ``read_table`` gives it."""
    part = _sheet_parts(data).get(sheet) if data.startswith(b"PK\x03\x04") else None
    xml = b""
    if part:
        with (
            contextlib.suppress(zipfile.BadZipFile, KeyError, OSError, ValueError),
            zipfile.ZipFile(io.BytesIO(data)) as archive,
        ):
            xml = archive.read(part)
    # error cells: openpyxl reads the sheet (see _read_xlsx); no formula without its result
    if xml and b' t="e"' not in xml and b" t='e'" not in xml:
        if _uncached(xml) is not None and (reason := uncached_formula_message(data, sheet)):
            raise TableError(reason)
        peeked = peek_rows(data, xml, _HEADER_SEARCH_ROWS + 1)
        if peeked is not None:
            table = _table(
                iter(peeked.rows), kind, sheet=sheet, file_format="xlsx", merged=peeked.merged
            )
            table.rows, table.filename, table.checked = iter(()), filename, True
            return table
    table = read_table(data, filename, sheet=sheet, kind=kind)
    table.rows = iter(())
    return table


def _read_text(data: bytes, filename: str, kind: Kind | None) -> Table:
    lower = filename.lower()
    if lower.endswith((".xlsx", ".xlsm", ".xls")):
        head = data[:512].lstrip().lower()
        if head.startswith((b"<html", b"<!doctype", b"<table", b"<?xml")):
            raise TableError(
                "这个“Excel”文件其实是网页（HTML）格式：请用 Excel 打开后另存为 .xlsx 再导入"
            )
        raise TableError("无法识别的 Excel 文件（已损坏或不是 Excel 格式）")
    if not data.strip():
        raise TableError("文件是空的")
    return _read_csv(data, kind)
