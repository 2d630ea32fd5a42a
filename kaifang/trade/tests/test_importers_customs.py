from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from kaifang.trade.importers.common import Flow
from kaifang.trade.importers.customs import CustomsRow, parse_customs
from kaifang.trade.importers.headers import MappingError, detect_mapping
from kaifang.trade.importers.result import ImportResult
from kaifang.trade.importers.tabular import read_table
from kaifang.trade.tests.helpers import (
    BAD_USCC,
    USCC_A,
    USCC_B,
    USCC_NEW,
    csv_bytes,
    lookups,
    xlsx_bytes,
)

FIXTURES = Path(__file__).parent / "fixtures"

# The customs statistics platform download (FORMATS.md §1) plus the enterprise column a
# bureau file has.
PLATFORM = [
    "数据年月",
    "统一社会信用代码",
    "商品编码",
    "商品名称",
    "贸易伙伴编码",
    "贸易伙伴名称",
    "贸易方式编码",
    "贸易方式名称",
    "注册地编码",
    "注册地名称",
    "第一数量",
    "第一计量单位",
    "第二数量",
    "第二计量单位",
    "美元",
    "人民币",
]


def platform_row(**overrides: str) -> list[str]:
    row = {
        "数据年月": "202509",
        "统一社会信用代码": USCC_A,
        "商品编码": "85171200",
        "商品名称": "手机",
        "贸易伙伴编码": "502",
        "贸易伙伴名称": "美国",
        "贸易方式编码": "10",
        "贸易方式名称": "一般贸易",
        "注册地编码": "41",
        "注册地名称": "河南省",
        "第一数量": "100",
        "第一计量单位": "台",
        "第二数量": "?",
        "第二计量单位": "?",
        "美元": "1000.50",
        "人民币": "7100.25",
    }
    row.update(overrides)
    return [row[h] for h in PLATFORM]


def parse_rows(
    header: list[str],
    rows: list[list[object]],
    *,
    file_flow: Flow | None = "export",
    encoding: str = "utf-8",
) -> ImportResult[CustomsRow]:
    table = read_table(csv_bytes([header, *rows], encoding=encoding), "f.csv")
    return parse_customs(
        table, detect_mapping(table.header), lookups=lookups(), file_flow=file_flow
    )


def test_platform_download_gb18030_trailing_commas_and_question_marks() -> None:
    rows = [
        platform_row(),
        platform_row(商品编码="84713000", 第一数量="?", 第一计量单位="?", 美元="200", 人民币="?"),
        platform_row(
            统一社会信用代码=USCC_B,
            贸易伙伴编码="110",
            贸易伙伴名称="中国香港",
            贸易方式编码="15",
            贸易方式名称="进料加工贸易",
            美元="0.25",
            人民币="1.75",
        ),
    ]
    data = csv_bytes([PLATFORM, *rows], encoding="gb18030", trailing=True)
    table = read_table(data, "海关统计.csv")
    assert table.encoding == "gb18030"
    result = parse_customs(
        table, detect_mapping(table.header), lookups=lookups(), file_flow="export"
    )
    assert result.errors == []
    assert (result.rows_read, result.rows_imported, result.rows_rejected) == (3, 3, 0)
    assert result.totals["export"].usd == Decimal("1200.75")
    assert result.totals["export"].cny == Decimal("7102.00")
    assert result.totals["import"].usd == 0
    second = next(r for r in result.rows if r.hs_code == "84713000")
    assert second.qty1 is None and second.unit1 == "" and second.value_cny is None
    first = next(r for r in result.rows if r.hs_code == "85171200" and r.partner_code == "502")
    assert first.enterprise.enterprise_id == 1
    assert first.period == date(2025, 9, 1)
    assert first.flow == "export"
    assert first.qty1 == 100 and first.unit1 == "台" and first.qty2 is None and first.unit2 == ""
    assert first.value_usd == Decimal("1000.50")
    assert result.periods == [date(2025, 9, 1)]
    assert result.summary()["totals"] == {
        "export": {"usd": "1200.75", "cny": "7102.00"},
        "import": {"usd": "0", "cny": "0"},
    }


def test_totals_equal_the_files_sum() -> None:
    rows = [
        platform_row(美元=str(i * 1.25), 人民币=str(i), 商品编码=f"8517{i:04d}")
        for i in range(1, 201)
    ]
    result = parse_rows(PLATFORM, rows)  # type: ignore[arg-type]
    assert result.rows_imported == 200
    assert result.totals["export"].usd == sum(Decimal(str(i * 1.25)) for i in range(1, 201))
    assert sum(r.value_usd or 0 for r in result.rows) == result.totals["export"].usd
    assert sum(r.value_cny or 0 for r in result.rows) == Decimal(200 * 201 // 2)


def test_duplicate_keys_are_summed_and_still_counted() -> None:
    rows = [
        platform_row(美元="10", 人民币="70", 第一数量="1"),
        platform_row(美元="5.5", 人民币="?", 第一数量="2"),
        platform_row(美元="1", 人民币="7", 贸易方式编码="15", 贸易方式名称="进料加工贸易"),
    ]
    result = parse_rows(PLATFORM, rows)  # type: ignore[arg-type]
    assert (result.rows_read, result.rows_imported, result.rows_rejected) == (3, 3, 0)
    assert len(result.rows) == 2
    summed = next(r for r in result.rows if r.trade_mode_code == "10")
    assert summed.value_usd == Decimal("15.5")
    assert summed.value_cny == Decimal(70)
    assert summed.qty1 == 3
    assert (summed.first_row, summed.row_count) == (2, 2)


@pytest.mark.parametrize(
    ("overrides", "column", "fragment"),
    [
        ({"统一社会信用代码": ""}, "统一社会信用代码", "缺少企业标识"),
        ({"统一社会信用代码": BAD_USCC}, "统一社会信用代码", "第18位"),
        ({"数据年月": "2025年"}, "数据年月", "无法识别的年月"),
        ({"数据年月": "2025年1-9月"}, "数据年月", "累计"),
        ({"数据年月": "202513"}, "数据年月", "超出范围"),
        ({"商品编码": "8517AB"}, "商品编码", "2至10位数字"),
        ({"商品编码": "851712000011"}, "商品编码", "2至10位数字"),
        ({"商品编码": "?"}, "商品编码", "为空"),
        ({"贸易伙伴编码": "999", "贸易伙伴名称": "火星"}, "贸易伙伴编码", "未知的贸易伙伴"),
        ({"贸易伙伴编码": "?", "贸易伙伴名称": "?"}, "贸易伙伴名称", "贸易伙伴为空"),
        ({"美元": "12a"}, "美元", "不是数值"),
        ({"人民币": "-3"}, "人民币", "数值为负"),
        ({"美元": "?", "人民币": ""}, "美元、人民币", "没有金额"),
        # a credit code pasted into an amount column, a mistyped exponent: beyond numeric(22, 4)
        ({"美元": "91410300000000019000"}, "美元", "数值过大"),
        ({"人民币": "1E+30"}, "人民币", "数值过大"),
    ],
)
def test_each_rejection_reason_with_its_row_number(
    overrides: dict[str, str], column: str, fragment: str
) -> None:
    rows = [platform_row(), platform_row(**overrides), platform_row(商品编码="01")]
    result = parse_rows(PLATFORM, rows)  # type: ignore[arg-type]
    assert (result.rows_read, result.rows_imported, result.rows_rejected) == (3, 2, 1)
    assert len(result.errors) == 1
    error = result.errors[0]
    assert error.row == 3
    assert error.column == column
    assert fragment in error.reason
    assert result.rejected_rows[0][0] == 3
    assert result.totals["export"].usd == Decimal("2001.00")


def test_bad_customs_code_and_unknown_flow() -> None:
    header = ["年月", "海关编码", "企业名称", "进出口", "美元"]
    rows = [
        ["202509", "4103960001", "", "出口", "1"],
        ["202509", "41039600", "某公司", "出口", "1"],
        ["202509", "4103960001", "", "转口", "1"],
    ]
    result = parse_rows(header, rows, file_flow=None)  # type: ignore[arg-type]
    assert [(e.row, e.column) for e in result.errors] == [(3, "海关编码"), (4, "进出口")]
    assert "海关编码格式错误" in result.errors[0].reason
    assert "进出口标志" in result.errors[1].reason


def test_bad_credit_code_is_an_error_even_with_a_known_name() -> None:
    header = ["年月", "统一社会信用代码", "企业名称", "美元"]
    result = parse_rows(header, [["202509", BAD_USCC, "洛阳一号机械有限公司", "1"]])
    assert result.rows_rejected == 1
    assert result.errors[0].column == "统一社会信用代码"


def test_enterprise_identified_by_name_only_when_registered() -> None:
    header = ["年月", "企业名称", "美元"]
    rows = [
        ["202509", "洛阳二号(国际)贸易有限公司", "1"],  # half-width brackets, still the same
        ["202509", "洛阳一号机械厂", "1"],  # a former name
        ["202509", "没听说过的公司", "1"],
    ]
    result = parse_rows(header, rows)  # type: ignore[arg-type]
    assert sorted(r.enterprise.enterprise_id or 0 for r in result.rows) == [1, 2]
    assert [(e.row, e.column) for e in result.errors] == [(4, "企业名称")]
    assert "不在企业库" in result.errors[0].reason


def test_new_enterprises_are_reported_for_pending_review() -> None:
    header = ["年月", "统一社会信用代码", "海关编码", "企业名称", "美元"]
    rows = [
        ["202509", USCC_NEW, "4103961234", "新来的有限公司", "1"],
        ["202510", "", "4103961234", "", "2"],  # same enterprise, only its customs code
        ["202509", "", "4101960ABC", "另一家", "3"],
        ["202509", USCC_A, "", "", "4"],
    ]
    result = parse_rows(header, rows)  # type: ignore[arg-type]
    assert result.errors == []
    assert [(e.uscc, e.customs_code, e.name, e.first_row) for e in result.new_enterprises] == [
        (USCC_NEW, "4103961234", "新来的有限公司", 2),
        ("", "4101960ABC", "另一家", 4),
    ]
    linked = [r for r in result.rows if r.enterprise.uscc == USCC_NEW]
    assert sorted(r.period.month for r in linked) == [9, 10]


@pytest.mark.parametrize(
    "value",
    [
        "202509",
        "2025-09",
        "2025/9",
        "2025年9月",
        "2025年09月",
        "2025.09",
        "2025-09-01",
        "2025/9/1",
        "2025-09-15 00:00:00",
        "20250901",
        "2025年9月1日",  # written out in full: used to be 无法识别的年月
        "2025年09月01日",
        "2025年9月1号",
    ],
)
def test_period_text_variants(value: str) -> None:
    result = parse_rows(["年月", "统一社会信用代码", "美元"], [[value, USCC_A, "1"]])
    assert result.errors == []
    assert result.rows[0].period == date(2025, 9, 1)


@pytest.mark.parametrize(
    ("value", "flow"),
    [
        ("出口", "export"),
        ("进口", "import"),
        ("出", "export"),
        ("进", "import"),
        ("E", "export"),
        ("i", "import"),
        ("Export", "export"),
        ("import", "import"),
    ],
)
def test_flow_variants(value: str, flow: str) -> None:
    result = parse_rows(
        ["年月", "统一社会信用代码", "进出口标志", "美元"],
        [["202509", USCC_A, value, "7"]],
        file_flow=None,
    )
    assert result.rows[0].flow == flow
    assert result.totals[flow].usd == 7


def test_file_level_flow_is_required_without_a_flow_column() -> None:
    table = read_table(
        csv_bytes([["年月", "统一社会信用代码", "美元"], ["202509", USCC_A, "1"]]), "a.csv"
    )
    with pytest.raises(MappingError, match="进出口"):
        parse_customs(table, detect_mapping(table.header), lookups=lookups())


def test_wan_dollar_multiplier() -> None:
    result = parse_rows(
        ["年月", "统一社会信用代码", "金额(万美元)", "金额（万元）"],
        [["202509", USCC_A, "1.2345", "8"]],
    )
    assert result.rows[0].value_usd == Decimal("12345.0000")
    assert result.rows[0].value_cny == Decimal(80000)
    assert result.totals["export"].usd == Decimal(12345)


def test_an_amount_too_large_after_the_unit_is_a_row_error() -> None:
    header = ["年月", "统一社会信用代码", "企业名称", "出口额(万美元)"]
    rows = [["202509", USCC_A, "", "12"], ["202509", USCC_A, "", "100000000000"]]
    result = parse_rows(header, rows)  # type: ignore[arg-type]
    assert [(e.row, e.column, e.reason[:4]) for e in result.errors] == [
        (3, "出口额(万美元)", "数值过大")
    ]
    assert result.totals["export"].usd == Decimal("120000")


def test_hs_codes_with_dots_spaces_and_lost_leading_zero() -> None:
    header = ["年月", "统一社会信用代码", "HS编码", "美元"]
    rows = [["202509", USCC_A, code, "1"] for code in ("8517.12.00", "8517 1200", "1012100", "03")]
    result = parse_rows(header, rows)  # type: ignore[arg-type]
    assert sorted(r.hs_code for r in result.rows) == ["01012100", "03", "85171200"]


def test_partner_names_codes_and_variants() -> None:
    header = ["年月", "统一社会信用代码", "国别(地区)", "美元"]
    names = ["香港", "中国香港", "美国", "US", "(502)美国", "俄罗斯", "台湾"]
    result = parse_rows(header, [["202509", USCC_A, n, "1"] for n in names])
    assert result.errors == []
    found = sorted((r.partner_code, r.value_usd) for r in result.rows)
    assert found == [
        (code, Decimal(n)) for code, n in (("110", 2), ("143", 1), ("344", 1), ("502", 3))
    ]


def test_trade_modes_declaration_codes_names_and_unknown() -> None:
    header = ["年月", "统一社会信用代码", "监管方式", "美元"]
    rows = [
        ["202509", USCC_A, "(0615)进料对口", "1"],
        ["202509", USCC_A, "110", "1"],  # a number cell that lost its zero: 0110
        ["202509", USCC_A, "一般贸易", "1"],
        ["202509", USCC_A, "1039", "1"],
        ["202509", USCC_A, "1039", "1"],
    ]
    result = parse_rows(header, rows)  # type: ignore[arg-type]
    assert result.errors == []
    assert result.rows_imported == 5
    modes = sorted((r.trade_mode_code, r.trade_mode_known, r.value_usd) for r in result.rows)
    one, two = Decimal(1), Decimal(2)
    assert modes == [
        ("0110", True, one),
        ("0615", True, one),
        ("10", True, one),
        ("1039", False, two),
    ]
    assert [(w.row, w.value) for w in result.warnings] == [(5, "1039")]


def test_wide_layout_with_export_and_import_columns() -> None:
    header = [
        "企业名称",
        "统一社会信用代码",
        "进出口总值(万元)",
        "出口(万元)",
        "进口(万元)",
        "同比(%)",
    ]
    rows = [
        ["洛阳一号机械有限公司", USCC_A, "3", "2", "1", "5.1"],
        ["洛阳二号贸易", USCC_B, "4", "4", "0", ""],
    ]
    table = read_table(xlsx_bytes([header, *rows], title="2025年9月示范市进出口企业数据"), "a.xlsx")
    result = parse_customs(table, detect_mapping(table.header), lookups=lookups())
    assert result.errors == []
    assert (result.rows_read, result.rows_imported) == (2, 2)
    assert result.totals["export"].cny == 60000
    assert result.totals["import"].cny == 10000
    assert len(result.rows) == 3
    assert all(r.period == date(2025, 9, 1) for r in result.rows)
    assert any("标题" in note for note in result.notes)


def test_summary_and_note_rows_are_skipped_with_a_warning() -> None:
    header = ["年月", "统一社会信用代码", "企业名称", "美元"]
    rows = [["202509", USCC_A, "", "5"], ["", "", "合计", "5"], ["注：数据来源于海关", "", "", ""]]
    result = parse_rows(header, rows)  # type: ignore[arg-type]
    assert (result.rows_read, result.rows_imported, result.rows_rejected) == (1, 1, 0)
    assert [w.row for w in result.warnings] == [3, 4]


@pytest.mark.parametrize(
    "word", ["合计:", "总计：", "本月合计", "全市总计", "以上合计", "合计（万美元）", "总 合 计"]
)
def test_totals_row_variants_are_skipped_with_a_warning(word: str) -> None:
    """Only exact 合计/总计 were passed over; the variants were rejected with 4-6 reasons."""
    header = ["年月", "统一社会信用代码", "企业名称", "商品编码", "美元"]
    rows = [["202509", USCC_A, "", "85171200", "5"], ["", "", word, "", "5"]]
    result = parse_rows(header, rows)  # type: ignore[arg-type]
    assert (result.rows_imported, result.rows_rejected) == (1, 0)
    assert [(w.row, w.message) for w in result.warnings] == [(3, "合计或说明行，未导入")]


def test_a_name_that_only_starts_like_a_total_is_still_checked() -> None:
    header = ["年月", "统一社会信用代码", "企业名称", "美元"]
    result = parse_rows(header, [["202509", "", "合计贸易有限公司", "5"]])
    assert [(e.row, e.column) for e in result.errors] == [(2, "企业名称")]


def test_rows_of_spaces_are_blank_rows() -> None:
    """Trailing rows holding a space or a full-width space were rejected as bad records."""
    header = ["年月", "统一社会信用代码", "企业名称", "美元"]
    rows = [["202509", USCC_A, "", "5"], [" ", "", "", "  "], ["\u3000"], ["\t", " \u3000 "]]
    for data, name in (
        (csv_bytes([header, *rows]), "f.csv"),
        (xlsx_bytes([header, *rows]), "f.xlsx"),
    ):
        table = read_table(data, name)
        mapping = detect_mapping(table.header)
        result = parse_customs(table, mapping, lookups=lookups(), file_flow="export")
        assert (result.rows_read, result.rows_rejected, result.warnings) == (1, 0, []), name


def _titled(*titles: str, header: list[str], rows: list[list[object]]) -> ImportResult[CustomsRow]:
    data = xlsx_bytes([*[[t] for t in titles], header, *rows])
    table = read_table(data, "f.xlsx", kind="customs")
    mapping = detect_mapping(table.header)
    return parse_customs(table, mapping, lookups=lookups(), file_flow="export")


TITLED = ["年月", "统一社会信用代码", "企业名称", "出口"]


def test_a_unit_stated_in_a_title_row_is_applied() -> None:
    """单位：万美元 above a header 出口 was ignored: 12.5 was taken as 12.5 USD, not 125,000."""
    row: list[object] = ["2025-09", USCC_A, "", 12.5]
    result = _titled("2025年9月出口企业数据", "单位：万美元", header=TITLED, rows=[row])
    assert (result.totals["export"].usd, result.totals["export"].cny) == (Decimal("125000"), 0)
    notes = result.mapping.notes
    assert "列“出口”按标题所注单位（万美元）计" in notes
    assert not any("未注明币种" in n for n in notes)
    in_yuan = _titled("金额单位：万元人民币", header=TITLED, rows=[row])
    assert (in_yuan.totals["export"].usd, in_yuan.totals["export"].cny) == (0, Decimal("125000"))
    # 单位 that is not a unit: 填报单位 naming a firm with 元 in its name changes nothing
    filed_by = _titled("填报单位：示范市元通贸易公司", header=TITLED, rows=[row])
    assert (filed_by.totals["export"].usd, filed_by.totals["export"].cny) == (Decimal("12.5"), 0)
    # the same unit in the title and the header: nothing to reconcile
    same = _titled("单位：万美元", header=[*TITLED[:3], "出口额(万美元)"], rows=[row])
    assert same.totals["export"].usd == Decimal("125000")


@pytest.mark.parametrize(
    ("titles", "value_header", "fragment"),
    [
        (["单位：万美元"], "出口额(美元)", "与列“出口额(美元)”的单位不一致"),
        (["单位：万美元"], "出口额(亿美元)", "与列“出口额(亿美元)”的单位不一致"),
        (["单位：万美元"], "人民币", "未注明单位"),
        (["单位：万美元、万元"], "出口", "未注明币种"),
        (["单位：万元", "单位：亿元"], "出口", "标题中注明的计量单位不一致"),
    ],
)
def test_title_and_header_units_that_disagree_refuse_the_file(
    titles: list[str], value_header: str, fragment: str
) -> None:
    """Which of the two is right cannot be guessed; either guess is 10,000 times off."""
    with pytest.raises(MappingError, match=re.escape(fragment)):
        _titled(*titles, header=[*TITLED[:3], value_header], rows=[["2025-09", USCC_A, "", 1]])


def test_two_level_header_keeps_units_and_both_currencies() -> None:
    header = ["企业名称", "统一社会信用代码", "年月", "出口", None, "进口", None]
    units = [None, None, None, "金额(万美元)", "金额(万元)", "金额(万美元)", "金额(万元)"]
    data = xlsx_bytes([header, units, ["", USCC_A, "2025-09", 100, 700, 50, 350]])
    table = read_table(data, "f.xlsx", kind="customs")
    result = parse_customs(table, detect_mapping(table.header), lookups=lookups())
    assert result.errors == []
    assert (result.totals["export"].usd, result.totals["export"].cny) == (1_000_000, 7_000_000)
    assert (result.totals["import"].usd, result.totals["import"].cny) == (500_000, 3_500_000)


def test_xlsx_with_title_row_and_excel_dates() -> None:
    header = [
        "统计年月",
        "经营单位编码",
        "经营单位名称",
        "商品编码",
        "贸易国别",
        "贸易方式",
        "进出口",
        "美元值",
        "人民币值",
    ]
    rows = [
        [
            datetime(2025, 9, 1),
            4103960001,
            "洛阳一号机械有限公司",
            85171200,
            "日本",
            "一般贸易",
            "出口",
            1000.1,
            7000.7,
        ],
        [
            datetime(2025, 8, 31, 12, 0),
            "4103960001",
            "",
            8517.12,
            "韩国",
            "一般贸易",
            "进口",
            0.1,
            None,
        ],
    ]
    table = read_table(xlsx_bytes([header, *rows], title="企业进出口数据"), "a.xlsx")
    result = parse_customs(table, detect_mapping(table.header), lookups=lookups())
    assert result.errors == []
    assert {(r.period, r.flow, r.hs_code, r.partner_code) for r in result.rows} == {
        (date(2025, 9, 1), "export", "85171200", "116"),
        (date(2025, 8, 1), "import", "851712", "133"),
    }
    assert result.totals["export"].usd == Decimal("1000.1")
    assert result.totals["import"].usd == Decimal("0.1")
    assert all(r.enterprise.enterprise_id == 1 for r in result.rows)


def test_xls_fixture_end_to_end() -> None:
    table = read_table((FIXTURES / "customs_export_2025_09.xls").read_bytes(), "a.xls")
    result = parse_customs(table, detect_mapping(table.header), lookups=lookups())
    # the title says 出口 and there is no flow column
    assert all(r.flow == "export" for r in result.rows)
    assert (result.rows_read, result.rows_imported, result.rows_rejected) == (3, 2, 1)
    assert result.errors[0].row == 5
    assert result.totals["export"].usd == Decimal(155000)
    assert {r.trade_mode_code for r in result.rows} == {"10", "0615"}


def test_a_declaration_derived_layout_dates_its_lines_by_the_declaration() -> None:
    """申报日期 was not a period header: the file was refused with 未找到年月列."""
    header = ["申报日期", "经营单位编码", "商品编号", "监管方式", "最终目的国（地区）", "美元"]
    rows: list[list[object]] = [
        ["2025-09-15", "4103960001", "8517130000", "（0615）进料对口", "美国", "1000.5"],
        [
            "2025/9/16 10:30:00",
            "4103960001",
            "8517.1300.00",
            "（0615）进料对口",
            "美国(502)",
            "200",
        ],
        ["2025-10-02", "4103960001", "8517130000", "0110", "美国", "1"],
    ]
    result = parse_rows(header, rows)
    assert result.errors == []
    assert [
        (r.period, r.hs_code, r.partner_code, r.trade_mode_code, r.value_usd) for r in result.rows
    ] == [
        (date(2025, 9, 1), "8517130000", "502", "0615", Decimal("1200.5")),
        (date(2025, 10, 1), "8517130000", "502", "0110", Decimal(1)),
    ]
    # a statistics month wins over the declaration's date when a file has both
    mapping = detect_mapping(["申报日期", "数据年月", "企业名称", "美元"])
    assert mapping.columns["period"] == 1


@pytest.mark.parametrize("dash", ["－", "——", "－－", "…", "／", "–"])
def test_any_dash_is_an_empty_figure(dash: str) -> None:
    """— was empty but － (full width), —— and … were 不是数值: the row was rejected although
    its other currency held the figure."""
    header = ["年月", "统一社会信用代码", "美元", "人民币"]
    result = parse_rows(header, [["202509", USCC_A, dash, "71"]])
    assert result.errors == []
    assert (result.rows[0].value_usd, result.rows[0].value_cny) == (None, Decimal(71))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,234.50", "1234.50"),
        ("12,345,678", "12345678"),
        ("１,２３４", "1234"),
        ("１，２３４．５", "1234.5"),
    ],
)
def test_thousands_separators(text: str, value: str) -> None:
    result = parse_rows(["年月", "统一社会信用代码", "美元"], [["202509", USCC_A, text]])
    assert result.rows[0].value_usd == Decimal(value)


@pytest.mark.parametrize("text", ["1.234,50", "12,34", "1,2345"])
def test_misplaced_thousands_separators_are_refused(text: str) -> None:
    """1.234,50 (a decimal comma) was read as 1.2345 and 12,34 as 1234, without a word."""
    result = parse_rows(["年月", "统一社会信用代码", "美元"], [["202509", USCC_A, text]])
    [error] = result.errors
    assert (error.row, error.value) == (2, text)
    assert error.reason.startswith("数值格式有误：千位分隔符")


def test_a_declaration_price_in_its_currency() -> None:
    """总价 + 币制 (FORMATS.md §2) was no value column: the file was refused with 未找到金额列."""
    header = ["申报日期", "统一社会信用代码", "商品编号", "总价", "币制"]
    rows: list[list[object]] = [
        ["2025-09-15", USCC_A, "8517130000", "1000.5", "美元"],
        ["2025-09-16", USCC_A, "8517130000", "200", "USD"],
        ["2025-09-17", USCC_B, "8517130000", "710", "(142)人民币"],
        ["2025-09-18", USCC_B, "8517130000", "900", "日元"],
        ["2025-09-18", USCC_B, "8517130000", "", "美元"],
    ]
    result = parse_rows(header, rows)
    assert [(r.value_usd, r.value_cny) for r in result.rows] == [
        (Decimal("1200.5"), None),
        (None, Decimal(710)),
    ]
    assert [(e.row, e.column, e.value, e.reason) for e in result.errors] == [
        (
            5,
            "币制",
            "日元",
            "币制为“日元”：只能导入美元或人民币金额，请换算后填入“美元”或“人民币”列",
        ),
        (6, "总价", "", "没有金额"),
    ]


def test_a_price_without_its_currency_is_refused_at_the_header_check() -> None:
    mapping = detect_mapping(["申报日期", "统一社会信用代码", "总价"])
    with pytest.raises(MappingError, match="有“总价”列但没有“币制”列，无法确定金额的币种"):
        mapping.require(has_file_flow=True)


def test_a_usd_column_wins_over_the_declaration_price() -> None:
    header = ["申报日期", "统一社会信用代码", "总价", "币制", "美元"]
    result = parse_rows(header, [["2025-09-15", USCC_A, "900", "日元", "6"]])
    assert result.errors == [] and result.rows[0].value_usd == Decimal(6)


def test_a_bare_amount_column_takes_the_title_unit() -> None:
    """金额 under 单位：万美元 names no currency in its header: the file was refused with
    未找到金额列 although the title says what the column holds."""
    header = ["年月", "统一社会信用代码", "进出口", "金额"]
    result = _titled("单位：万美元", header=header, rows=[["2025-09", USCC_A, "出口", 1.5]])
    assert result.totals["export"].usd == Decimal("15000")
    assert "列“金额”按标题所注单位（万美元）计" in result.mapping.notes
    # without a unit in the title the bare 金额 stays ambiguous
    with pytest.raises(MappingError, match="未找到金额列"):
        _titled("2025年9月数据", header=header, rows=[["2025-09", USCC_A, "出口", 1.5]])


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


@pytest.mark.parametrize(
    "wrap",
    [_full_width, lambda t: f'="{t}"', lambda t: f"'{t}"],
    ids=["full-width", "excel-text-formula", "apostrophe"],
)
def test_codes_typed_full_width_or_wrapped_as_text(wrap) -> None:  # type: ignore[no-untyped-def]
    """９１４１… typed in full width, or ="85171300" / '502 written so Excel keeps the leading
    zeros, were 统一社会信用代码格式错误 / 商品编码应为2至10位数字 / 未知的贸易伙伴."""
    header = [
        "年月",
        "统一社会信用代码",
        "海关编码",
        "商品编码",
        "贸易伙伴编码",
        "贸易方式编码",
        "美元",
    ]
    row = [wrap("202509"), wrap(USCC_A), "", wrap("01012100"), wrap("502"), wrap("0615"), "1"]
    other = [wrap("202509"), "", wrap("4103960001"), wrap("8517"), wrap("116"), wrap("10"), "2"]
    result = parse_rows(header, [row, other])
    assert result.errors == []
    assert [
        (r.enterprise.enterprise_id, r.hs_code, r.partner_code, r.trade_mode_code)
        for r in result.rows
    ] == [
        (1, "01012100", "502", "0615"),
        (1, "8517", "116", "10"),
    ]


def test_partners_are_known_by_their_short_names() -> None:
    from kaifang.trade.importers.common import Lookups

    found = Lookups.build(
        partners=[
            ("344", "俄罗斯联邦"),
            ("340", "白俄罗斯"),
            ("125", "尼泊尔联邦民主共和国"),
            ("418", "多米尼加共和国"),
            ("408", "多民族玻利维亚国"),
            ("356", "梵蒂冈城国"),
            ("620", "密克罗尼西亚联邦"),
        ]
    )
    names = ["俄罗斯", "白俄罗斯", "尼泊尔", "多米尼加", "玻利维亚", "梵蒂冈", "密克罗尼西亚"]
    assert [found.partner_from_name(n) for n in names] == [
        "344",
        "340",
        "125",
        "418",
        "408",
        "356",
        "620",
    ]
