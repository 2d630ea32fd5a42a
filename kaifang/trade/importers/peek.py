"""The first rows of an xlsx worksheet without parsing the whole sheet.

A workbook's later sheets are read twice: once for their header, when the import decides which
sheets to read, and once for their rows, when it reaches them. calamine has no lazy reader: it
parses a whole sheet into memory to give its first row, so a workbook of twelve month sheets
cost twice its parse. ``peek_rows`` reads the first rows of the sheet's XML itself, with the
shared strings and date formats they use, and the merged cells, and gives them as calamine's
rows come out of ``tabular`` (empty ``None``, whole numbers ``int``, dates ``date``). Pure.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from datetime import datetime, timedelta

from kaifang.trade.importers.common import Cell

__all__ = ["Peek", "peek_rows"]

_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_ATTR = re.compile(rb'(\w+)="([^"]*)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_TEXT = re.compile(rb"<(?:\w+:)?t\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?t>)", re.S)
_PHONETIC = re.compile(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)
_SI = re.compile(rb"<(?:\w+:)?si>(.*?)</(?:\w+:)?si>|<(?:\w+:)?si/>", re.S)
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_REF = re.compile(rb"([A-Z]+)(\d*)")
_XF = re.compile(rb"<(?:\w+:)?cellXfs\b.*?</(?:\w+:)?cellXfs>", re.S)
_XF_ITEM = re.compile(rb"<(?:\w+:)?xf\b([^>]*)")
_NUMFMT = re.compile(rb'<(?:\w+:)?numFmt\b[^>]*numFmtId="(\d+)"[^>]*formatCode="([^"]*)"')
# Excel's built-in date and time formats
_DATE_FORMATS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}
_DATE_CODE = re.compile(r"[dmyhs]", re.I)
_CODE_NOISE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


class Peek:
    """The first rows of a sheet (row number, cells) and its merges down several rows (first
    row, last row, column), as ``Table.merged`` holds them."""

    __slots__ = ("merged", "rows")

    def __init__(self, rows: list[tuple[int, list[Cell]]], merged: list[tuple[int, int, int]]):
        self.rows = rows
        self.merged = merged


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number - 1


def _text(xml: bytes) -> str:
    xml = _PHONETIC.sub(b"", xml)
    return html.unescape(b"".join(m.group(1) or b"" for m in _TEXT.finditer(xml)).decode())


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    """The style indexes whose number format shows a date or time."""
    try:
        styles = archive.read("xl/styles.xml")
    except KeyError:
        return set()
    dates = set(_DATE_FORMATS)
    for number, code in _NUMFMT.findall(styles):
        cleaned = _CODE_NOISE.sub("", html.unescape(code.decode()))
        if _DATE_CODE.search(cleaned) and "general" not in cleaned.lower():
            dates.add(int(number))
    found = _XF.search(styles)
    if found is None:
        return set()
    out: set[int] = set()
    for index, attrs in enumerate(_XF_ITEM.findall(found.group(0))):
        fmt = dict(_ATTR.findall(attrs)).get(b"numFmtId", b"0")
        if fmt.isdigit() and int(fmt) in dates:
            out.add(index)
    return out


def _shared(archive: zipfile.ZipFile, wanted: set[int]) -> dict[int, str]:
    """The shared strings of the indexes ``wanted``, read no further than the last of them."""
    if not wanted:
        return {}
    try:
        xml = archive.read("xl/sharedStrings.xml")
    except KeyError:
        return {}
    last = max(wanted)
    out: dict[int, str] = {}
    for index, match in enumerate(_SI.finditer(xml)):
        if index in wanted:
            out[index] = _text(match.group(1) or b"")
        if index >= last:
            break
    return out


def _number(raw: bytes, *, dated: bool, epoch: datetime) -> Cell:
    number = float(raw)
    if dated:
        moment = epoch + timedelta(days=number)
        moment = moment.replace(microsecond=0)
        if moment.hour == moment.minute == moment.second == 0:
            return moment.date()
        return moment
    return int(number) if number.is_integer() else number


def peek_rows(data: bytes, xml: bytes, count: int) -> Peek | None:
    """The first ``count`` rows of a worksheet of the xlsx ``data`` whose XML is ``xml``,
    numbered from 1 with empty rows where the sheet has none; None when they cannot be read
    (the caller then reads the sheet whole)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            book = archive.read("xl/workbook.xml")
            raw_rows: list[tuple[int, list[tuple[int, bytes, bytes]]]] = []
            number = 0
            wanted: set[int] = set()
            for row in _ROW.finditer(xml):
                attrs = dict(_ATTR.findall(row.group(1)))
                number = int(attrs[b"r"]) if attrs.get(b"r", b"").isdigit() else number + 1
                if number > count:
                    break
                cells: list[tuple[int, bytes, bytes]] = []
                column = -1
                for cell in _CELL.finditer(row.group(2) or b""):
                    cell_attrs = dict(_ATTR.findall(cell.group(1)))
                    ref = _REF.match(cell_attrs.get(b"r", b""))
                    column = _column(ref.group(1)) if ref and ref.group(1) else column + 1
                    kind = cell_attrs.get(b"t", b"n")
                    body = cell.group(2) or b""
                    if kind == b"s":
                        value = _VALUE.search(body)
                        if value is not None and value.group(1).strip().isdigit():
                            wanted.add(int(value.group(1)))
                    cells.append((column, kind, cell_attrs.get(b"s", b"0") + b"|" + body))
                raw_rows.append((number, cells))
            strings = _shared(archive, wanted)
            dated = _date_styles(archive)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None
    day_one = (1904, 1, 1) if re.search(rb'date1904="(1|true)"', book) else (1899, 12, 30)
    epoch = datetime(*day_one)  # noqa: DTZ001 (a spreadsheet's dates have no zone)
    rows: list[tuple[int, list[Cell]]] = []
    for number, cells in raw_rows:
        width = max((c for c, _k, _b in cells), default=-1) + 1
        values: list[Cell] = [None] * width
        for column, kind, packed in cells:
            style, body = packed.split(b"|", 1)
            value = _VALUE.search(body)
            raw = value.group(1) if value is not None else b""
            try:
                if kind == b"s":
                    values[column] = strings.get(int(raw)) if raw.strip().isdigit() else None
                elif kind == b"inlineStr":
                    values[column] = _text(body)
                elif kind in (b"str", b"e"):
                    values[column] = html.unescape(raw.decode())
                elif kind == b"b":
                    values[column] = raw.strip() == b"1"
                elif kind == b"d":
                    values[column] = datetime.fromisoformat(raw.decode())
                elif raw.strip():
                    dated_cell = style.isdigit() and int(style) in dated
                    values[column] = _number(raw, dated=dated_cell, epoch=epoch)
            except ValueError:
                return None
            if values[column] == "":
                values[column] = None
        rows.append((number, values))
    tail = xml[max(0, xml.rfind(b"sheetData>")) :]  # <mergeCells> follows the rows
    merged = [
        (int(top), int(bottom), _column(left))
        for left, top, _right, bottom in _MERGE.findall(tail)
        if int(bottom) > int(top)
    ]
    # the rows calamine gives: from row 1, an empty row for each the sheet leaves out
    out: list[tuple[int, list[Cell]]] = []
    by_number = dict(rows)
    last = max(by_number, default=0)
    for n in range(1, last + 1):
        out.append((n, by_number.get(n, [])))
    return Peek(out, merged)
