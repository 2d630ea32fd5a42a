"""Statistics-office workbooks (统计月报): indicators as rows, with 本月 / 累计 / 同比 columns,
optionally a 地区 column (peer cities in one sheet) and a 年月 column; otherwise the period
comes from the title (“2026年1-10月示范市主要经济指标”) or the caller. Amounts in 万元, 亿元,
万美元 (from a 计量单位 column, the header's or the indicator name's bracket, else a title row's
“单位：万元”) are converted to each indicator's unit; two units that differ are an error.
Pure: bytes and plain lookups in, rows and row-level errors (row number, column, reason) out."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from openpyxl import load_workbook

from kaifang.trade.importers.common import MAX_AMOUNT, RowError, cell_text, parse_period
from kaifang.trade.importers.tabular import data_sheet, uncached_formula_message

__all__ = ["IndicatorRef", "OfficeError", "OfficeResult", "parse_office"]

# A unit's size in its base (元, 美元, or a count) and which base it is.
UNITS: dict[str, tuple[str, Decimal]] = {
    "元": ("cny", Decimal(1)),
    "千元": ("cny", Decimal(1_000)),
    "万元": ("cny", Decimal(10_000)),
    "亿元": ("cny", Decimal(100_000_000)),
    "美元": ("usd", Decimal(1)),
    "千美元": ("usd", Decimal(1_000)),
    "万美元": ("usd", Decimal(10_000)),
    "亿美元": ("usd", Decimal(100_000_000)),
    "家": ("count", Decimal(1)),
    "个": ("count", Decimal(1)),
    "列": ("count", Decimal(1)),
    "%": ("pct", Decimal(1)),
}


class OfficeError(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class IndicatorRef:
    code: str
    names: Sequence[str]
    unit: str


@dataclass
class OfficeResult:
    rows: list[dict[str, str | None]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows_read: int = 0


_HEADER_WORDS = ("指标", "本月", "当月", "累计", "同比", "增长", "地区", "计量单位")
_TITLE_PERIOD = re.compile(r"(\d{4})\s*年\s*(?:1\s*[-—~至]\s*)?(\d{1,2})\s*月")
_BRACKET_UNIT = re.compile(r"[(（]([^)）]+)[)）]")
# 单位：万元 / 计量单位:亿美元 / 单位：万元人民币 in a title row: the money unit of the sheet
_TITLE_UNIT = re.compile(r"单位[:：]\s*(千|万|亿)?\s*(美元|元|人民币)")


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")")


def _rows(data: bytes, filename: str) -> Iterator[tuple[int, list[str]]]:
    if data.startswith(b"PK\x03\x04"):
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:
            raise OfficeError("无法读取 Excel 文件（已损坏或不是 xlsx 格式）") from error
        sheet = data_sheet(book, lambda cells: _columns([cell_text(c) for c in cells]) is not None)
        uncached = uncached_formula_message(data, sheet.title)
        if uncached:
            raise OfficeError(uncached)
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [cell_text(v) for v in cells]
        return
    if filename.lower().endswith((".xls", ".xlsx")):
        raise OfficeError("请上传 .xlsx 或 .csv 文件（.xls 请先另存为 .xlsx）")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise OfficeError("无法识别文件编码")
    for number, values in enumerate(csv.reader(io.StringIO(text)), start=1):
        yield number, [v.strip() for v in values]


@dataclass
class _Columns:
    indicator: int
    region: int | None = None
    unit: int | None = None
    period: int | None = None
    month: int | None = None
    ytd: int | None = None
    month_yoy: int | None = None
    ytd_yoy: int | None = None
    header_units: dict[int, str] = field(default_factory=dict)


def _columns(header: list[str]) -> _Columns | None:
    found: dict[str, int] = {}
    units: dict[int, str] = {}
    for index, raw in enumerate(header):
        text = _norm(raw)
        if not text:
            continue
        bracket = _BRACKET_UNIT.search(text)
        if bracket and bracket.group(1) in UNITS:
            units[index] = bracket.group(1)
        bare = _BRACKET_UNIT.sub("", text)
        growth = "同比" in bare or "增长" in bare or "增速" in bare
        if bare in ("指标", "指标名称", "项目", "指标项目"):
            found.setdefault("indicator", index)
        elif bare in ("地区", "城市", "地市", "区域", "县区"):
            found.setdefault("region", index)
        elif bare in ("计量单位", "单位"):
            found.setdefault("unit", index)
        elif bare in ("年月", "月份", "数据年月", "统计期"):
            found.setdefault("period", index)
        elif growth and ("本月" in bare or "当月" in bare):
            found.setdefault("month_yoy", index)
        elif growth:
            found.setdefault("ytd_yoy", index)
        elif "本月" in bare or "当月" in bare:
            found.setdefault("month", index)
        elif "累计" in bare or re.fullmatch(r"1[-—~至]\d{1,2}月", bare):
            found.setdefault("ytd", index)
    if "indicator" not in found or not ({"month", "ytd"} & set(found)):
        return None
    return _Columns(header_units=units, **found)


# The columns are numeric(20, 4) for the values and numeric(10, 2) for the growth rates; a
# figure past these (1e30, a code in the wrong column) would be stored and then unreadable.
_LIMITS = {
    "month_value": MAX_AMOUNT,
    "ytd_value": MAX_AMOUNT,
    "month_yoy_pct": Decimal(10) ** 7,
    "ytd_yoy_pct": Decimal(10) ** 7,
}


def _number(text: str) -> Decimal | None:
    cleaned = text.replace(",", "").replace("，", "").replace("%", "").strip()
    if cleaned in ("", "-", "—", "--", "/", "…"):
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError("不是数值") from None
    if not value.is_finite():
        raise ValueError("不是数值")
    return value


def _title_period(titles: Sequence[str]) -> dt.date | None:
    for title in titles:
        match = _TITLE_PERIOD.search(title)
        if match and 1 <= int(match.group(2)) <= 12:
            return dt.date(int(match.group(1)), int(match.group(2)), 1)
    return None


def _title_unit(titles: Sequence[str]) -> str:
    """The money unit the title rows state (单位：万元 → 万元), "" when none; OfficeError when
    they state two."""
    found = {
        (m.group(1) or "") + ("美元" if m.group(2) == "美元" else "元")
        for title in titles
        for m in _TITLE_UNIT.finditer(title.replace(" ", ""))
    }
    if len(found) > 1:
        raise OfficeError(f"标题中的计量单位不一致（{'、'.join(sorted(found))}），请分表导入")
    return found.pop() if found else ""


def _name_unit(name: str) -> str:
    """The unit a bracket in the indicator's name states (社会消费品零售总额（万元）)."""
    bracket = _BRACKET_UNIT.search(_norm(name))
    return bracket.group(1) if bracket and bracket.group(1) in UNITS else ""


def _factor(file_unit: str, indicator_unit: str) -> Decimal:
    """Multiply a value in `file_unit` by this to express it in `indicator_unit`."""
    if not file_unit or file_unit == indicator_unit:
        return Decimal(1)
    source, target = UNITS.get(file_unit), UNITS.get(indicator_unit)
    if source is None:
        raise ValueError(f"无法识别的计量单位“{file_unit}”")
    if target is None or source[0] != target[0]:
        raise ValueError(f"计量单位“{file_unit}”与指标单位“{indicator_unit}”不一致")
    return source[1] / target[1]


def parse_office(
    data: bytes,
    filename: str,
    *,
    indicators: Sequence[IndicatorRef],
    regions: Mapping[str, str],
    default_region: str | None = None,
    default_period: dt.date | None = None,
) -> OfficeResult:
    """`regions`: name (and code) → region code. Raises OfficeError when no header is found."""
    by_name: dict[str, IndicatorRef] = {}
    for item in indicators:
        for alias in item.names:
            by_name[_norm(alias)] = item
    region_names = {_norm(k): v for k, v in regions.items()}
    rows = _rows(data, filename)
    titles: list[str] = []
    cols: _Columns | None = None
    for _row_number, cells in rows:
        if sum(1 for c in cells if any(w in c for w in _HEADER_WORDS)) >= 2:
            cols = _columns(cells)
            if cols is not None:
                header = cells
                break
        text = " ".join(c for c in cells if c)
        if text:
            titles.append(text)
        if len(titles) > 10:
            break
    if cols is None:
        raise OfficeError("未找到表头：需要“指标名称”列和“本月”或“累计”列")
    period_default = _title_period(titles) or default_period
    title_unit = _title_unit(titles)

    def _unit(cells: list[str], index: int | None, ref: IndicatorRef, name: str) -> str:
        """The row's unit: its 计量单位 cell, the column's or the name's bracket, else the title's
        (a title's money unit says nothing of a count or a percentage). Two that differ are an
        error: the figure would be read 10,000 times off one way or the other."""
        stated = {u for u in (at(cells, cols.unit), cols.header_units.get(index or 0, "")) if u}
        stated |= {u for u in (_name_unit(name),) if u}
        if len(stated) > 1:
            raise ValueError(f"计量单位不一致（{'、'.join(sorted(stated))}）")
        if stated:
            return stated.pop()
        if title_unit and UNITS.get(ref.unit, ("",))[0] in ("cny", "usd"):
            return title_unit
        return ""

    result = OfficeResult()
    seen: dict[tuple[str, str, str], int] = {}

    def at(cells: list[str], index: int | None) -> str:
        return cells[index].strip() if index is not None and index < len(cells) else ""

    for number, cells in rows:
        name = at(cells, cols.indicator)
        if not any(c.strip() for c in cells) or not name:
            continue
        result.rows_read += 1
        found = by_name.get(_norm(re.sub(r"^[一二三四五六七八九十\d]+[、.．]", "", name)))
        ref = found or by_name.get(_norm(_BRACKET_UNIT.sub("", name)))
        if ref is None:
            result.errors.append(RowError(number, header[cols.indicator], name, "未知的指标"))
            continue
        region_text = at(cells, cols.region)
        region = region_names.get(_norm(region_text)) if region_text else default_region
        if region is None:
            column = header[cols.region] if cols.region is not None else "地区"
            reason = "未知的地区" if region_text else "没有地区列，也没有指定文件所属地区"
            result.errors.append(RowError(number, column, region_text, reason))
            continue
        try:
            period = (
                parse_period(at(cells, cols.period)) if cols.period is not None else period_default
            )
        except ValueError as error:
            result.errors.append(
                RowError(number, header[cols.period or 0], at(cells, cols.period), str(error))
            )
            continue
        if period is None:
            result.errors.append(RowError(number, "年月", "", "标题中没有年月，也没有指定所属年月"))
            continue
        row: dict[str, str | None] = {
            "indicator": ref.code,
            "region": region,
            "period": period.isoformat(),
            "row": str(number),
        }
        failed = False
        for key, index in (
            ("month_value", cols.month),
            ("ytd_value", cols.ytd),
            ("month_yoy_pct", cols.month_yoy),
            ("ytd_yoy_pct", cols.ytd_yoy),
        ):
            text = at(cells, index)
            try:
                value = _number(text)
                if value is not None and key in ("month_value", "ytd_value"):
                    value = value * _factor(_unit(cells, index, ref, name), ref.unit)
                if value is not None and abs(value) >= _LIMITS[key]:
                    raise ValueError("数值过大（超出可存储范围，请检查是否填错列或单位）")
            except ValueError as error:
                result.errors.append(RowError(number, header[index or 0], text, str(error)))
                failed = True
                break
            row[key] = None if value is None else format(value.normalize(), "f")
        if failed:
            continue
        if row.get("month_value") is None and row.get("ytd_value") is None:
            result.errors.append(RowError(number, "本月/累计", "", "本月和累计都为空"))
            continue
        key3 = (ref.code, region, period.isoformat())
        if key3 in seen:
            result.errors.append(
                RowError(number, header[cols.indicator], name, f"与第 {seen[key3]} 行重复")
            )
            continue
        seen[key3] = number
        result.rows.append(row)
    return result
