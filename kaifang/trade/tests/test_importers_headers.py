from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest

from kaifang.trade.importers.headers import (
    HeaderMapping,
    MappingError,
    detect_mapping,
    header_score,
    normalise_header,
)

BASE = ["年月", "企业名称", "美元"]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        # period
        ("数据年月", "period"),
        ("年月", "period"),
        ("统计年月", "period"),
        ("日期", "period"),
        ("月份", "period"),
        # flow
        ("进出口", "flow"),
        ("进出口标志", "flow"),
        ("贸易流向", "flow"),
        # enterprise
        ("统一社会信用代码", "uscc"),
        ("社会信用代码", "uscc"),
        ("海关编码", "customs_code"),
        ("企业编码", "customs_code"),
        ("经营单位编码", "customs_code"),
        ("收发货人编码", "customs_code"),
        ("企业名称", "name"),
        ("经营单位名称", "name"),
        ("收发货人名称", "name"),
        # goods
        ("商品编码", "hs_code"),
        ("商品代码", "hs_code"),
        ("HS编码", "hs_code"),
        ("hs编码", "hs_code"),
        ("税号", "hs_code"),
        ("商品名称", "hs_name"),
        # partner
        ("贸易伙伴编码", "partner_code"),
        ("国别代码", "partner_code"),
        ("贸易伙伴名称", "partner_name"),
        # written with a slash, as some exports do
        ("原产国/地区", "partner_origin"),
        ("目的国/地区", "partner_destination"),
        ("最终目的国/地区", "partner_destination"),
        ("进/出口", "flow"),
        ("年/月", "period"),
        ("年份月份", "period"),
        ("企业海关代码", "customs_code"),
        ("法定数量", "qty1"),
        ("法定计量单位", "unit1"),
        ("贸易国别", "partner_name"),
        ("国别(地区)", "partner_name"),
        ("国别（地区）", "partner_name"),
        ("贸易国(地区)", "partner_name"),
        ("原产国(地区)", "partner_origin"),  # the partner of imports
        ("目的国(地区)", "partner_destination"),  # of exports
        ("最终目的国（地区）", "partner_destination"),
        # trade mode
        ("贸易方式编码", "trade_mode_code"),
        ("贸易方式", "trade_mode_code"),
        ("监管方式", "trade_mode_code"),
        ("贸易方式名称", "trade_mode_name"),
        # quantities
        ("第一数量", "qty1"),
        ("第一计量单位", "unit1"),
        ("第二数量", "qty2"),
        ("第二计量单位", "unit2"),
    ],
)
def test_header_variants(header: str, field: str) -> None:
    headers = [header, "美元"] if header != "美元" else [header]
    mapping = detect_mapping(headers)
    assert mapping.columns.get(field) == 0, mapping.columns


@pytest.mark.parametrize(
    ("header", "field", "multiplier"),
    [
        ("美元", "value_usd", 1),
        ("金额(美元)", "value_usd", 1),
        ("金额（美元）", "value_usd", 1),
        ("美元值", "value_usd", 1),
        ("USD", "value_usd", 1),
        ("人民币", "value_cny", 1),
        ("金额(人民币)", "value_cny", 1),
        ("人民币值", "value_cny", 1),
        ("CNY", "value_cny", 1),
        ("金额(万美元)", "value_usd", 10_000),
        ("万美元", "value_usd", 10_000),
        ("金额(万元)", "value_cny", 10_000),
        ("金额(亿元)", "value_cny", 100_000_000),
        ("出口额(万美元)", "export_usd", 10_000),
        ("出口金额（万元）", "export_cny", 10_000),
        ("进口(美元)", "import_usd", 1),
        ("进口值(人民币)", "import_cny", 1),
        # a statistics office's enterprise table: this month's column beside 累计 and 同比
        ("本月出口(万美元)", "export_usd", 10_000),
        ("当月进口额(万元)", "import_cny", 10_000),
        ("本期出口额(美元)", "export_usd", 1),
        ("成交金额(美元)", "value_usd", 1),
    ],
)
def test_value_headers_and_multipliers(header: str, field: str, multiplier: int) -> None:
    mapping = detect_mapping(["企业名称", header])
    assert mapping.columns[field] == 1
    assert mapping.multiplier(field) == Decimal(multiplier)


@pytest.mark.parametrize("header", ["同比(%)", "1-9月累计出口(万美元)", "出口占比", "单价(美元)"])
def test_statistics_columns_are_not_values(header: str) -> None:
    mapping = detect_mapping(["企业名称", header])
    assert mapping.value_fields() == []
    assert header in mapping.unrecognised


def test_header_normalisation() -> None:
    assert normalise_header(" 统一社会\n信用代码 ") == "统一社会信用代码"
    assert normalise_header("※企业名称*") == "企业名称"
    assert normalise_header("金额（万美元）") == "金额(万美元)"
    mapping = detect_mapping(["统一社会\n信用代码", "※企业名称", "金 额（万美元）"])
    assert mapping.columns == {"uscc": 0, "name": 1, "value_usd": 2}


def test_unrecognised_columns_are_listed() -> None:
    mapping = detect_mapping([*BASE, "注册地编码", "备注", ""])
    assert mapping.unrecognised == ["注册地编码", "备注"]


def test_best_variant_wins_when_two_columns_match() -> None:
    mapping = detect_mapping(["企业名称", "名称", "贸易伙伴名称", "国别", "美元"])
    assert mapping.columns["name"] == 0
    assert mapping.columns["partner_name"] == 2


def test_wide_layout_total_column_is_ignored() -> None:
    mapping = detect_mapping(
        ["企业名称", "进出口总值(万元)", "出口(万元)", "进口(万元)", "同比(%)"]
    )
    assert mapping.columns == {"name": 0, "export_cny": 2, "import_cny": 3}
    assert any("合计" in note for note in mapping.notes)


def test_no_value_column_is_a_clear_error() -> None:
    mapping = detect_mapping(["年月", "企业名称", "进出口"])
    with pytest.raises(MappingError, match="未找到金额列"):
        mapping.require()


def test_no_flow_needs_a_file_flow() -> None:
    mapping = detect_mapping(BASE)
    with pytest.raises(MappingError, match="进出口标志"):
        mapping.require()
    mapping.require(has_file_flow=True)


def test_user_override_and_json_template_round_trip() -> None:
    headers = ["月", "企业", "出口美金(万)", "备注"]
    auto = detect_mapping(headers)
    assert "value_usd" not in auto.columns
    mapping = detect_mapping(
        headers,
        overrides={"period": "月", "value_usd": "出口美金(万)", "name": "企业"},
        multipliers={"value_usd": Decimal(10_000)},
    )
    assert mapping.columns == {"period": 0, "name": 1, "value_usd": 2}
    assert mapping.multiplier("value_usd") == 10_000
    saved = json.loads(json.dumps(mapping.to_json()))
    assert saved == {
        "kind": "customs",
        "fields": {"period": "月", "name": "企业", "value_usd": "出口美金(万)"},
        "multipliers": {"value_usd": "10000"},
    }
    again = HeaderMapping.from_json(saved, headers)
    assert again.columns == mapping.columns
    assert again.multipliers == mapping.multipliers


def test_override_can_unmap_and_must_name_an_existing_column() -> None:
    mapping = detect_mapping([*BASE, "人民币"], overrides={"value_cny": None})
    assert "value_cny" not in mapping.columns
    assert "人民币" in mapping.unrecognised
    with pytest.raises(MappingError, match="没有列"):
        detect_mapping(BASE, overrides={"value_cny": "人民币"})
    with pytest.raises(MappingError, match="未知的字段"):
        detect_mapping(BASE, overrides={"colour": "美元"})


@pytest.mark.parametrize(
    ("kind", "headers", "expected"),
    [
        (
            "fdi",
            [
                "外商投资企业名称",
                "统一社会信用代码",
                "投资方国别(地区)",
                "实际使用外资(万美元)",
                "年月",
            ],
            {"name": 0, "uscc": 1, "partner_name": 2, "value_usd": 3, "period": 4},
        ),
        (
            "fdi",
            ["企业名称", "外方国别", "到资金额", "合同外资(万美元)", "年月"],
            {"name": 0, "partner_name": 1, "value_usd": 2, "contract_usd": 3, "period": 4},
        ),
        (
            "odi",
            [
                "境外企业名称",
                "境内投资主体",
                "投资目的地",
                "中方协议投资额(万美元)",
                "对外直接投资额(万美元)",
                "年月",
            ],
            {
                "overseas_name": 0,
                "name": 1,
                "partner_name": 2,
                "agreed_usd": 3,
                "value_usd": 4,
                "period": 5,
            },
        ),
        (
            "enterprise_list",
            [
                "序号",
                "企业名称",
                "统一社会信用代码",
                "海关编码",
                "所属县区",
                "所属园区",
                "行业",
                "企业性质",
                "联系人",
                "联系电话",
                "曾用名",
            ],
            {
                "name": 1,
                "uscc": 2,
                "customs_code": 3,
                "district": 4,
                "park": 5,
                "industry": 6,
                "ownership": 7,
                "contact": 8,
                "phone": 9,
                "former_names": 10,
            },
        ),
    ],
)
def test_other_kinds(kind: str, headers: list[str], expected: dict[str, int]) -> None:
    mapping = detect_mapping(headers, kind=kind)  # type: ignore[arg-type]
    assert mapping.columns == expected


def test_fdi_amount_without_unit_is_flagged() -> None:
    mapping = detect_mapping(["企业名称", "到资金额", "年月"], kind="fdi")
    assert mapping.multiplier("value_usd") == 1
    assert any("未注明币种" in note for note in mapping.notes)


def test_header_score() -> None:
    assert header_score(["2025年9月示范市进出口企业数据", None]) == 0
    assert header_score(["数据年月", "商品编码", "备注", 3]) == 2
    assert header_score(["出口额(万美元)", "企业名称"]) == 2


@pytest.mark.parametrize(
    "header",
    [
        "数据年月,贸易伙伴编码,贸易伙伴名称,注册地编码,注册地名称,美元",
        "数据年月,商品编码,商品名称,注册地编码,注册地名称,人民币",
        "Date of data,Commodity code,Commodity,Trading partner code,Trading partner,US dollar",
    ],
    ids=["partner-only", "hs-and-province", "english"],
)
def test_any_statistics_platform_download_is_named_at_the_header_check(header: str) -> None:
    """A platform download with other dimensions than 商品+伙伴, or its English headers, got
    未找到企业标识列…；未找到进出口标志列… (or four such reasons): as if a column were
    missing from an enterprise file."""
    mapping = detect_mapping(header.split(","), kind="customs")
    with pytest.raises(MappingError) as caught:
        mapping.require(has_file_flow=True)
    assert caught.value.reason.startswith("这是海关统计数据平台导出的汇总数据")
    assert "不能导入企业进出口明细" in caught.value.reason


@pytest.mark.parametrize(
    "months",
    [["1月", "2月", "3月"], ["2025年1月(万美元)", "2025年2月(万美元)"], ["202501", "202502"]],
)
def test_amounts_by_month_in_columns_are_named(months: list[str]) -> None:
    """企业名称 | 1月 | 2月 … got 未找到金额列；未找到年月列…: as if the amounts were missing."""
    mapping = detect_mapping(["统一社会信用代码", "企业名称", *months], kind="customs")
    with pytest.raises(MappingError, match=f"表中金额按月分列（“{re.escape(months[0])}”"):
        mapping.require(has_file_flow=True)


def test_a_table_of_this_month_and_the_year_to_date_imports_this_month() -> None:
    from kaifang.trade.importers.customs import parse_customs
    from kaifang.trade.importers.tabular import read_table
    from kaifang.trade.tests.helpers import USCC_A, lookups, xlsx_bytes

    header = [
        "企业名称",
        "统一社会信用代码",
        "本月出口(万美元)",
        "1-9月累计出口(万美元)",
        "同比(%)",
    ]
    data = xlsx_bytes([header, ["甲", USCC_A, 1.5, 12, 3.2]], title="2025年9月重点企业出口情况")
    table = read_table(data, "a.xlsx", kind="customs")
    result = parse_customs(table, detect_mapping(table.header), lookups=lookups())
    assert result.errors == []
    assert [(r.period, r.flow, r.value_usd) for r in result.rows] == [
        (date(2025, 9, 1), "export", Decimal(15000))
    ]
