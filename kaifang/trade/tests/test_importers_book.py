"""Workbooks with several data sheets: 出口 and 进口, one sheet per month, a table continued on
a second sheet. Before, only the first data sheet was read and the others were silently left
out of the import."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from kaifang.trade.importers.book import Book, read_book, split_sheet_names
from kaifang.trade.importers.common import Flow
from kaifang.trade.importers.context import check_tables
from kaifang.trade.importers.customs import CustomsRow, parse_customs
from kaifang.trade.importers.errors_xlsx import error_report_xlsx
from kaifang.trade.importers.headers import MappingError, detect_mapping
from kaifang.trade.importers.result import ImportResult
from kaifang.trade.importers.stream import StreamEnd, WriteChunk, stream_customs
from kaifang.trade.importers.tabular import SheetNotFoundError, TableError, read_table
from kaifang.trade.tests.helpers import BAD_USCC, USCC_A, USCC_B, lookups, workbook_bytes

HEADER = ["年月", "统一社会信用代码", "贸易伙伴编码", "美元"]


def _parse(
    data: bytes, name: str = "a.xlsx", sheets: Sequence[str] = (), flow: Flow | None = None
) -> tuple[Book, ImportResult[CustomsRow]]:
    book = read_book(data, name, kind="customs", sheets=sheets)
    mapping = detect_mapping(book.first.header, kind="customs")
    return book, parse_customs(book.tables, mapping, lookups=lookups(), file_flow=flow)


def test_export_and_import_sheets_take_their_flow_from_the_name() -> None:
    data = workbook_bytes(
        {
            "出口": [HEADER, [202509, USCC_A, "502", 100], [202509, USCC_B, "116", 20]],
            "进口": [HEADER, [202509, USCC_A, "502", 7], [202509, BAD_USCC, "116", 1]],
        }
    )
    book, result = _parse(data)
    assert book.sheet_names == ["出口", "进口"]
    assert result.totals["export"].usd == Decimal(120)
    assert result.totals["import"].usd == Decimal(7)
    assert (result.rows_read, result.rows_imported, result.rows_rejected) == (4, 3, 1)
    [error] = result.errors
    assert (error.sheet, error.row, error.where) == ("进口", 3, "工作表「进口」第 3 行")
    assert error.as_dict()["sheet"] == "进口"
    assert "工作表「出口」没有进出口列，按工作表名称视为出口" in result.notes
    assert "工作表「进口」没有进出口列，按工作表名称视为进口" in result.notes


def test_one_sheet_per_month_takes_the_month_from_the_name() -> None:
    header = ["统一社会信用代码", "进出口", "美元"]
    data = workbook_bytes(
        {
            "1月": [["2025年进出口企业数据"], header, [USCC_A, "出口", 1]],
            "2月": [["2025年进出口企业数据"], header, [USCC_A, "出口", 2]],
        }
    )
    _book, result = _parse(data)
    assert result.periods == [date(2025, 1, 1), date(2025, 2, 1)]
    assert result.totals["export"].usd == Decimal(3)


@pytest.mark.parametrize(
    ("names", "filename", "months"),
    [
        (("2025年9月", "2025年10月"), "a.xlsx", [date(2025, 9, 1), date(2025, 10, 1)]),
        (("202509", "2025-10"), "a.xlsx", [date(2025, 9, 1), date(2025, 10, 1)]),
        (("九月", "十月"), "2025年海关数据.xlsx", [date(2025, 9, 1), date(2025, 10, 1)]),
        (("9月出口", "10月出口"), "海关2025.xlsx", [date(2025, 9, 1), date(2025, 10, 1)]),
    ],
)
def test_month_sheet_names(names: tuple[str, str], filename: str, months: list[date]) -> None:
    header = ["统一社会信用代码", "出口额(美元)"]
    data = workbook_bytes({name: [header, [USCC_A, 5]] for name in names})
    _book, result = _parse(data, filename)
    assert result.periods == months


def test_a_month_without_a_year_is_refused_with_the_sheet_named() -> None:
    header = ["统一社会信用代码", "出口额(美元)"]
    data = workbook_bytes({"1月": [header, [USCC_A, 5]], "2月": [header, [USCC_A, 6]]})
    book = read_book(data, "海关数据.xlsx", kind="customs")
    with pytest.raises(MappingError, match="工作表「1月」的名称只有月份，找不到年份"):
        check_tables(book.tables, detect_mapping(book.first.header, kind="customs"))


def test_sheets_with_different_headers_are_refused_naming_both() -> None:
    data = workbook_bytes(
        {
            "出口": [HEADER, [202509, USCC_A, "502", 1]],
            "进口": [
                ["年月", "统一社会信用代码", "贸易伙伴编码", "人民币"],
                [202509, USCC_A, "502", 1],
            ],
        }
    )
    with pytest.raises(TableError) as caught:
        read_book(data, "a.xlsx", kind="customs")
    assert caught.value.reason.startswith(
        "工作表「进口」的表头与「出口」不同（没有「出口」的列“美元”；多出列“人民币”）"
    )
    # one of them can still be chosen
    book, result = _parse(data, sheets=["进口"])
    assert book.sheet_names == ["进口"] and result.totals["import"].cny == Decimal(1)
    assert "「出口」（未选择）" in book.skipped


def test_hidden_cover_and_summary_sheets_are_passed_over_and_said() -> None:
    data = workbook_bytes(
        {
            "参数": [["代码", "名称"]],
            "封面": [["2025年9月数据报送"]],
            "出口": [HEADER, [202509, USCC_A, "502", 1]],
            "进口": [HEADER, [202509, USCC_A, "502", 2]],
            "汇总": [HEADER, [202509, USCC_A, "502", 3]],
            "空表": [],
        },
        hidden=["参数"],
    )
    book, result = _parse(data)
    assert book.sheet_names == ["出口", "进口"]
    assert book.skipped == [
        "「参数」（隐藏）",
        "「封面」（没有表头）",
        "「空表」（空白）",
        "「汇总」（汇总表，其数据即其他工作表之和）",
    ]
    assert (result.totals["export"].usd, result.totals["import"].usd) == (1, 2)


def test_a_table_continued_on_a_second_sheet_sums_its_keys_across_sheets() -> None:
    header = ["年月", "统一社会信用代码", "进出口", "美元"]
    data = workbook_bytes(
        {
            "Sheet1": [header, [202509, USCC_A, "出口", 1], [202509, USCC_B, "出口", 2]],
            "Sheet2": [header, [202509, USCC_A, "出口", 4]],
        }
    )
    _book, result = _parse(data)
    sums = {(r.enterprise.enterprise_id, r.row_count): r.value_usd for r in result.rows}
    assert sums == {(1, 2): Decimal(5), (2, 1): Decimal(2)}


def test_the_stream_reads_every_sheet_as_the_one_pass_parse_does() -> None:
    header = ["年月", "统一社会信用代码", "进出口", "美元"]
    data = workbook_bytes(
        {
            "Sheet1": [header, *([202509, USCC_A, "出口", 1] for _ in range(5))],
            "Sheet2": [header, [202509, USCC_A, "出口", 4], [202509, BAD_USCC, "出口", 1]],
        }
    )
    book = read_book(data, "a.xlsx", kind="customs")
    mapping = detect_mapping(book.first.header, kind="customs")
    items = list(
        stream_customs(
            book.tables, mapping, lookups=lookups(), source="customs", batch_id=None, chunk_rows=10
        )
    )
    chunks = [i for i in items if isinstance(i, WriteChunk)]
    [end] = [i for i in items if isinstance(i, StreamEnd)]
    assert len(chunks) == 3  # 2 + 3 rows of Sheet1, then Sheet2: a chunk never spans sheets
    assert end.result.totals["export"].usd == Decimal(9)
    assert [(e.sheet, e.row) for e in end.result.errors] == [("Sheet2", 3)]
    # the key met in the first chunk: the second chunk (3) and Sheet2 (4) are added to it
    assert [r[8] for r in end.late] == ["7"]


def test_a_file_flow_that_contradicts_a_sheet_name_is_refused() -> None:
    data = workbook_bytes({"出口": [HEADER, [202509, USCC_A, "502", 1]], "进口": [HEADER]})
    book = read_book(data, "a.xlsx", kind="customs")
    with pytest.raises(MappingError, match="上传时指定整表为出口，但工作表「进口」的名称是进口"):
        check_tables(book.tables, detect_mapping(HEADER, kind="customs"), file_flow="export")


def test_error_report_names_the_sheet_of_each_row() -> None:
    data = workbook_bytes(
        {
            "出口": [HEADER, [202509, BAD_USCC, "502", 1]],
            "进口": [HEADER, [202509, BAD_USCC, "502", 2]],
        }
    )
    _book, result = _parse(data)
    report = error_report_xlsx(result.mapping.headers, result.rejected_rows, result.errors)
    sheet = load_workbook(io.BytesIO(report)).active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][:2] == ["工作表", "原行号"]
    assert [(v[0], v[1], v[3]) for v in values[1:]] == [
        ("出口", 2, BAD_USCC),
        ("进口", 2, BAD_USCC),
    ]
    assert all("统一社会信用代码" in str(v[-1]) for v in values[1:])


def test_split_sheet_names() -> None:
    assert split_sheet_names("出口， 进口、2025年9月;") == ["出口", "进口", "2025年9月"]


def test_formulas_without_results_on_a_later_sheet_name_that_sheet() -> None:
    header = ["企业名称", "统一社会信用代码", "年月", "出口额(美元)"]
    data = workbook_bytes(
        {
            "出口": [header, ["甲", USCC_A, "2025-09", 3]],
            "进口": [header, ["甲", USCC_A, "2025-09", "=1+2"]],
        }
    )
    assert list(read_table(data, "a.xlsx").rows)  # the first sheet alone reads
    with pytest.raises(TableError, match="工作表“进口”的D2 等单元格是公式"):
        read_book(data, "a.xlsx", kind="customs")


def _merged_workbook() -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["年月", "统一社会信用代码", "企业名称", "商品编码", "进出口", "美元", "企业合计"])
    ws.append([202509, USCC_A, "洛阳一号机械有限公司", "8517", "出口", 1, 6])
    ws.append([None, None, None, "8471", "出口", 2, None])
    ws.append([None, None, None, "8473", "出口", 3, None])
    ws.append([202509, USCC_B, "乙", "8517", "出口", 4, 4])
    for cells in ("A2:A5", "B2:B4", "C2:C4", "G2:G4"):
        ws.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_cells_merged_down_fill_the_rows_they_span() -> None:
    """An enterprise merged over its product lines: the lines below the first were rejected
    as 缺少企业标识 and 年月为空."""
    _book, result = _parse(_merged_workbook())
    assert result.errors == []
    assert sorted((r.enterprise.enterprise_id, r.hs_code, r.value_usd) for r in result.rows) == [
        (1, "8471", 2),
        (1, "8473", 3),
        (1, "8517", 1),
        (2, "8517", 4),
    ]
    assert "跨行合并的单元格（如企业名称、年月）按所跨各行相同导入" in result.notes


def test_the_stream_fills_a_merge_that_crosses_a_chunk() -> None:
    book = read_book(_merged_workbook(), "a.xlsx", kind="customs")
    mapping = detect_mapping(book.first.header, kind="customs")
    items = list(
        stream_customs(
            book.tables, mapping, lookups=lookups(), source="customs", batch_id=None, chunk_rows=5
        )
    )  # chunks of 1 row, then 5
    [end] = [i for i in items if isinstance(i, StreamEnd)]
    assert end.result.errors == [] and end.result.totals["export"].usd == Decimal(10)


@pytest.mark.parametrize("order", ["detail-first", "summary-first"])
def test_a_sheet_by_country_beside_the_records_is_passed_over(order: str) -> None:
    """A pivot by country (贸易伙伴名称, 美元) beside the records has a header too: its
    different columns would refuse the whole file."""
    sheets = {
        "明细": [HEADER, [202509, USCC_A, "502", 1]],
        "按国别": [["贸易伙伴名称", "美元"], ["美国", 1]],
    }
    if order == "summary-first":
        sheets = dict(reversed(sheets.items()))
    book, result = _parse(workbook_bytes(sheets), flow="export")
    assert book.sheet_names == ["明细"]
    assert book.skipped == ["「按国别」（没有企业列或金额列，不是明细表）"]
    assert result.totals["export"].usd == Decimal(1)


def test_an_xls_with_a_hidden_sheet_export_and_import_sheets_and_merged_cells() -> None:
    """customs_two_sheets_2025_09.xls (see fixtures/README.md) end to end."""
    data = (Path(__file__).parent / "fixtures" / "customs_two_sheets_2025_09.xls").read_bytes()
    book, result = _parse(data, "九月.xls")
    assert (book.sheet_names, book.skipped) == (["出口", "进口"], ["「参数」（隐藏）"])
    assert result.periods == [date(2025, 9, 1)]
    assert result.totals["export"].usd == Decimal("65000")  # (1.5 + 2 + 3) 万美元
    assert result.totals["import"].usd == Decimal("5000")
    assert [(e.where, e.column) for e in result.errors] == [
        ("工作表「进口」第 4 行", "统一社会信用代码")
    ]


@pytest.mark.parametrize(
    ("sheets", "fragment"),
    [
        (
            {"1-9月": [["统一社会信用代码", "出口额(美元)"], [USCC_A, 1]]},
            "工作表名称“1-9月”是累计期间",
        ),
        (
            {
                "Sheet1": [
                    ["2025年1-9月出口企业数据"],
                    ["统一社会信用代码", "出口额(美元)"],
                    [USCC_A, 1],
                ]
            },
            "标题“2025年1-9月出口企业数据”是累计期间",
        ),
    ],
    ids=["sheet-name", "title"],
)
def test_a_cumulative_period_is_named(sheets: dict[str, list[list[object]]], fragment: str) -> None:
    """未找到年月列…也没有指定文件所属年月 said nothing of the 1-9月 the file does state."""
    book = read_book(workbook_bytes(sheets), "a.xlsx", kind="customs")
    with pytest.raises(MappingError, match=fragment):
        check_tables(book.tables, detect_mapping(book.first.header, kind="customs"))


def test_sheets_named_for_a_csv_are_refused() -> None:
    data = "年月,统一社会信用代码,出口额(美元)\n202509,x,1\n".encode()
    with pytest.raises(SheetNotFoundError, match="CSV 文件没有工作表"):
        read_book(data, "a.csv", sheets=["出口"])


def test_a_chart_sheet_is_named_a_chart_sheet_not_a_hidden_one() -> None:
    from openpyxl.chart import BarChart, Reference

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "出口"
    for row in (HEADER, [202509, USCC_A, "502", 1], [202509, USCC_B, "116", 2]):
        ws.append(row)
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=4, min_row=1, max_row=3), titles_from_data=True)
    book.create_chartsheet("出口图表").add_chart(chart)
    hidden = book.create_sheet("参数")
    hidden.append(["代码", "名称"])
    hidden.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    found, result = _parse(out.getvalue())
    assert found.sheet_names == ["出口"]
    assert found.skipped == ["「出口图表」（图表工作表）", "「参数」（隐藏）"]
    assert result.totals["export"].usd == Decimal(3)


def test_sheets_whose_columns_differ_only_in_order_are_read_each_by_its_own_header() -> None:
    data = workbook_bytes(
        {
            "出口": [HEADER, [202509, USCC_A, "502", 100], [202509, USCC_B, "116", 20]],
            "进口": [
                ["美元", "贸易伙伴编码", "年月", "统一社会信用代码"],
                [7, "502", 202509, USCC_A],
                [1, "116", 202509, BAD_USCC],
            ],
        }
    )
    book, result = _parse(data)
    assert book.sheet_names == ["出口", "进口"]
    assert (result.totals["export"].usd, result.totals["import"].usd) == (120, 7)
    [error] = result.errors
    assert (error.sheet, error.row, error.column) == ("进口", 3, "统一社会信用代码")
    # the error report lays the row out under the first sheet's header
    report = error_report_xlsx(result.mapping.headers, result.rejected_rows, result.errors)
    sheet = load_workbook(io.BytesIO(report)).active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][:6] == ["工作表", "原行号", *HEADER]
    assert values[1][:6] == ["进口", 3, 202509, BAD_USCC, "116", 1]
    # the stream reads them the same way
    mapping = detect_mapping(book.first.header, kind="customs")
    items = list(
        stream_customs(
            read_book(data, "a.xlsx", kind="customs").tables,
            mapping,
            lookups=lookups(),
            source="customs",
            batch_id=None,
        )
    )
    [end] = [i for i in items if isinstance(i, StreamEnd)]
    assert (end.result.totals["export"].usd, end.result.totals["import"].usd) == (120, 7)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # each sheet's amount named for its flow
        (
            ["年月", "统一社会信用代码", "出口额(美元)"],
            ["年月", "统一社会信用代码", "进口额(美元)"],
        ),
        (["年月", "统一社会信用代码", "出口额"], ["进口额", "统一社会信用代码", "年月"]),
        # an export's partner by destination, an import's by origin
        (
            ["年月", "统一社会信用代码", "最终目的国(地区)", "出口额(美元)"],
            ["年月", "统一社会信用代码", "原产国(地区)", "进口额(美元)"],
        ),
        # synonyms the header map knows
        (["年月", "统一社会信用代码", "美元"], ["数据年月", "社会信用代码", "金额(美元)"]),
        (["统计年月", "企业名称", "美元值"], ["年月", "经营单位名称", "美元"]),
    ],
)
def test_sheets_naming_the_same_columns_differently_are_read(
    first: list[str], second: list[str]
) -> None:
    def row(header: list[str], amount: int) -> list[object]:
        values = {"年月": 202509, "码": USCC_A, "名称": "洛阳一号机械有限公司", "国": "日本"}
        return [
            amount if ("额" in h or "美元" in h) else next(v for k, v in values.items() if k in h)
            for h in header
        ]

    data = workbook_bytes({"出口": [first, row(first, 5)], "进口": [second, row(second, 3)]})
    _book, result = _parse(data)
    assert result.errors == []
    assert (result.totals["export"].usd, result.totals["import"].usd) == (5, 3)


@pytest.mark.parametrize(
    ("second", "detail"),
    [
        (
            ["年月", "统一社会信用代码", "贸易伙伴编码", "万美元"],
            "没有「出口」的列“美元”；多出列“万美元”",
        ),
        (["年月", "统一社会信用代码", "贸易伙伴编码", "美元", "人民币"], "多出列“人民币”"),
        (["年月", "统一社会信用代码", "美元"], "没有「出口」的列“贸易伙伴编码”"),
    ],
)
def test_sheets_that_really_differ_are_still_refused(second: list[str], detail: str) -> None:
    data = workbook_bytes({"出口": [HEADER], "进口": [second]})
    with pytest.raises(TableError) as caught:
        read_book(data, "a.xlsx", kind="customs")
    assert caught.value.reason.startswith(f"工作表「进口」的表头与「出口」不同（{detail}）")


def test_a_column_the_user_mapped_that_a_later_sheet_lacks_is_refused_naming_it() -> None:
    header = ["年月", "统一社会信用代码", "往来国家", "美元"]
    data = workbook_bytes(
        {
            "出口": [header, [202509, USCC_A, "美国", 1]],
            "进口": [["美元", "年月", "统一社会信用代码"], [2, 202509, USCC_A]],
        }
    )
    book = read_book(data, "a.xlsx", kind="customs")
    mapping = detect_mapping(header, kind="customs", overrides={"partner_name": "往来国家"})
    with pytest.raises(MappingError, match="工作表「进口」没有「出口」的列“往来国家”"):
        check_tables(book.tables, mapping)


@pytest.mark.parametrize(
    "names", [("Sep-25", "Oct-25"), ("Sep 2025", "October 2025"), ("25年9月", "25年10月")]
)
def test_month_sheets_named_in_english_or_with_a_short_year(names: tuple[str, str]) -> None:
    header = ["统一社会信用代码", "出口额(美元)"]
    data = workbook_bytes({name: [header, [USCC_A, 5]] for name in names})
    _book, result = _parse(data)
    assert result.periods == [date(2025, 9, 1), date(2025, 10, 1)]
