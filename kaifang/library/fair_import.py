"""Read a fair's exhibitor list (参展企业名单) from .xlsx or .csv. Pure: bytes in, rows and
Chinese errors out, no Django (tested without the database).

The header row is the first of the first ten rows that names a credit-code column; headers
vary between organisers, so each column is known by several names. Every bad row is reported
with its row number as a person sees it in Excel (the first line is row 1), the column and the
reason; the caller saves nothing when there is any error.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from openpyxl import load_workbook

from kaifang.core.lib.uscc import UsccError, validate_uscc
from kaifang.trade.importers.tabular import data_sheet, uncached_formula_message

HEADERS = {
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "统一代码", "uscc"),
    "name": ("企业名称", "参展企业", "参展单位", "单位名称", "公司名称", "企业"),
    "booth": ("展位号", "展位编号", "展位"),
    "area": ("展位面积", "面积", "展位面积（平方米）", "展位面积(平方米)", "面积（㎡）"),
}
LABELS = {"uscc": "统一社会信用代码", "name": "企业名称", "booth": "展位号", "area": "展位面积"}
MAX_ROWS = 20000


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"第 {self.row} 行，{self.column}：{self.reason}"


@dataclass(frozen=True)
class ExhibitorRow:
    row: int
    uscc: str
    name: str
    booth: str
    area: Decimal | None


@dataclass
class Parsed:
    rows: list[ExhibitorRow] = field(default_factory=list)
    errors: list[RowProblem] = field(default_factory=list)
    # 合计 lines and footnotes (注：…), skipped: the list is all or nothing, so they must not
    # refuse it, but the caller says how many it passed over
    skipped: list[RowProblem] = field(default_factory=list)


class FileUnreadable(ValueError):
    """The file is not a table this importer can read; the message is Chinese."""


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


_BRACKETED = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_TOTAL = re.compile(r"^(本月|本年|全市|全部|以上|总)?(合|总|小|共)计$")
_NOTE_PREFIXES = ("注", "说明", "备注", "数据来源", "资料来源", "制表", "填报", "审核")


def _norm(header: object) -> str:
    """A header's compare-key: no spaces, no asterisk, no annotation (统一社会信用代码（18位）)."""
    text = _text(header).replace(" ", "").replace("\u3000", "").replace("*", "")
    return _BRACKETED.sub("", text).lower()


def _skipped_because(texts: list[str]) -> str:
    """Why a row without a credit code is a totals line or a footnote, or "" when it is not."""
    for text in texts[:4]:
        if _TOTAL.match(_BRACKETED.sub("", text).strip(" \u3000：:")):
            return "合计行，已跳过"
    if len(texts) == 1 and texts[0].startswith(_NOTE_PREFIXES):
        return "说明行，已跳过"
    return ""


def _rows(data: bytes, filename: str) -> Iterator[tuple[int, list[object]]]:
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xlsx":
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
            raise FileUnreadable("无法读取该 Excel 文件，请确认是 .xlsx 格式。") from error
        sheet = data_sheet(book, lambda cells: "uscc" in _columns(cells))
        uncached = uncached_formula_message(data, sheet.title)
        if uncached:
            raise FileUnreadable(uncached)
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(cells)
        book.close()
        return
    if suffix == ".csv":
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise FileUnreadable("无法识别 CSV 文件的编码（支持 UTF-8 和 GBK/GB18030）。")
        for number, fields in enumerate(csv.reader(io.StringIO(text)), start=1):
            yield number, list(fields)
        return
    raise FileUnreadable("只支持 .xlsx 和 .csv 文件。")


def _columns(cells: Sequence[object]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        norm = _norm(cell)
        for key, names in HEADERS.items():
            if key not in found and norm in {_norm(n) for n in names}:
                found[key] = index
    return found


def parse(data: bytes, filename: str) -> Parsed:
    """The exhibitor rows of the file, or its errors (row, column, reason)."""
    out = Parsed()
    rows = _rows(data, filename)
    columns: dict[str, int] = {}
    for number, cells in rows:
        columns = _columns(cells)
        if "uscc" in columns:
            break
        if number >= 10:
            break
    if "uscc" not in columns:
        raise FileUnreadable(
            "前 10 行中没有找到“统一社会信用代码”列："
            "请在表头写明统一社会信用代码、企业名称、展位号。"
        )
    seen: dict[str, int] = {}
    for number, cells in rows:

        def cell(key: str, cells: list[object] = cells) -> str:
            index = columns.get(key)
            return _text(cells[index]) if index is not None and index < len(cells) else ""

        texts = [t for t in (_text(c) for c in cells) if t]
        if not texts:
            continue
        code_text = cell("uscc")
        if not code_text or not code_text.isascii():  # empty, or words (注：…) where it goes
            reason = _skipped_because(texts)
            if reason:
                out.skipped.append(RowProblem(number, LABELS["name"], reason))
                continue
        if len(out.rows) + len(out.errors) >= MAX_ROWS:
            out.errors.append(RowProblem(number, "—", f"名单超过 {MAX_ROWS} 行，请分批导入"))
            break
        raw = cell("uscc")
        try:
            code = validate_uscc(raw)
        except UsccError as error:
            out.errors.append(RowProblem(number, LABELS["uscc"], f"“{raw}”：{error.reason}"))
            continue
        if code in seen:
            out.errors.append(
                RowProblem(number, LABELS["uscc"], f"{code} 与第 {seen[code]} 行重复")
            )
            continue
        seen[code] = number
        area: Decimal | None = None
        raw_area = cell("area")
        if raw_area:
            try:
                area = Decimal(raw_area.replace(",", "").removesuffix("㎡"))
            except InvalidOperation:
                area = Decimal("NaN")
            if not area.is_finite():  # text, NaN, Infinity
                out.errors.append(RowProblem(number, LABELS["area"], f"“{raw_area}”不是数字"))
                continue
            if area < 0 or area >= Decimal("10000000"):
                out.errors.append(RowProblem(number, LABELS["area"], f"“{raw_area}”超出范围"))
                continue
        out.rows.append(
            ExhibitorRow(
                row=number, uscc=code, name=cell("name"), booth=cell("booth")[:40], area=area
            )
        )
    if not out.rows and not out.errors:
        raise FileUnreadable("名单中没有企业行。")
    return out
