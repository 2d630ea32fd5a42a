"""The customs statistics platform's export (GBK/GB18030 csv or xlsx), aggregated into the
city's official series: month × flow × HS code × partner × trade mode → USD or CNY. Pure.

The file carries no flow column: the platform exports exports and imports separately, so the
flow comes from the caller, or from 出口/进口 in the file name or the title rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from kaifang.trade.importers.common import (
    Cell,
    CellError,
    RowError,
    cell_text,
    parse_amount,
    parse_hs_code,
    parse_period,
)
from kaifang.trade.importers.official import is_official_layout
from kaifang.trade.importers.tabular import TableError, read_table

__all__ = ["OfficialError", "OfficialResult", "guess_flow", "parse_official"]


class OfficialError(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


Key = tuple[dt.date, str, str, str]  # period, hs_code, partner_code, trade_mode


@dataclass
class OfficialResult:
    flow: str
    currency: str  # usd or cny: the file's value column
    has_mode: bool
    has_region: bool
    rows_read: int = 0
    sums: dict[Key, Decimal] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    @property
    def periods(self) -> list[dt.date]:
        return sorted({k[0] for k in self.sums})

    @property
    def total(self) -> Decimal:
        return sum(self.sums.values(), Decimal(0))


def guess_flow(filename: str, titles: list[str]) -> str | None:
    for text in [filename, *titles]:
        has_export, has_import = "出口" in text, "进口" in text
        if has_export and not has_import:
            return "export"
        if has_import and not has_export:
            return "import"
    return None


def _cell(cells: list[Cell], index: int | None) -> Cell:
    return cells[index] if index is not None and index < len(cells) else None


def _index(header: list[str]) -> dict[str, int]:
    return {h.strip().replace(" ", ""): i for i, h in enumerate(header)}


def parse_official(data: bytes, filename: str, *, flow: str | None = None) -> OfficialResult:
    """Parse and aggregate; raises OfficialError (Chinese) when the file is not this layout
    or its flow is unknown; bad rows become RowErrors with their file row number."""
    try:
        table = read_table(data, filename)
    except TableError as error:
        raise OfficialError(error.reason) from error
    if not is_official_layout(table.header):
        raise OfficialError(
            "不是海关统计数据平台的导出格式：表头应为“数据年月,商品编码,商品名称,贸易伙伴编码,"
            "贸易伙伴名称,……,美元”或“……,人民币”，且没有企业列"
        )
    flow = flow or guess_flow(filename, table.title_rows)
    if flow not in ("export", "import"):
        raise OfficialError(
            "文件中没有进出口方向：请指定是出口还是进口（文件名含“出口”或“进口”也可）"
        )
    cols = _index(table.header)
    currency = "usd" if "美元" in cols else "cny"
    value_col = cols["美元" if currency == "usd" else "人民币"]
    mode_col = cols.get("贸易方式编码")
    result = OfficialResult(
        flow=flow, currency=currency, has_mode=mode_col is not None, has_region="注册地编码" in cols
    )
    sums: dict[Key, Decimal] = defaultdict(Decimal)
    for number, cells in table.rows:
        result.rows_read += 1
        column = "数据年月"
        try:
            period = parse_period(_cell(cells, cols["数据年月"]))
            column = "商品编码"
            hs = parse_hs_code(_cell(cells, cols["商品编码"]))
            column = "贸易伙伴编码"
            partner = cell_text(_cell(cells, cols["贸易伙伴编码"])).strip()
            if partner and (not partner.isdigit() or len(partner) > 3):
                raise CellError("贸易伙伴编码应为3位数字")
            partner = partner.zfill(3) if partner else ""
            column = "贸易方式编码"
            mode = cell_text(_cell(cells, mode_col)).strip()
            column = "美元" if currency == "usd" else "人民币"
            value = parse_amount(_cell(cells, value_col))
            if value is None:
                raise CellError("金额为空")
        except CellError as error:
            raw = _cell(cells, cols.get(column))
            result.errors.append(
                RowError(row=number, column=column, value=cell_text(raw), reason=error.reason)
            )
            continue
        sums[(period, hs, partner, mode)] += value
    result.sums = dict(sums)
    return result
