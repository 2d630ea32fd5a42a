"""The one xlsx writer: user text that a spreadsheet would evaluate is stored as text."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from kaifang.core.lib.xlsx import Styled, formula_like, table_xlsx
from kaifang.core.tests.xlsx import EVIL, assert_stored_as_text

TRIGGERS = [EVIL, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", TRIGGERS)
def test_formula_like_text_comes_back_as_text(text):
    content = table_xlsx(title="导出", headers=[text, "名称"], rows=[[text, "正常企业"]])
    assert_stored_as_text(content, text)


def test_title_subtitle_and_styled_cells_are_guarded_too():
    content = table_xlsx(
        title=EVIL, subtitle="=1+2", headers=["a"], rows=[[Styled("=3+4", fill="FFF2CC")]]
    )
    for text in (EVIL, "=1+2", "=3+4"):
        assert_stored_as_text(content, text)


def test_plain_values_keep_their_types_and_layout():
    when = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    content = table_xlsx(
        title="企业名录",
        subtitle="截至 2026-03",
        headers=["名称", "金额", "日期", "时间"],
        rows=[["甲公司", Decimal("12.5"), dt.date(2026, 3, 1), when], ["乙公司", -3, None, None]],
        merge_title=True,
    )
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.freeze_panes == "A4"
    assert "A1:D1" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A1"].font.bold and sheet["A3"].font.bold
    assert sheet["A3"].fill.fgColor.rgb.endswith("E8F0FB")
    assert sheet["B4"].value == 12.5 and sheet["B4"].data_type == "n"
    assert sheet["C4"].value == dt.datetime(2026, 3, 1)
    assert sheet["D4"].value == dt.datetime(2026, 3, 1, 9, 30)
    assert sheet["B5"].value == -3 and not sheet["A4"].quotePrefix


def test_control_characters_are_dropped_not_fatal():
    content = table_xlsx(title="t", headers=["a"], rows=[["企业\x01名称\x0b"]])
    assert load_workbook(io.BytesIO(content)).active["A3"].value == "企业名称"


def test_formula_like():
    assert formula_like("=1") and formula_like("\t@x") and not formula_like("甲=1")
    assert not formula_like("") and not formula_like(" =1")


def test_a_title_with_characters_sheet_names_refuse_still_exports():
    content = table_xlsx(title="甲/乙:2026[上]?", headers=["a"], rows=[])
    assert load_workbook(io.BytesIO(content)).active.title == "甲_乙_2026_上__"
