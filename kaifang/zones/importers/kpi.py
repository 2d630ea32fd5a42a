"""The KPI workbook a platform's or park's figures come in: pure, no database.

Layout (the same as the KPI export, so an export edited and imported back changes only what
was edited): a header row with 年月, 指标 and 数值 (order free; 指标名称/月份/本月数 accepted),
then one row per month and KPI. 年月 as 2026-03, 2026年3月, 202603, 2026-03-01 or an Excel
date. Bad rows are reported with their row number and the reason, in Chinese (a NaN, an
Infinity or a value beyond the column too); nothing is written then.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from openpyxl import load_workbook

from kaifang.trade.importers.common import MAX_AMOUNT, CellError
from kaifang.trade.importers.common import parse_period as parse_month
from kaifang.trade.importers.tabular import data_sheet, uncached_formula_message

HEADERS = {
    "period": ("年月", "月份", "期间", "统计月份"),
    "name": ("指标", "指标名称"),
    "value": ("数值", "本月数", "当月数", "值"),
}


@dataclass
class ParsedKpis:
    rows: list[tuple[int, str, dt.date, Decimal]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def parse_period(raw: object) -> dt.date | None:
    """The month of a 年月 cell (2026-03, 2026年3月, 202603, 2026-03-01, an Excel date), or
    None when it names none between 1990 and 2100 (the importers' one reading of a month)."""
    try:
        return parse_month(raw)  # type: ignore[arg-type]
    except CellError:
        return None


def parse_value(raw: object) -> Decimal | None:
    """A finite number, or None (text, NaN, Infinity)."""
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        value = Decimal(str(raw))
    else:
        text = str(raw or "").strip().replace(",", "").replace("，", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            return None
    return value if value.is_finite() else None


def _is_header(row: list[object]) -> bool:
    cells = {str(c or "").strip() for c in row}
    return all(cells & set(names) for names in HEADERS.values())


def parse_kpi_workbook(content: bytes) -> ParsedKpis:
    result = ParsedKpis()
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        result.errors.append("无法读取文件：请上传 .xlsx 格式的 Excel 文件。")
        return result
    sheet = data_sheet(book, _is_header)
    uncached = uncached_formula_message(content, sheet.title)
    if uncached:
        result.errors.append(uncached)
        return result
    columns: dict[str, int] = {}
    header_row = 0
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [str(c or "").strip() for c in row]
        if not columns:
            found = {
                key: cells.index(name)
                for key, names in HEADERS.items()
                for name in names
                if name in cells
            }
            if len(found) == len(HEADERS):
                columns, header_row = found, number
            elif number >= 10:
                break
            continue
        if not any(cells):
            continue
        name = cells[columns["name"]] if columns["name"] < len(cells) else ""
        period = parse_period(row[columns["period"]] if columns["period"] < len(row) else None)
        value = parse_value(row[columns["value"]] if columns["value"] < len(row) else None)
        if not name:
            result.errors.append(f"第{number}行：缺少指标名称")
        elif period is None:
            result.errors.append(f"第{number}行：年月无法识别（应为 2026-03 或 2026年3月）")
        elif value is None:
            result.errors.append(f"第{number}行：数值“{cells[columns['value']]}”不是数字")
        elif value < 0:
            result.errors.append(f"第{number}行：数值不能为负数")
        elif value >= MAX_AMOUNT:
            result.errors.append(
                f"第{number}行：数值“{cells[columns['value']]}”过大（超出可存储范围）"
            )
        else:
            result.rows.append((number, name, period, value))
    if not columns:
        result.errors.append("没有找到表头：第一行应包含“年月”“指标”“数值”三列。")
    elif not result.rows and not result.errors:
        result.errors.append(f"表头（第{header_row}行）之后没有数据。")
    return result


def match_kpi_rows(
    rows: Sequence[tuple[int, str, dt.date, Decimal]],
    by_name: dict[str, int],
    *,
    this_month: dt.date,
    owner: str,
) -> tuple[dict[tuple[int, dt.date], Decimal | None], list[str]]:
    """Match parsed rows to the KPIs (name → id) of their platform or park: the values by
    (KPI id, month), and one Chinese message per row naming an unknown KPI or a future month."""
    errors: list[str] = []
    values: dict[tuple[int, dt.date], Decimal | None] = {}
    for number, name, period, value in rows:
        definition_id = by_name.get(name)
        if definition_id is None:
            known = "、".join(by_name) or "（无）"
            errors.append(f"第{number}行：指标“{name}”不是{owner}的指标（可用：{known}）")
            continue
        if period > this_month:
            errors.append(f"第{number}行：{period:%Y-%m} 是未来月份，不能填报")
            continue
        values[(definition_id, period)] = value
    return values, errors
