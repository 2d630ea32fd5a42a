"""The pure tariff-list importer, on real csv and xlsx files built here."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from kaifang.core.tests.xlsx import behind_a_hidden_sheet_and_a_cover
from kaifang.risk.importers.tariff_list import parse_tariff_list
from kaifang.trade.tests.helpers import csv_bytes, xlsx_bytes


def test_xlsx_with_title_header_and_rates():
    content = xlsx_bytes(
        [
            ["HTS Subheading", "Product Description", "Additional Duty"],
            ["8501.10.20", "Electric motors", "25%"],
            [8471300010, "Laptops", 10],
            ["85", "Chapter 85", ""],
            [101, "Horses (leading zero lost)", "7.5 %"],
        ],
        title="Annex I — List of products subject to additional duties",
    )
    result = parse_tariff_list(content, filename="list1.xlsx")
    assert result.errors == []
    assert result.header_row == 2
    assert [(line.hs_code, line.rate_pp) for line in result.lines] == [
        ("85011020", Decimal(25)),
        ("8471300010", Decimal(10)),
        ("85", None),
        ("0101", Decimal("7.5")),
    ]
    assert result.lines[0].note == "Electric motors"
    assert result.lines[0].row == 3


def test_gbk_csv_with_chinese_headers_reports_bad_rows():
    content = csv_bytes(
        [
            ["税则号列", "商品名称", "加征税率"],
            ["85011020", "电动机", "25"],
            ["85A1", "坏编码", "10"],
            ["84713000", "计算机", "很高"],
            ["85011020", "重复", "25"],
            ["", "", ""],
            ["", "空编码", "5"],
        ],
        encoding="gbk",
    )
    result = parse_tariff_list(content, filename="清单.csv")
    assert [line.hs_code for line in result.lines] == ["85011020"]
    assert [str(e) for e in result.errors] == [
        "第3行“税则号列”列：商品编码“85A1”不是2、4、6、8或10位数字",
        "第4行“加征税率”列：税率“很高”不是数字（请填写百分点，如 25 或 25%）",
        "第5行“税则号列”列：商品编码“85011020”与第2行重复",
        "第7行“税则号列”列：商品编码为空",
    ]


def test_headerless_list_of_codes():
    result = parse_tariff_list(b"8501\n847130\n85423100\n", filename="codes.txt")
    assert [line.hs_code for line in result.lines] == ["8501", "847130", "85423100"]
    assert all(line.rate_pp is None for line in result.lines)
    assert result.errors == []


def test_unreadable_files():
    assert str(parse_tariff_list(b"not a zip", filename="x.xlsx").errors[0]).startswith("文件")
    assert "没有商品编码" in str(parse_tariff_list(b"", filename="x.csv").errors[0])


def test_nan_or_infinite_rate_is_a_row_error_not_a_crash():
    """NaN used to raise decimal.InvalidOperation (a 500) when compared with the range."""
    content = "商品编码,加征税率\n85011020,NaN\n84713000,Infinity\n85423100,25\n".encode()
    result = parse_tariff_list(content, filename="清单.csv")
    assert [str(e) for e in result.errors] == [
        "第2行“加征税率”列：税率“NaN”不是数字（请填写百分点，如 25 或 25%）",
        "第3行“加征税率”列：税率“Infinity”不是数字（请填写百分点，如 25 或 25%）",
    ]
    assert [line.hs_code for line in result.lines] == ["85423100"]


def test_excel_typed_codes_percent_cells_and_full_width_digits():
    """8501.10 typed into Excel is the number 8501.1 (was stored as 085011), a cell showing
    25% holds 0.25 (was taken as 0.25 points), full-width ８５０１１０２０ never matched."""
    content = xlsx_bytes(
        [["商品编码", "加征税率"], [8501.1, 0.25], [8471.3, 0.075], [85423100, 10]],
        number_format={1: "0%"},
    )
    result = parse_tariff_list(content, filename="清单.xlsx")
    assert result.errors == []
    assert [(line.hs_code, line.rate_pp) for line in result.lines] == [
        ("850110", Decimal(25)),
        ("847130", Decimal("7.5")),
        ("85423100", Decimal(1000)),
    ]
    text = "商品编码,加征税率\n８５０１１０２０,２５％\n".encode()
    result = parse_tariff_list(text, filename="清单.csv")
    assert [(line.hs_code, line.rate_pp) for line in result.lines] == [("85011020", Decimal(25))]


def test_a_file_in_another_format_is_named_not_called_an_encoding_problem():
    fixture = (
        Path(__file__).parents[2] / "trade" / "tests" / "fixtures" / "customs_export_2025_09.xls"
    )
    result = parse_tariff_list(fixture.read_bytes(), filename="清单.xls")
    assert [str(e) for e in result.errors] == [
        "文件：这是旧版 Excel（.xls）文件：请在 Excel 中另存为 .xlsx 或 CSV 后再导入。"
    ]
    # an .xlsx renamed .csv is read as the workbook it is
    renamed = xlsx_bytes([["商品编码", "加征税率"], ["85011020", 25]])
    assert [line.hs_code for line in parse_tariff_list(renamed, filename="清单.csv").lines] == [
        "85011020"
    ]


def test_formula_rates_without_results_are_reported():
    """=20+5 never computed was read as no rate at all, without a word."""
    result = parse_tariff_list(
        xlsx_bytes([["商品编码", "加征税率"], ["85011020", "=20+5"]]), filename="清单.xlsx"
    )
    assert result.lines == []
    assert str(result.errors[0]).startswith("文件：工作表“Sheet1”的B2 等单元格是公式")


def test_a_hidden_sheet_and_a_cover_page_are_passed_over():
    """Each cover line used to be a row error (商品编码“2026年数据报送”不是…)."""
    data = behind_a_hidden_sheet_and_a_cover([["商品编码", "加征税率"], ["85011020", 25]])
    result = parse_tariff_list(data, filename="清单.xlsx")
    assert (result.errors, [line.hs_code for line in result.lines]) == ([], ["85011020"])
