from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from kaifang.trade.importers.tabular import TableError, read_table
from kaifang.trade.tests.helpers import csv_bytes, xlsx_bytes

FIXTURES = Path(__file__).parent / "fixtures"

PLATFORM_HEADER = (
    "数据年月,商品编码,商品名称,贸易伙伴编码,贸易伙伴名称,贸易方式编码,贸易方式名称,"
    "注册地编码,注册地名称,第一数量,第一计量单位,第二数量,第二计量单位,美元,人民币,"
)


def test_gb18030_csv_with_trailing_commas() -> None:
    text = (
        PLATFORM_HEADER
        + "\r\n202509,85171200,手机,502,美国,10,一般贸易,41,河南省,?,?,?,?,100,700,\r\n"
    )
    table = read_table(text.encode("gb18030"), "下载.csv")
    assert table.encoding == "gb18030"
    assert table.header[-1] == "人民币"  # the empty last column is dropped
    assert len(table.header) == 15
    rows = list(table.rows)
    assert rows[0][0] == 2
    assert rows[0][1][4] == "美国"
    assert rows[0][1][9] == "?"


def test_utf8_with_bom() -> None:
    data = codecs.BOM_UTF8 + "年月,企业名称,美元\n2025-09,甲公司,1\n".encode()
    table = read_table(data, "a.csv")
    assert table.header == ["年月", "企业名称", "美元"]
    assert table.encoding == "utf-8"
    assert list(table.rows) == [(2, ["2025-09", "甲公司", "1"])]


def test_utf8_without_bom_and_tab_delimiter() -> None:
    data = csv_bytes([["年月", "企业名称", "美元"], ["202509", "甲,乙公司", "1"]], delimiter="\t")
    table = read_table(data, "a.txt")
    assert table.delimiter == "\t"
    assert list(table.rows) == [(2, ["202509", "甲,乙公司", "1"])]


def test_gbk_file_is_read_as_gb18030() -> None:
    data = "年月,企业名称,美元\n202509,镕铂瑞公司,1\n".encode("gbk")
    table = read_table(data, "a.csv")
    assert next(iter(table.rows))[1][1] == "镕铂瑞公司"


def test_utf16_tab_text_from_excel() -> None:
    data = "年月\t企业名称\t美元\r\n202509\t甲公司\t1\r\n".encode("utf-16")
    table = read_table(data, "unicode.txt")
    assert table.header == ["年月", "企业名称", "美元"]
    assert list(table.rows) == [(2, ["202509", "甲公司", "1"])]


def test_title_rows_above_header_keep_file_row_numbers() -> None:
    data = csv_bytes(
        [
            ["2025年9月示范市进出口企业数据", "", ""],
            ["单位：万美元", "", ""],
            ["年月", "企业名称", "美元"],
            ["202509", "甲公司", "1"],
        ]
    )
    table = read_table(data, "a.csv")
    assert table.header_row == 3
    assert table.title_rows == ["2025年9月示范市进出口企业数据", "单位：万美元"]
    assert list(table.rows) == [(4, ["202509", "甲公司", "1"])]


def test_quoted_line_break_stays_one_row_and_blank_lines_count() -> None:
    data = '年月,企业名称,美元\n202509,"甲\n公司",1\n\n202509,乙公司,2\n'.encode()
    rows = list(read_table(data, "a.csv").rows)
    assert [(n, cells[1]) for n, cells in rows if cells] == [(2, "甲\n公司"), (4, "乙公司")]


def test_rows_are_streamed_not_listed() -> None:
    data = csv_bytes(
        [["年月", "企业名称", "美元"], *[["202509", "甲", str(i)] for i in range(100)]]
    )
    table = read_table(data, "a.csv")
    assert isinstance(table.rows, Iterator)
    assert next(table.rows) == (2, ["202509", "甲", "0"])


def test_xlsx_with_merged_title_and_excel_dates() -> None:
    data = xlsx_bytes(
        [
            ["数据年月", "统一社会信用代码", "企业名称", "美元"],
            [datetime(2025, 9, 1), "X", "甲公司", 1.5],
            [datetime(2025, 10, 1), "Y", "乙公司", 2],
        ],
        title="2025年9-10月示范市进出口企业数据",
        number_format={0: "yyyy-mm"},
    )
    table = read_table(data, "企业.xlsx")
    assert table.file_format == "xlsx"
    assert table.header_row == 2
    assert table.title_rows == ["2025年9-10月示范市进出口企业数据"]
    rows = list(table.rows)
    # a date without a time comes back as a date, as from xls
    assert rows[0] == (3, [date(2025, 9, 1), "X", "甲公司", 1.5])
    assert rows[1] == (4, [date(2025, 10, 1), "Y", "乙公司", 2])
    assert isinstance(rows[1][1][3], int)


def _workbook_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_notes_sheet_title_rows_and_typed_cells() -> None:
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "说明"
    notes.append(["本表由海关统计部门提供"])
    ws = book.create_sheet("出口")
    ws.append([])  # an empty first row still counts
    ws.append(["", "2025年示范市出口企业数据"])
    ws.merge_cells("B2:F2")
    ws.append(["", "单位：美元"])
    ws.append(["", "数据年月", "统一社会信用代码", "贸易方式编码", "美元", "备注"])
    ws.append(["", datetime(2025, 9, 1), "91410300000000019Y", "0615", 12.5, None])
    ws.append(["", datetime(2025, 9, 30, 18, 5), 85171200, 10, 1e20, "x"])
    book.create_sheet("进口")
    table = read_table(_workbook_bytes(book), "a.xlsx")
    assert table.sheet == "出口"
    assert table.sheets == ["说明", "出口", "进口"]
    assert table.header_row == 4
    assert table.title_rows == ["2025年示范市出口企业数据", "单位：美元"]
    assert table.header == ["", "数据年月", "统一社会信用代码", "贸易方式编码", "美元", "备注"]
    assert list(table.rows) == [
        (5, [None, date(2025, 9, 1), "91410300000000019Y", "0615", 12.5, None]),
        (6, [None, datetime(2025, 9, 30, 18, 5), 85171200, 10, 10**20, "x"]),
    ]


def test_xlsx_error_cell_stays_visible() -> None:
    data = xlsx_bytes([["年月", "企业名称", "美元"], [202509, "甲公司", "#DIV/0!"]])
    rows = list(read_table(data, "a.xlsx").rows)
    assert rows == [(2, [202509, "甲公司", "#DIV/0!"])]


def test_broken_xlsx() -> None:
    with pytest.raises(TableError, match="无法读取 Excel 文件"):
        read_table(b"PK\x03\x04 not really a zip", "a.xlsx")


def _as_encrypted(data: bytes) -> bytes:
    """The xls fixture with its Workbook stream renamed EncryptedPackage: the shape of an
    .xlsx saved with an opening password (an OLE2 file holding the encrypted package)."""
    name = "Workbook".encode("utf-16-le") + b"\0\0"
    at = data.index(name)  # the directory entry: a 64-byte name, then its length in bytes
    entry = "EncryptedPackage".encode("utf-16-le") + b"\0\0"
    data = data[:at] + entry + data[at + len(entry) :]
    return data[: at + 64] + len(entry).to_bytes(2, "little") + data[at + 66 :]


@pytest.mark.parametrize(
    "data",
    [
        (FIXTURES / "customs_export_2025_09.xls").read_bytes()[:1500],  # a cut-off attachment
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000,  # an OLE2 header, then nothing
    ],
    ids=["truncated", "zeroed"],
)
def test_damaged_xls_is_a_chinese_table_error(data: bytes) -> None:
    """xlrd's IndexError / CompDocError used to escape as a 500 at upload."""
    with pytest.raises(TableError, match="xls 文件已损坏，无法读取"):
        read_table(data, "九月.xls")


@pytest.mark.parametrize("name", ["九月.xlsx", "九月.xls"])
def test_password_protected_workbook_is_explained(name: str) -> None:
    data = _as_encrypted((FIXTURES / "customs_export_2025_09.xls").read_bytes())
    with pytest.raises(TableError) as caught:
        read_table(data, name)
    assert caught.value.reason == (
        "文件设置了打开密码：请在 Excel 中取消密码，另存为 .xlsx 后再导入"
    )


def _merged_book(rows: list[list[object]], merges: list[str]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


TWO_LEVEL = [
    ["企业信息", None, None, "出口", None, "进口", None],
    [
        "企业名称",
        "统一社会信用代码",
        "年月",
        "金额(万美元)",
        "金额(万元)",
        "金额(万美元)",
        "金额(万元)",
    ],
    ["甲公司", "91410300000000019Y", "2025-09", 100, 700, 50, 350],
]


def test_two_level_header_becomes_one() -> None:
    """出口 / 进口 merged over 金额(万美元) / 金额(万元): the second row was read as data
    (four 不是数值 errors) and the amounts as plain USD, 10,000 times too small."""
    data = _merged_book(TWO_LEVEL, ["A1:C1", "D1:E1", "F1:G1"])
    table = read_table(data, "a.xlsx", kind="customs")
    assert table.header == [
        "企业名称",
        "统一社会信用代码",
        "年月",
        "出口金额(万美元)",
        "出口金额(万元)",
        "进口金额(万美元)",
        "进口金额(万元)",
    ]
    assert [n for n, _ in table.rows] == [3]
    csv_table = read_table(csv_bytes(TWO_LEVEL), "a.csv", kind="customs")
    assert csv_table.header == table.header


def test_a_data_row_under_the_header_is_not_taken_for_a_second_header_row() -> None:
    rows = [
        ["年月", "企业名称", "币制", "进出口", "金额"],
        ["2025-09", "甲公司", "美元", "出口", "5"],
    ]
    table = read_table(csv_bytes(rows), "a.csv")
    assert table.header == rows[0]
    assert list(table.rows) == [(2, rows[1])]


def _with_cached_results(data: bytes) -> bytes:
    """The workbook as Excel saves it: every formula with its cached result (15)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            raw = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                raw = re.sub(rb"<f>([^<]*)</f>(<v\s*/>|<v></v>)?", rb"<f>\1</f><v>15</v>", raw)
            zout.writestr(item, raw)
    return out.getvalue()


def test_formula_without_a_cached_result_is_refused() -> None:
    """A program-written workbook: =10+5 never computed read as empty, so the export of the
    row vanished without a word (the row was committed as import-only)."""
    rows = [
        ["企业名称", "统一社会信用代码", "年月", "出口额(美元)", "进口额(美元)"],
        ["甲公司", "91410300000000019Y", "2025-09", "=10+5", 7],
    ]
    data = xlsx_bytes(rows, sheet="九月")
    with pytest.raises(TableError) as caught:
        read_table(data, "a.xlsx")
    assert caught.value.reason.startswith("工作表“九月”的D2 等单元格是公式，但没有计算结果")
    assert "请在 Excel 中打开并保存后再导入" in caught.value.reason
    # saved by Excel, the cached result is read
    table = read_table(_with_cached_results(data), "a.xlsx")
    assert list(table.rows) == [(2, ["甲公司", "91410300000000019Y", "2025-09", 15, 7])]


def _book_with_a_first_sheet(first: str, rows: list[list[object]], state: str) -> bytes:
    book = Workbook()
    front = book.active
    assert front is not None
    front.title = first
    for row in rows:
        front.append(row)
    front.sheet_state = state
    data = book.create_sheet("数据")
    data.append(["年月", "统一社会信用代码", "企业名称", "出口额(美元)"])
    data.append(["2025-09", "91410300000000019Y", "甲公司", 5])
    data.append(["2025-09", "91410300000000019Y", "甲公司", "#DIV/0!"])  # the openpyxl reader
    book.active = 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
@pytest.mark.parametrize(
    ("first", "rows", "state"),
    [
        ("参数", [["代码", "名称"], ["10", "一般贸易"], ["15", "进料加工"]], "hidden"),
        (
            "封面",
            [["2025年9月海关数据"], ["编制单位：某海关"], ["说明：以下为全市数据"]],
            "visible",
        ),
    ],
    ids=["hidden-lookup-sheet", "cover-sheet"],
)
def test_a_hidden_or_cover_first_sheet_is_passed_over(
    first: str, rows: list[list[object]], state: str, reader: str
) -> None:
    """The first sheet was read whatever it was: validation failed with 未找到金额列；未找到企业
    标识列… and the page offers no way to pick a sheet."""
    data = _book_with_a_first_sheet(first, rows, state)
    if reader == "calamine":  # no error cell: calamine reads it
        data = data.replace(b't="e"', b't="str"')
    table = read_table(data, "a.xlsx", kind="customs")
    assert (table.sheet, table.header[3]) == ("数据", "出口额(美元)")
    assert [n for n, _ in table.rows] == [2, 3]


def test_xlsx_sheet_selection() -> None:
    data = xlsx_bytes([["年月", "企业名称", "美元"], [202509, "甲", 1]], sheet="出口")
    assert read_table(data, "a.xlsx", sheet="出口").sheet == "出口"
    assert read_table(data, "a.xlsx", sheet=0).sheet == "出口"
    with pytest.raises(TableError, match="没有名为"):
        read_table(data, "a.xlsx", sheet="进口")


def test_xls_fixture() -> None:
    table = read_table((FIXTURES / "customs_export_2025_09.xls").read_bytes(), "a.xls")
    assert table.file_format == "xls"
    assert table.header_row == 2
    assert table.title_rows == ["2025年9月示范市出口企业数据"]
    assert table.header == [
        "年月",
        "统一社会信用代码",
        "企业名称",
        "HS编码",
        "国别(地区)",
        "贸易方式",
        "金额(万美元)",
    ]
    rows = list(table.rows)
    assert [n for n, _ in rows] == [3, 4, 5]
    first = rows[0][1]
    assert first[0] == date(2025, 9, 1)
    assert first[3] == 85171200  # a whole number comes back as int
    assert first[6] == 12.5


def test_content_decides_format_not_extension() -> None:
    data = xlsx_bytes([["年月", "企业名称", "美元"], [202509, "甲", 1]])
    assert read_table(data, "export.csv").file_format == "xlsx"


def test_html_disguised_as_xls_is_explained() -> None:
    with pytest.raises(TableError, match="网页"):
        read_table(b"<html><table><tr><td>1</td></tr></table></html>", "export.xls")


def test_empty_file() -> None:
    with pytest.raises(TableError, match="空"):
        read_table(b"  \n", "a.csv")


def test_no_known_header_falls_back_to_first_row() -> None:
    table = read_table(b"a,b\n1,2\n", "a.csv")
    assert table.header == ["a", "b"]
    assert list(table.rows) == [(2, ["1", "2"])]


def test_formulas_without_results_are_counted_and_located() -> None:
    """The reason listed five cells and stopped: "F5、F6、F7、F8、F9 等单元格" for a column of
    36, so the user could not tell how far the damage went."""
    rows: list[list[object]] = [
        ["企业名称", "统一社会信用代码", "年月", "进口额(美元)", "x", "出口额(美元)"]
    ]
    rows += [["甲", "91410300000000019Y", "2025-09", 1, None, 2] for _ in range(3)]
    rows += [["甲", "91410300000000019Y", "2025-09", 1, None, "=1+1"] for _ in range(36)]
    with pytest.raises(TableError) as caught:
        read_table(xlsx_bytes(rows), "a.xlsx")
    assert caught.value.reason.startswith(
        "工作表“Sheet1”的F5、F6…F40 等 36 个单元格是公式，但没有计算结果"
    )
    with pytest.raises(TableError, match="工作表“Sheet1”的F5、F6、F7 等 3 个单元格是公式"):
        read_table(xlsx_bytes(rows[:7]), "a.xlsx")
