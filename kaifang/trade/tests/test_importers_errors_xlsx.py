from __future__ import annotations

import io

from openpyxl import load_workbook

from kaifang.trade.importers.customs import parse_customs
from kaifang.trade.importers.errors_xlsx import error_report_xlsx
from kaifang.trade.importers.headers import detect_mapping
from kaifang.trade.importers.tabular import read_table
from kaifang.trade.tests.helpers import BAD_USCC, USCC_A, csv_bytes, lookups


def test_error_report_has_original_cells_and_reasons() -> None:
    header = ["年月", "统一社会信用代码", "商品编码", "美元", ""]
    rows = [
        ["202509", USCC_A, "85171200", "1", ""],
        ["2025年13月", BAD_USCC, "85171200", "x", ""],
        ["202509", USCC_A, "8517", "\x07-1", ""],
    ]
    table = read_table(csv_bytes([header, *rows], encoding="gb18030"), "a.csv")
    result = parse_customs(
        table, detect_mapping(table.header), lookups=lookups(), file_flow="import"
    )
    data = error_report_xlsx(table.header, result.rejected_rows, result.errors)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == ["原行号", "年月", "统一社会信用代码", "商品编码", "美元", "错误原因"]
    assert values[1][:5] == [3, "2025年13月", BAD_USCC, "85171200", "x"]
    reason = values[1][5]
    assert isinstance(reason, str)
    assert "统一社会信用代码" in reason and "年月" in reason and "美元：不是数值" in reason
    assert values[2][0] == 4
    assert values[2][4] == "-1"  # the control character Excel refuses is dropped
    assert len(values) == 3


def test_error_report_keeps_formula_like_cells_as_text() -> None:
    from kaifang.core.tests.xlsx import EVIL, assert_stored_as_text
    from kaifang.trade.importers.common import RowError

    data = error_report_xlsx(
        ["年月", "=1+2"],
        [(2, ["202509", EVIL], "")],
        [RowError(row=2, column="", value="", reason="@bad")],
    )
    assert_stored_as_text(data)
    assert_stored_as_text(data, "=1+2")
