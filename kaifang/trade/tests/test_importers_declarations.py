"""Files derived from customs declarations (FORMATS.md §2) carry both 原产国（地区） and
最终目的国（地区）. Customs statistics count imports by the country of origin and exports by the
country of final destination: an export's 原产国 is China, and taking it as the partner put every
export under 中国."""

from __future__ import annotations

from datetime import date

from kaifang.trade.importers.customs import parse_customs
from kaifang.trade.importers.headers import detect_mapping
from kaifang.trade.importers.tabular import read_table
from kaifang.trade.tests.helpers import USCC_A, USCC_B, lookups, xlsx_bytes

DECLARATION = [
    "申报日期",
    "统一社会信用代码",
    "商品编号",
    "商品名称及规格型号",
    "总价",
    "币制",
    "原产国（地区）",
    "最终目的国（地区）",
    "监管方式",
]


def _parse(rows: list[list[object]], sheet: str = "Sheet1") -> object:
    table = read_table(xlsx_bytes(rows, sheet=sheet), "a.xlsx", kind="customs")
    return parse_customs(table, detect_mapping(table.header, kind="customs"), lookups=lookups())


def test_an_export_declarations_partner_is_its_final_destination() -> None:
    rows: list[list[object]] = [
        DECLARATION,
        [
            date(2025, 9, 3),
            USCC_A,
            "8429521200",
            "挖掘机",
            450000,
            "美元",
            "中国",
            "俄罗斯联邦",
            "0110",
        ],
        [date(2025, 9, 9), USCC_B, "8517130000", "手机", 12000, "USD", "中国", "美国", "一般贸易"],
    ]
    result = _parse(rows, sheet="出口")
    assert result.errors == []  # type: ignore[attr-defined]
    assert sorted(r.partner_code for r in result.rows) == ["344", "502"]  # type: ignore[attr-defined]


def test_a_file_of_both_flows_takes_origin_for_imports_and_destination_for_exports() -> None:
    header = ["年月", "统一社会信用代码", "进出口", "原产国(地区)", "目的国(地区)", "美元"]
    rows: list[list[object]] = [
        header,
        [202509, USCC_A, "进口", "日本", "中国", 100],
        [202509, USCC_A, "出口", "中国", "美国", 10],
        [202509, USCC_B, "出口", "中国", "火星", 1],
    ]
    result = _parse(rows)
    assert [(r.flow, r.partner_code) for r in result.rows] == [  # type: ignore[attr-defined]
        ("import", "116"),
        ("export", "502"),
    ]
    [error] = result.errors  # type: ignore[attr-defined]
    assert (error.row, error.column, error.value) == (4, "目的国(地区)", "火星")


def test_one_country_column_is_the_partner_whatever_its_name() -> None:
    for column in ("原产国(地区)", "最终目的国(地区)", "贸易国(地区)"):
        header = ["年月", "统一社会信用代码", "进出口", column, "美元"]
        result = _parse([header, [202509, USCC_A, "出口", "日本", 1]])
        assert [r.partner_code for r in result.rows] == ["116"], column  # type: ignore[attr-defined]
