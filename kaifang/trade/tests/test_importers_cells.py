"""Cells as programs and people write them: an HS code a program wrote from a float column
(84295212.0), an amount with its currency sign or unit typed in."""

from __future__ import annotations

import pytest

from kaifang.trade.importers.common import CellError, parse_amount, parse_hs_code


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("84295212.0", "84295212"),  # pandas writes a float column so; was 0842952120
        ("8429521200.0", "8429521200"),
        ("5010000.0", "05010000"),
        ("8429.0", "8429"),
        ("0501.00", "050100"),  # a dotted 6-digit code, not a float
        ("8429.52.12", "84295212"),
        ("84.29", "8429"),
    ],
)
def test_hs_codes_written_by_programs(value: str, code: str) -> None:
    assert parse_hs_code(value) == code


@pytest.mark.parametrize("value", ["$1,234.50", "US$100", "￥1,234", "¥100", "100美元", "1.2万"])
def test_an_amount_with_its_currency_or_unit_typed_in_says_so(value: str) -> None:
    with pytest.raises(CellError) as caught:
        parse_amount(value)
    assert (
        caught.value.reason
        == "金额中带有货币符号或单位：请只填数字，单位写在表头（如“金额(万美元)”）"
    )


def test_a_csv_written_from_float_columns_reads_its_codes() -> None:
    """pandas writes a numeric column holding an empty cell as floats: 202509.0, 502.0."""
    from kaifang.trade.importers.customs import parse_customs
    from kaifang.trade.importers.headers import detect_mapping
    from kaifang.trade.importers.tabular import read_table
    from kaifang.trade.tests.helpers import csv_bytes, lookups

    header = ["数据年月", "海关编码", "进出口", "商品编码", "贸易伙伴编码", "贸易方式编码", "美元"]
    rows = [
        ["202509.0", "4103960001.0", "出口", "84295212.0", "502.0", "10.0", "1.0"],
        ["202509", "4103960001", "出口", "84295212", "502", "10", "2"],
    ]
    table = read_table(csv_bytes([header, *rows]), "a.csv", kind="customs")
    result = parse_customs(table, detect_mapping(table.header), lookups=lookups())
    assert result.errors == []
    [row] = result.rows
    assert (row.period.isoformat(), row.hs_code, row.partner_code, row.value_usd) == (
        "2025-09-01",
        "84295212",
        "502",
        3,
    )
