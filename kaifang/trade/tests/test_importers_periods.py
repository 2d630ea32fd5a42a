"""Month cells as files really hold them: an Excel date serial that lost its format (45900),
English month names as Excel shows mmm-yy (Sep-25), a two-digit year (25年9月), a year.month
number (2025.9). Read where the cell says one month; refused with the reason where it does
not."""

from __future__ import annotations

from datetime import date

import pytest

from kaifang.trade.importers.common import CellError, parse_flow, parse_period
from kaifang.trade.importers.customs import CustomsRow, parse_customs
from kaifang.trade.importers.headers import detect_mapping
from kaifang.trade.importers.result import ImportResult
from kaifang.trade.importers.tabular import read_table
from kaifang.trade.tests.helpers import USCC_A, csv_bytes, lookups, xlsx_bytes


@pytest.mark.parametrize(
    ("value", "month"),
    [
        (45900, date(2025, 8, 1)),  # 2025-08-31 as a number: the serial's own month
        (45901, date(2025, 9, 1)),
        (45901.0, date(2025, 9, 1)),
        (45901.5, date(2025, 9, 1)),  # 2025-09-01 12:00
        ("45901", date(2025, 9, 1)),  # the same in a csv
        ("Sep-25", date(2025, 9, 1)),  # Excel's mmm-yy
        ("Sep 2025", date(2025, 9, 1)),
        ("Sept 2025", date(2025, 9, 1)),
        ("September 2025", date(2025, 9, 1)),
        ("sep-2025", date(2025, 9, 1)),
        ("Sep. 2025", date(2025, 9, 1)),
        ("2025-Sep", date(2025, 9, 1)),
        ("01-Sep-25", date(2025, 9, 1)),  # dd-mmm-yy
        ("1 September 2025", date(2025, 9, 1)),
        ("Sep 1, 2025", date(2025, 9, 1)),
        ("25年9月", date(2025, 9, 1)),
        ("25年09月份", date(2025, 9, 1)),
        ("2025.9", date(2025, 9, 1)),
        (2025.9, date(2025, 9, 1)),  # typed into a number cell
        (2025.09, date(2025, 9, 1)),
        (2025.11, date(2025, 11, 1)),
        (2025.12, date(2025, 12, 1)),
        ("2025/09", date(2025, 9, 1)),
        ("09/2025", date(2025, 9, 1)),
        ("２０２５年９月", date(2025, 9, 1)),  # full width
        ("２０２５．９", date(2025, 9, 1)),
    ],
)
def test_month_cells_are_read(value: object, month: date) -> None:
    assert parse_period(value) == month  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (2025.1, "2025.1 可能是 2025年1月，也可能是 2025年10月"),  # Excel keeps 2025.10 as 2025.1
        ("25-Sep", "只有日和月，没有年份"),  # Excel's d-mmm
        (12345, "无法识别的年月"),  # a number, but no date of the years customs data covers
        ("Sep", "没有年份"),
        ("Sepx 2025", "无法识别的年月"),
        ("2025.13", "年月超出范围"),
    ],
)
def test_month_cells_that_say_no_one_month_are_refused_with_a_reason(
    value: object, reason: str
) -> None:
    with pytest.raises(CellError) as caught:
        parse_period(value)  # type: ignore[arg-type]
    assert reason in caught.value.reason


def test_a_serial_in_an_xlsx_number_cell_and_in_a_csv_import_as_that_month() -> None:
    header = ["年月", "统一社会信用代码", "出口额(美元)"]
    for data, name in (
        (xlsx_bytes([header, [45901, USCC_A, 10], ["Sep-25", USCC_A, 5]]), "a.xlsx"),
        (csv_bytes([header, ["45901", USCC_A, "10"], ["Sep-25", USCC_A, "5"]]), "a.csv"),
    ):
        table = read_table(data, name, kind="customs")
        result = parse_customs(
            table, detect_mapping(table.header, kind="customs"), lookups=lookups()
        )
        assert result.errors == []
        assert [(r.period, r.value_usd) for r in result.rows] == [(date(2025, 9, 1), 15)]


def test_an_ambiguous_month_names_the_row_and_column() -> None:
    header = ["年月", "统一社会信用代码", "出口额(美元)"]
    table = read_table(xlsx_bytes([header, [2025.1, USCC_A, 10]]), "a.xlsx", kind="customs")
    result = parse_customs(table, detect_mapping(table.header, kind="customs"), lookups=lookups())
    [error] = result.errors
    assert (error.row, error.column) == (2, "年月")
    assert "请写成 2025-01 或 2025-10" in error.reason


def _parse_sheet(
    rows: list[list[object]], filename: str = "a.xlsx", sheet: str = "Sheet1"
) -> ImportResult[CustomsRow]:
    table = read_table(xlsx_bytes(rows, sheet=sheet), filename, kind="customs")
    return parse_customs(table, detect_mapping(table.header, kind="customs"), lookups=lookups())


def test_a_month_column_of_bare_months_takes_the_year_from_the_title() -> None:
    header = ["月份", "统一社会信用代码", "出口额(美元)"]
    rows: list[list[object]] = [["2025年进出口企业数据"], header]
    rows += [[9, USCC_A, 1], ["10月", USCC_A, 2], ["十一月", USCC_A, 3]]
    result = _parse_sheet(rows)
    assert result.errors == []
    assert result.periods == [date(2025, 9, 1), date(2025, 10, 1), date(2025, 11, 1)]
    assert "年月列只有月份，年份按标题、工作表名称或文件名取 2025 年" in result.notes


def test_bare_months_take_the_year_from_the_file_name_and_else_say_there_is_none() -> None:
    header = ["月份", "统一社会信用代码", "出口额(美元)"]
    result = _parse_sheet([header, [9, USCC_A, 1]], filename="2025年海关数据.xlsx")
    assert result.periods == [date(2025, 9, 1)]
    result = _parse_sheet([header, [9, USCC_A, 1], [13, USCC_A, 1]])
    first, second = result.errors
    assert (first.row, first.column, first.value) == (2, "月份", "9")
    assert "只有月份，没有年份" in first.reason
    assert second.reason == "无法识别的年月"


@pytest.mark.parametrize("value", ["2025-09-30T00:00:00", "2025-09-30 00:00:00.000"])
def test_timestamps_as_programs_write_them(value: str) -> None:
    assert parse_period(value) == date(2025, 9, 1)


@pytest.mark.parametrize(
    ("value", "flow"),
    [
        ("出口(E)", "export"),
        ("进口（I）", "import"),
        ("E-出口", "export"),
        ("I 进口", "import"),
        ("出口货物", "export"),
        ("进口货物", "import"),
        ("Exp", "export"),
        ("Imp", "import"),
    ],
)
def test_flow_cells_naming_the_flow_twice(value: str, flow: str) -> None:
    assert parse_flow(value) == flow


@pytest.mark.parametrize("value", ["出口(I)", "进出口", "1", "E/I"])
def test_flow_cells_that_contradict_themselves_are_refused(value: str) -> None:
    with pytest.raises(CellError, match="无法识别的进出口标志"):
        parse_flow(value)


@pytest.mark.parametrize(
    ("filename", "month"),
    [
        ("海关数据202509.xlsx", date(2025, 9, 1)),
        ("2025年9月出口企业.xlsx", date(2025, 9, 1)),
        ("出口_2025-09.xlsx", date(2025, 9, 1)),
        ("导出20251015.xlsx", None),  # a day: when the file was made, not its month
        ("2025-10-15导出.xlsx", None),
        ("1-9月累计2025.xlsx", None),  # a span
        ("202508与202509.xlsx", None),  # two months
        ("海关数据.xlsx", None),
    ],
)
def test_a_file_without_a_month_column_or_title_takes_the_month_its_name_gives(
    filename: str, month: date | None
) -> None:
    from kaifang.trade.importers.headers import MappingError

    header = ["统一社会信用代码", "出口额(美元)"]
    if month is None:
        with pytest.raises(MappingError, match="未找到年月列"):
            _parse_sheet([header, [USCC_A, 5]], filename=filename, sheet="Sheet1")
        return
    result = _parse_sheet([header, [USCC_A, 5]], filename=filename, sheet="Sheet1")
    assert result.errors == [] and result.periods == [month]
    assert f"按文件名取 {month:%Y年%m月}，请核对" in " ".join(result.notes)
