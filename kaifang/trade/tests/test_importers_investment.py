from __future__ import annotations

from datetime import date
from decimal import Decimal

from kaifang.trade.importers.fdi import parse_fdi
from kaifang.trade.importers.headers import detect_mapping
from kaifang.trade.importers.odi import parse_odi
from kaifang.trade.importers.tabular import read_table
from kaifang.trade.tests.helpers import BAD_USCC, USCC_A, USCC_NEW, csv_bytes, lookups, xlsx_bytes


def test_fdi_by_enterprise_investor_country_and_month() -> None:
    header = [
        "外商投资企业名称",
        "统一社会信用代码",
        "投资方国别（地区）",
        "实际使用外资(万美元)",
        "合同外资(万美元)",
        "外国投资者",
        "年月",
    ]
    rows = [
        ["洛阳一号机械有限公司", USCC_A, "中国香港", "120.5", "300", "港商甲", "2025-09"],
        ["洛阳一号机械有限公司", USCC_A, "香港", "10", "", "港商乙", "2025年9月"],
        ["新外资公司", USCC_NEW, "日本", "3", "?", "", "202509"],
        ["坏代码公司", BAD_USCC, "日本", "3", "", "", "202509"],
        ["洛阳一号机械有限公司", USCC_A, "火星", "3", "", "", "202509"],
        ["洛阳一号机械有限公司", USCC_A, "日本", "", "", "", "202509"],
    ]
    table = read_table(csv_bytes([header, *rows], encoding="gb18030"), "fdi.csv")
    mapping = detect_mapping(table.header, kind="fdi")
    result = parse_fdi(table, mapping, lookups=lookups())
    assert (result.rows_read, result.rows_imported, result.rows_rejected) == (6, 3, 3)
    assert [(e.row, e.column) for e in result.errors] == [
        (5, "统一社会信用代码"),
        (6, "投资方国别（地区）"),
        (7, "实际使用外资(万美元)、合同外资(万美元)"),
    ]
    assert result.totals["value"].usd == Decimal("1335000")
    assert result.totals["second"].usd == Decimal(3_000_000)
    hk = next(r for r in result.rows if r.partner_code == "110")
    assert hk.value_usd == Decimal("1305000")
    assert hk.counterparts == ("港商甲", "港商乙")
    assert hk.row_count == 2
    assert hk.period == date(2025, 9, 1)
    assert [e.uscc for e in result.new_enterprises] == [USCC_NEW]
    assert result.summary()["totals"] == {
        "value": {"usd": "1335000.0", "cny": "0"},
        "second": {"usd": "3000000", "cny": "0"},
    }


def test_odi_by_enterprise_destination_and_month_from_xlsx() -> None:
    header = [
        "序号",
        "境内投资主体",
        "统一社会信用代码",
        "境外企业名称",
        "投资目的地",
        "中方协议投资额（万美元）",
        "对外直接投资额（万美元）",
        "年月",
    ]
    rows: list[list[object]] = [
        [1, "洛阳一号机械有限公司", USCC_A, "LY Machinery GmbH", "德国", 500, 80.25, 202509],
        [2, "洛阳一号机械有限公司", USCC_A, "LY Trading GmbH", "德国", None, 19.75, 202509],
        [3, "洛阳一号机械有限公司", USCC_A, "LY Russia", "俄罗斯", 10, -1, 202509],
        ["合计", None, None, None, None, 510, 99, None],
    ]
    table = read_table(xlsx_bytes([header, *rows], title="2025年9月对外直接投资情况"), "odi.xlsx")
    result = parse_odi(table, detect_mapping(table.header, kind="odi"), lookups=lookups())
    assert (result.rows_read, result.rows_imported, result.rows_rejected) == (3, 2, 1)
    assert result.errors[0].row == 5
    assert "负" in result.errors[0].reason
    assert [w.row for w in result.warnings] == [6]
    assert len(result.rows) == 1
    row = result.rows[0]
    assert row.partner_code == "303"
    assert row.value_usd == Decimal(1_000_000)
    assert row.second_usd == Decimal(5_000_000)
    assert row.counterparts == ("LY Machinery GmbH", "LY Trading GmbH")


def test_fdi_period_from_title_when_no_period_column() -> None:
    header = ["企业名称", "国别(地区)", "到资金额(万美元)"]
    table = read_table(
        xlsx_bytes([header, ["洛阳一号机械有限公司", "日本", 2]], title="2025年10月实际使用外资"),
        "a.xlsx",
    )
    result = parse_fdi(table, detect_mapping(table.header, kind="fdi"), lookups=lookups())
    assert result.rows[0].period == date(2025, 10, 1)
    assert result.rows[0].enterprise.enterprise_id == 1


def test_fdi_unit_stated_in_a_title_row_is_applied() -> None:
    """单位：万美元 above 实际使用外资 (no unit of its own): 120.5 is 1,205,000 USD, not 120.5."""
    header = ["外商投资企业名称", "统一社会信用代码", "投资方国别（地区）", "实际使用外资", "年月"]
    row = ["洛阳一号机械有限公司", USCC_A, "香港", 120.5, "2025-09"]
    data = xlsx_bytes([["单位：万美元"], header, row], title="2025年9月外资到位情况")
    table = read_table(data, "fdi.xlsx", kind="fdi")
    result = parse_fdi(table, detect_mapping(table.header, kind="fdi"), lookups=lookups())
    assert result.errors == []
    assert result.totals["value"].usd == Decimal("1205000")
    assert "列“实际使用外资”按标题所注单位（万美元）计" in result.mapping.notes


def test_fdi_dated_by_the_day_the_capital_arrived() -> None:
    header = [
        "企业名称",
        "统一社会信用代码",
        "投资方国别(地区)",
        "实际使用外资(万美元)",
        "到资日期",
    ]
    table = read_table(
        csv_bytes([header, ["甲", USCC_A, "中国香港", "1.5", "2025-09-12"]]), "fdi.csv"
    )
    result = parse_fdi(table, detect_mapping(table.header, kind="fdi"), lookups=lookups())
    assert result.errors == []
    assert [r.period for r in result.rows] == [date(2025, 9, 1)]
