"""What a table's rows leave out: the month and flow of a file or sheet without such columns,
from the upload, the rows above the header (2025年9月示范市出口企业数据) or the sheet's name
(出口, 2025年9月, 9月). Pure: no database."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from kaifang.trade.importers.common import CellError, Flow, parse_period
from kaifang.trade.importers.headers import HeaderMapping, MappingError, apply_title_units
from kaifang.trade.importers.tabular import Table

__all__ = [
    "SheetContext",
    "bare_month",
    "check_tables",
    "flow_from_titles",
    "period_from_filename",
    "period_from_sheet",
    "period_from_titles",
    "sheet_mapping",
    "table_context",
]


_TITLE_MONTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月")
_TITLE_CUMULATIVE = re.compile(r"\d{1,2}\s*[-—~至到]\s*\d{1,2}\s*月")


def period_from_titles(titles: list[str]) -> date | None:
    """The month a title such as ``2025年9月示范市进出口企业数据`` names, if exactly one."""
    for title in titles:
        if _TITLE_CUMULATIVE.search(title):
            continue
        months = _TITLE_MONTH.findall(title)
        if len(months) == 1:
            year, month = int(months[0][0]), int(months[0][1])
            if 1990 <= year <= 2100 and 1 <= month <= 12:
                return date(year, month, 1)
    return None


_NAME_MONTHS = (
    re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(?!\d)"),  # 202509
    re.compile(r"(?<!\d)((?:19|20)\d{2})[-._](0?[1-9]|1[0-2])(?![\d])(?![-._]\d)"),  # 2025-09
)


def period_from_filename(filename: str) -> date | None:
    """The month a file's name gives (海关数据202509.xlsx, 2025年9月出口.xlsx, 2025-09.csv) when it
    names exactly one and no span; a date with its day (20251015, 2025-10-15: when the file was
    made, often) names none."""
    stem = re.sub(r"\.[A-Za-z0-9]{2,5}$", "", filename.rsplit("/", 1)[-1])
    if _TITLE_CUMULATIVE.search(stem):
        return None
    found = period_from_titles([stem])
    if found is not None:
        return found
    months = {(int(y), int(m)) for pattern in _NAME_MONTHS for y, m in pattern.findall(stem)}
    if len(months) != 1:
        return None
    year, month = months.pop()
    return date(year, month, 1)


def flow_from_titles(titles: list[str]) -> Flow | None:
    for title in titles:
        text = title.replace("进出口", "")
        if "出口" in text and "进口" not in text:
            return "export"
        if "进口" in text and "出口" not in text:
            return "import"
    return None


_CN_MONTHS = {n: i for i, n in enumerate("一二三四五六七八九十", start=1)} | {
    "十一": 11,
    "十二": 12,
}
_SHEET_MONTH = re.compile(
    r"^(?:(\d{4})\s*[年\-./]?\s*)?(\d{1,2}|十[一二]|[一二三四五六七八九十])\s*月份?"
    r"|^(\d{4})\s*[\-./]\s*(\d{1,2})$|^(\d{4})(\d{2})$"
)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:\s*年|(?!\d))")


def period_from_sheet(table: Table) -> date | None:
    """The month a sheet's name says (2025年9月, 2025-09, 202509; 9月 with the year from the
    sheet's title or the file's name). MappingError when it says a month but no year can be
    found, or two."""
    name = (table.sheet or "").strip()
    name = re.sub(r"(出口|进口|进出口|数据|企业|明细)", "", name).strip()
    if _TITLE_CUMULATIVE.search(name):
        return None
    match = _SHEET_MONTH.match(name)
    if match is None and re.search(r"[A-Za-z年]", name):
        # Sep-25, Sep 2025, 25年9月: a month as a cell would say it
        try:
            return parse_period(name)
        except CellError:
            return None
    if match is None:
        return None
    year_text = match.group(1) or match.group(3) or match.group(5)
    month_text = match.group(2) or match.group(4) or match.group(6)
    month = int(month_text) if month_text.isdigit() else _CN_MONTHS[month_text]
    if year_text is None:
        years = {y for title in table.title_rows for y in _YEAR.findall(title)}
        if not years:
            years = set(_YEAR.findall(table.filename))
        if len(years) != 1:
            raise MappingError(
                f"工作表「{table.sheet}」的名称只有月份，"
                + (
                    "找不到年份"
                    if not years
                    else f"而标题或文件名中有几个年份（{'、'.join(sorted(years))}）"
                )
                + "：请把工作表改名为“2025年9月”这样的年月，或在表中加“年月”列"
            )
        year_text = years.pop()
    year = int(year_text)
    if not (1990 <= year <= 2100 and 1 <= month <= 12):
        return None
    return date(year, month, 1)


_BARE_MONTH = re.compile(r"^(\d{1,2}|十[一二]|[一二三四五六七八九十])\s*(?:月份?)?$")


def bare_month(value: object) -> int | None:
    """The month of a cell that names only a month (9, 9月, 09月份, 九月), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and float(value).is_integer():
        value = str(int(value))
    if not isinstance(value, str):
        return None
    match = _BARE_MONTH.match(value.strip())
    if match is None:
        return None
    text = match.group(1)
    month = int(text) if text.isdigit() else _CN_MONTHS[text]
    return month if 1 <= month <= 12 else None


def _context_year(table: Table) -> tuple[int | None, str]:
    """The one year the title rows, else the sheet's name, else the file's name give, for a
    month column of bare months; else (None, the reason)."""
    for texts in (table.title_rows, [table.sheet or ""], [table.filename]):
        years = {y for text in texts for y in _YEAR.findall(text)}
        if len(years) == 1:
            return int(years.pop()), ""
        if years:
            return None, (
                f"年月列只有月份，而标题、工作表名称或文件名中有几个年份（{'、'.join(sorted(years))}）"
                "：请写成 2025-09 这样的年月"
            )
    return None, "只有月份，没有年份（标题、工作表名称和文件名中也没有）：请写成 2025-09 这样的年月"


_FLOW_NAMES = {"export": "出口", "import": "进口"}


@dataclass(slots=True)
class SheetContext:
    """What a table's rows leave out, taken from the upload, its title rows or its sheet's
    name: the flow and the month, and notes saying where each came from."""

    flow: Flow | None
    period: date | None
    notes: list[str]
    # for a period column of bare months (9, 10月): the one year the titles, sheet or file
    # name give, else why there is none
    year: int | None = None
    no_year: str = ""


def table_context(
    table: Table,
    mapping: HeaderMapping,
    *,
    file_flow: Flow | None = None,
    file_period: date | None = None,
    name_sheet: bool = False,
) -> SheetContext:
    """The flow and month of a table without such columns. Raises ``MappingError`` (naming the
    sheet when ``name_sheet``) when the mapping cannot work for it."""
    cols = mapping.columns
    where = f"工作表「{table.sheet}」" if name_sheet else "文件"
    notes: list[str] = []
    period = file_period
    try:
        if "period" not in cols and period is None:
            period = period_from_titles(table.title_rows)
            if period is not None:
                notes.append(f"{where}没有年月列，按标题取 {period:%Y年%m月}")
            elif table.sheet is not None:
                period = period_from_sheet(table)
                if period is not None:
                    notes.append(f"{where}没有年月列，按工作表名称取 {period:%Y年%m月}")
            if period is None:
                period = period_from_filename(table.filename)
                if period is not None:
                    notes.append(f"{where}没有年月列，按文件名取 {period:%Y年%m月}，请核对")
            cumulative = [
                text
                for text in (*table.title_rows, table.sheet or "")
                if _TITLE_CUMULATIVE.search(text)
            ]
            if period is None and cumulative:
                raise MappingError(
                    f"{'标题' if cumulative[0] != table.sheet else '工作表名称'}“{cumulative[0]}”"
                    "是累计期间，不是单月，系统按月存储：请按月分别导入，或在表中加“年月”列"
                )
        flow = file_flow
        wide = any(f.startswith(("export_", "import_")) for f in cols)
        if "flow" not in cols and not wide:
            by_name = flow_from_titles([table.sheet]) if table.sheet else None
            if file_flow is not None and by_name is not None and by_name != file_flow:
                raise MappingError(
                    f"上传时指定整表为{_FLOW_NAMES[file_flow]}，但工作表「{table.sheet}」的名称"
                    f"是{_FLOW_NAMES[by_name]}：请核对后重新选择"
                )
            if flow is None:
                flow = flow_from_titles(table.title_rows)
                if flow is not None:
                    notes.append(f"{where}没有进出口列，按标题视为{_FLOW_NAMES[flow]}")
            if flow is None and by_name is not None:
                flow = by_name
                notes.append(f"{where}没有进出口列，按工作表名称视为{_FLOW_NAMES[flow]}")
        mapping.require(has_file_flow=flow is not None, has_file_period=period is not None)
    except MappingError as error:
        if name_sheet:
            raise MappingError(f"工作表「{table.sheet}」：{error.reason}") from error
        raise
    year, no_year = _context_year(table) if "period" in cols else (None, "")
    return SheetContext(flow, period, notes, year, no_year)


def sheet_mapping(mapping: HeaderMapping, table: Table) -> HeaderMapping:
    """The mapping confirmed on a workbook's first sheet as ``table``'s own: its columns where
    the sheet holds them in another order or words (``Table.layout``), the unit its title rows
    state (单位：万美元). MappingError naming the sheet when a mapped column is not on it."""
    if table.layout is not None:
        mapping = table.layout.apply(mapping, table.sheet or "", table.first_sheet)
    return apply_title_units(mapping, table.title_rows)


def check_tables(
    tables: Sequence[Table], mapping: HeaderMapping, *, file_flow: Flow | None = None
) -> None:
    """MappingError, in Chinese and naming the sheet, when a table cannot be imported."""
    for table in tables:
        table_context(
            table,
            sheet_mapping(mapping, table),
            file_flow=file_flow,
            name_sheet=len(tables) > 1,
        )
