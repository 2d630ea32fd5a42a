"""A workbook's later sheets are parsed once: their header comes from their first rows
(``read_header``), the same header, title rows and merges the whole sheet gives."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from typing import Any

import pytest
from openpyxl import Workbook

from kaifang.trade.importers.book import read_book
from kaifang.trade.importers.tabular import read_header, read_table
from kaifang.trade.tests.helpers import USCC_A, USCC_B


def _workbook(fill: Any) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "出口"
    ws.append(["年月", "统一社会信用代码", "美元"])
    ws.append([202509, USCC_A, 1])
    fill(book.create_sheet("进口"))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _title_merged(ws: Any) -> None:
    ws.append(["2025年9月示范市进口企业数据 & 其他"])
    ws.merge_cells("A1:D1")
    ws.append(["单位：万美元", None, None, date(2025, 10, 8)])
    ws.append(["年月", "统一社会信用代码", "企业名称", "美元"])
    ws.append([202509, USCC_A, "甲", 1])
    ws.append([None, USCC_B, "乙", 2])
    ws.merge_cells("A4:A5")


def _offset(ws: Any) -> None:
    ws["C3"] = "年月"
    ws["D3"] = "统一社会信用代码"
    ws["E3"] = "美元"
    ws["C4"] = datetime(2025, 9, 1)
    ws["C4"].number_format = "yyyy-mm"
    ws["D4"] = USCC_A
    ws["E4"] = 1.5


def _two_level(ws: Any) -> None:
    ws.append(["统一社会信用代码", "年月", "出口", None, "进口", None])
    ws.append([None, None, "金额(万美元)", "金额(万元)", "金额(万美元)", "金额(万元)"])
    ws.append([USCC_A, 202509, 1, 7, 2, 14])
    ws.merge_cells("C1:D1")
    ws.merge_cells("E1:F1")


def _date_headers(ws: Any) -> None:
    ws.append(["统一社会信用代码", "年月", date(2025, 9, 1), True, 3.25])
    ws.append([USCC_A, 202509, 1, False, 2])


def _shared_strings(data: bytes) -> bytes:
    """The workbook as Excel and WPS save it: text in xl/sharedStrings.xml (openpyxl writes
    it inline)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    strings: list[bytes] = []

    def shared(match: re.Match[bytes]) -> bytes:
        strings.append(match.group(3))
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (
            match.group(1),
            match.group(2),
            len(strings) - 1,
        )

    inline = re.compile(rb'<c r="([A-Z]+\d+)"([^>]*?) t="inlineStr"><is>(.*?)</is></c>', re.S)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                body = inline.sub(shared, body)
            elif item.filename == "[Content_Types].xml":
                body = body.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            elif item.filename == "xl/_rels/workbook.xml.rels":
                body = body.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/sharedStrings" '
                    b'Target="sharedStrings.xml"/></Relationships>',
                )
            target.writestr(item, body)
        # every text a rich-text run with a phonetic guide, which is not the cell's text
        strings[:] = [
            b"<r><t>" + t[3:-4] + b'</t></r><rPh sb="0" eb="1"><t>x</t></rPh>' for t in strings
        ]
        sst = b"".join(b"<si>%s</si>" % text for text in strings)
        target.writestr(
            "xl/sharedStrings.xml",
            b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.'
            b'org/spreadsheetml/2006/main" count="%d">%s</sst>' % (len(strings), sst),
        )
    return out.getvalue()


@pytest.mark.parametrize("strings", ["inline", "shared"])
@pytest.mark.parametrize("fill", [_title_merged, _offset, _two_level, _date_headers])
def test_the_header_from_the_first_rows_is_the_whole_sheets(fill: Any, strings: str) -> None:
    data = _shared_strings(_workbook(fill)) if strings == "shared" else _workbook(fill)
    if strings == "shared":
        assert b"sharedStrings" in data and b'inlineStr"' not in data
    whole = read_table(data, "a.xlsx", sheet="进口", kind="customs")
    peeked = read_header(data, "a.xlsx", sheet="进口", kind="customs")
    assert peeked.checked
    for name in ("header", "header_row", "title_rows", "found_header", "merged"):
        assert getattr(peeked, name) == getattr(whole, name), name


def test_each_sheet_of_a_workbook_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import python_calamine

    opened: list[int] = []
    load = python_calamine.load_workbook

    def counting(source: Any) -> Any:
        opened.append(1)
        return load(source)

    monkeypatch.setattr(python_calamine, "load_workbook", counting)
    header = ["年月", "统一社会信用代码", "进出口", "美元"]
    book = Workbook()
    first = book.active
    assert first is not None
    for index, ws in enumerate((first, book.create_sheet(), book.create_sheet())):
        ws.title = f"第{index + 1}部分"
        ws.append(header)
        ws.append([202509, USCC_A, "出口", index])
    out = io.BytesIO()
    book.save(out)
    found = read_book(out.getvalue(), "a.xlsx", kind="customs")
    rows = [cells[3] for table in found.tables for _n, cells in table.rows]
    assert rows == [0, 1, 2]
    assert len(opened) == 3  # was 5: each later sheet parsed for its header, then its rows
