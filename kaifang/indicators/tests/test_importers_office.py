"""Statistics-office workbooks: indicator × 本月/累计/同比, 万元/亿元 converted, row-level
Chinese errors; nothing committed from a file with errors unless the good rows are chosen."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from kaifang.core.tests.xlsx import behind_a_hidden_sheet_and_a_cover
from kaifang.indicators import actions
from kaifang.indicators.importers.office import IndicatorRef, OfficeError, parse_office
from kaifang.indicators.models import IndicatorValue

REFS = [
    IndicatorRef("retail", ["社会消费品零售总额", "社零总额"], "亿元"),
    IndicatorRef("outsourcing", ["服务外包执行额"], "万美元"),
    IndicatorRef("new_fie", ["新设外资企业数"], "家"),
]
REGIONS = {"本市": "city", "武汉": "wuhan", "郑州": "zhengzhou", "city": "city"}


def workbook(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def office_file() -> bytes:
    return workbook(
        [
            ["2025年1-3月示范市主要商务指标"],
            [],
            ["指标名称", "计量单位", "本月", "累计", "本月同比(%)", "累计同比(%)"],
            ["一、社会消费品零售总额", "万元", "1234567", "3500000", "6.5", "5.9"],
            ["服务外包执行额", "万美元", 800, 2100, -3.2, "1.1"],
            ["新设外资企业数", "家", 5, 12, "", ""],
            ["跨境电商交易额", "亿元", 1, 2, 3, 4],
            ["社零总额", "万元", "abc", 1, 1, 1],
        ]
    )


def test_workbook_parsed_with_units_converted():
    result = parse_office(
        office_file(), "月报.xlsx", indicators=REFS, regions=REGIONS, default_region="city"
    )
    assert result.rows_read == 5
    first = result.rows[0]
    assert first["indicator"] == "retail"
    assert first["region"] == "city"
    assert first["period"] == "2025-03-01"  # from the title
    assert D(first["month_value"]) == D("123.4567")  # 万元 → 亿元
    assert D(first["ytd_value"]) == D("350")
    assert D(first["ytd_yoy_pct"]) == D("5.9")
    out = result.rows[1]
    assert D(out["month_yoy_pct"]) == D("-3.2")  # negative growth kept
    assert result.rows[2]["ytd_yoy_pct"] is None
    errors = [(e.row, e.column, e.value, e.reason) for e in result.errors]
    assert errors == [
        (7, "指标名称", "跨境电商交易额", "未知的指标"),
        (8, "本月", "abc", "不是数值"),
    ]


def test_peer_sheet_with_region_and_header_units():
    data = workbook(
        [
            ["地区", "指标", "年月", "累计(亿元)", "累计同比(%)"],
            ["武汉", "社会消费品零售总额", "2025-03", "1800.5", "7.2"],
            ["郑州", "社会消费品零售总额", "2025-03", "1500", "6.8"],
            ["长沙", "社会消费品零售总额", "2025-03", "1400", "6.1"],
            ["郑州", "社会消费品零售总额", "2025-03", "1500", "6.8"],
        ]
    )
    result = parse_office(data, "peers.xlsx", indicators=REFS, regions=REGIONS)
    assert [(r["region"], r["ytd_value"]) for r in result.rows] == [
        ("wuhan", "1800.5"),
        ("zhengzhou", "1500"),
    ]
    assert [(e.row, e.reason) for e in result.errors] == [(4, "未知的地区"), (5, "与第 3 行重复")]


def test_incompatible_unit_is_a_row_error():
    data = workbook([["指标名称", "计量单位", "累计"], ["服务外包执行额", "万元", 1]])
    result = parse_office(
        data,
        "x.xlsx",
        indicators=REFS,
        regions=REGIONS,
        default_region="city",
        default_period=dt.date(2025, 3, 1),
    )
    assert result.errors[0].reason == "计量单位“万元”与指标单位“万美元”不一致"


def test_a_value_beyond_the_column_is_a_row_error():
    """1e30 used to be stored in numeric(20, 4) and could not be read back."""
    data = workbook(
        [
            ["2025年3月"],
            ["指标名称", "计量单位", "本月", "累计", "累计同比(%)"],
            ["社会消费品零售总额", "亿元", "1e30", 5, 1],
            ["服务外包执行额", "万美元", 1, 2, "1e9"],
            ["新设外资企业数", "家", 5, 12, 3],
        ]
    )
    result = parse_office(data, "x.xlsx", indicators=REFS, regions=REGIONS, default_region="city")
    assert [(e.row, e.column, e.value, e.reason[:4]) for e in result.errors] == [
        (3, "本月", "1e30", "数值过大"),
        (4, "累计同比(%)", "1e9", "数值过大"),
    ]
    assert [r["indicator"] for r in result.rows] == ["new_fie"]


def test_a_unit_stated_in_a_title_row_is_applied():
    """单位：万元 above the header was ignored: 1234567 万元 was stored as 1234567 亿元."""
    result = parse_office(
        workbook(
            [
                ["2025年3月示范市主要商务指标"],
                ["单位：万元"],
                ["指标名称", "本月", "累计"],
                ["社会消费品零售总额", 1234567, 3500000],
                ["新设外资企业数", 5, 12],  # a count: the title's money unit is not its unit
                ["服务外包执行额", 1, 2],  # kept in 万美元: 万元 is a conflict, not a guess
            ]
        ),
        "月报.xlsx",
        indicators=REFS,
        regions=REGIONS,
        default_region="city",
    )
    assert [(r["indicator"], r["month_value"], r["ytd_value"]) for r in result.rows] == [
        ("retail", "123.4567", "350"),
        ("new_fie", "5", "12"),
    ]
    assert [(e.row, e.reason) for e in result.errors] == [
        (6, "计量单位“万元”与指标单位“万美元”不一致")
    ]


def test_two_units_in_the_titles_refuse_the_file():
    with pytest.raises(OfficeError, match="标题中的计量单位不一致"):
        parse_office(
            workbook(
                [["单位：万元"], ["单位：亿元"], ["指标名称", "本月"], ["社会消费品零售总额", 1]]
            ),
            "月报.xlsx",
            indicators=REFS,
            regions=REGIONS,
            default_region="city",
            default_period=dt.date(2025, 3, 1),
        )


def test_a_unit_in_the_indicator_name_is_applied():
    """社会消费品零售总额（万元） was matched but its unit ignored: stored 10,000 times too big."""
    named = [
        ["2025年3月"],
        ["指标名称", "本月", "累计"],
        ["社会消费品零售总额（万元）", 1234567, 3500000],
    ]
    result = parse_office(
        workbook(named), "月报.xlsx", indicators=REFS, regions=REGIONS, default_region="city"
    )
    assert [(r["month_value"], r["ytd_value"]) for r in result.rows] == [("123.4567", "350")]
    # the name says 万元, the column 亿元: which is it? a row error, not a guess
    both = [["2025年3月"], ["指标名称", "本月(亿元)"], ["社零总额（万元）", 1]]
    result = parse_office(
        workbook(both), "月报.xlsx", indicators=REFS, regions=REGIONS, default_region="city"
    )
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (3, "本月(亿元)", "计量单位不一致（万元、亿元）")
    ]


def test_a_period_column_holding_excel_dates():
    """An Excel date in 年月 was refused as 无法识别的年月（2025-03-01）."""
    result = parse_office(
        workbook(
            [
                ["指标名称", "年月", "本月", "累计"],
                ["社会消费品零售总额", dt.datetime(2025, 3, 1), 1, 2],
                ["社零总额", "2025年4月", 1, 2],
            ]
        ),
        "月报.xlsx",
        indicators=REFS,
        regions=REGIONS,
        default_region="city",
    )
    assert result.errors == []
    assert [r["period"] for r in result.rows] == ["2025-03-01", "2025-04-01"]


def test_no_header_is_refused():
    with pytest.raises(OfficeError, match="未找到表头"):
        parse_office(workbook([["a", "b"], [1, 2]]), "x.xlsx", indicators=REFS, regions=REGIONS)


@pytest.mark.django_db
def test_nothing_committed_from_a_file_with_errors_unless_good_rows_chosen(seeded, city):
    result = parse_office(
        office_file(), "月报.xlsx", indicators=REFS, regions=REGIONS, default_region="city"
    )
    staged = actions.value_import_stage(
        actor=city.officer,
        filename="月报.xlsx",
        rows=result.rows,
        errors=[e.as_dict() for e in result.errors],
    )
    with pytest.raises(ValidationError, match="2 行错误"):
        actions.value_import_commit(actor=city.officer, staged=staged, good_rows_only=False)
    assert not IndicatorValue.objects.exists()
    count = actions.value_import_commit(actor=city.officer, staged=staged, good_rows_only=True)
    assert count == 3
    retail = IndicatorValue.objects.get(indicator__code="retail")
    assert retail.ytd_value == D(350)
    assert retail.source == "导入：月报.xlsx"
    with pytest.raises(ValidationError, match="已导入"):
        actions.value_import_commit(actor=city.officer, staged=staged, good_rows_only=True)


def test_formulas_without_results_refuse_the_file():
    """=1+2 never computed (a program-written workbook) was stored as an empty 本月."""
    data = workbook(
        [
            ["2025年3月"],
            ["指标名称", "计量单位", "本月", "累计"],
            ["社会消费品零售总额", "亿元", "=1+2", 5],
        ]
    )
    with pytest.raises(OfficeError, match="C3 等单元格是公式，但没有计算结果"):
        parse_office(data, "x.xlsx", indicators=REFS, regions=REGIONS, default_region="city")


def test_a_hidden_sheet_and_a_cover_page_are_passed_over():
    data = behind_a_hidden_sheet_and_a_cover(
        [["2025年3月"], ["指标名称", "计量单位", "本月"], ["社会消费品零售总额", "亿元", 5]]
    )
    result = parse_office(data, "x.xlsx", indicators=REFS, regions=REGIONS, default_region="city")
    assert [(r["indicator"], r["month_value"]) for r in result.rows] == [("retail", "5")]
