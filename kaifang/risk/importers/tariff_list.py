"""A tariff list as a partner publishes it (csv or xlsx): HS codes at any level (2 to 10
digits, written 8501.10.20 or 85011020) with the added duty per line. Pure: bytes in, lines
and row-level errors (in Chinese) out, no database.

The header row is found among the first ten rows by its code column (商品编码, 税号, HS,
HTS …); the rate column (加征税率, 税率, rate, duty …) and a description column are optional.
A rate is in percentage points: 25, 25% and "25 %" all mean 25 points. Without a header row,
the first column is the code and the second, if numeric, the rate."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from kaifang.risk.matching import clean_code
from kaifang.trade.importers.common import CellError, parse_hs_code
from kaifang.trade.importers.tabular import data_sheet, uncached_formula_message

CODE_HEADERS = (
    "商品编码",
    "hs编码",
    "hs编号",
    "税则号列",
    "税则号",
    "税号",
    "编码",
    "hs",
    "hscode",
    "hts",
    "hts8",
    "htsus",
    "htsnumber",
    "code",
    "tariffline",
    "subheading",
    "heading",
)
RATE_HEADERS = (
    "加征税率",
    "加征关税税率",
    "加征关税",
    "附加税率",
    "税率",
    "关税",
    "rate",
    "additionalduty",
    "additionalrate",
    "duty",
    "tariff",
)
NOTE_HEADERS = ("商品名称", "商品描述", "描述", "名称", "说明", "description", "product")
MAX_ROWS = 20_000
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEADER_SEARCH = 10


@dataclass(frozen=True)
class TariffLine:
    row: int
    hs_code: str
    rate_pp: Decimal | None
    note: str


@dataclass(frozen=True)
class LineError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "文件"
        column = f"“{self.column}”列" if self.column else ""
        return f"{where}{column}：{self.reason}"


@dataclass
class TariffList:
    lines: list[TariffLine] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    header_row: int = 0
    rows_read: int = 0

    @property
    def ok(self) -> bool:
        return bool(self.lines) and not self.errors


def _norm(text: object) -> str:
    value = "" if text is None else str(text)
    return "".join(ch for ch in value.lower() if not ch.isspace() and ch not in "()（）._-:：/")


def _find(header: Sequence[str], names: Sequence[str]) -> int | None:
    normed = [_norm(h) for h in header]
    for name in names:  # exact first, in order of preference
        if name in normed:
            return normed.index(name)
    for name in names:
        for index, text in enumerate(normed):
            if text and name in text:
                return index
    return None


def _rows_csv(content: bytes) -> Iterator[list[object]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV，或 Excel 文件。")
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, ",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text), dialect)


def _rows_xlsx(content: bytes) -> Iterator[list[object]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # BadZipFile, KeyError, a damaged part …
        raise ValueError("无法读取 Excel 文件，请确认文件为 .xlsx 格式。") from error
    sheet = data_sheet(book, _is_header)
    uncached = uncached_formula_message(content, sheet.title)
    if uncached:
        raise ValueError(uncached)
    for row in sheet.iter_rows():
        yield [_percent(cell.value, getattr(cell, "number_format", "")) for cell in row]
    book.close()


def _percent(value: object, number_format: str | None) -> object:
    """A number in a cell formatted as a percentage (0.25 shown as 25%) as the text it shows."""
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and "%" in (number_format or "")
    ):
        shown = (Decimal(repr(value)) * 100).normalize()
        return f"{shown:f}%"
    return value


def _code(value: object) -> str:
    """The code text of a cell; a number with a fraction is a code Excel took for a number
    (8501.10 typed in is 8501.1: heading 8501, subheading 10, not 085011)."""
    if isinstance(value, float) and not value.is_integer():
        try:
            return parse_hs_code(value)
        except CellError:
            pass
    return _text(value)


def _is_header(row: list[object]) -> bool:
    header = [_text(c) for c in row]
    found = _find(header, CODE_HEADERS)
    return found is not None and not clean_code(header[found])


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # full-width digits and marks (８５０１．１０, ２５％) as the half-width ones they are
    return unicodedata.normalize("NFKC", str(value)).strip()


def parse_rate(value: object) -> Decimal | None:
    """Percentage points from 25, "25%", "25 %", "百分之25" is not supported (error)."""
    text = _text(value).replace("％", "%").replace(" ", "")
    if not text:
        return None
    if text.endswith("%"):
        text = text[:-1]
    try:
        rate = Decimal(text)
    except InvalidOperation:
        rate = Decimal("NaN")
    if not rate.is_finite():  # NaN, Infinity: not a rate (and not comparable)
        raise ValueError(f"税率“{_text(value)}”不是数字（请填写百分点，如 25 或 25%）")
    if rate < 0 or rate > 1000:
        raise ValueError(f"税率“{_text(value)}”超出范围（0–1000个百分点）")
    return rate


def parse_tariff_list(content: bytes, *, filename: str) -> TariffList:
    """Lines and errors of a published tariff list. Repeated codes keep the first line."""
    result = TariffList()
    if content.startswith(_OLE2):  # .xls, or a workbook saved with an opening password
        reason = (
            "文件设置了打开密码：请在 Excel 中取消密码，另存为 .xlsx 后再导入。"
            if "EncryptedPackage".encode("utf-16-le") in content
            else "这是旧版 Excel（.xls）文件：请在 Excel 中另存为 .xlsx 或 CSV 后再导入。"
        )
        result.errors.append(LineError(0, "", reason))
        return result
    try:
        # the content decides, not the name (an .xlsx renamed .csv)
        workbook = content.startswith(b"PK\x03\x04") or filename.lower().endswith(
            (".xlsx", ".xlsm")
        )
        rows = _rows_xlsx(content) if workbook else _rows_csv(content)
        buffered: list[list[object]] = []
        for raw in rows:
            buffered.append(raw)
            if len(buffered) > MAX_ROWS:
                result.errors.append(LineError(0, "", f"清单超过 {MAX_ROWS} 行，请拆分后导入。"))
                return result
    except ValueError as error:
        result.errors.append(LineError(0, "", str(error)))
        return result
    code_col: int | None = None
    rate_col: int | None = None
    note_col: int | None = None
    start = 0
    for index, raw in enumerate(buffered[:HEADER_SEARCH]):
        header = [_text(c) for c in raw]
        found = _find(header, CODE_HEADERS)
        if found is not None and not clean_code(header[found]):
            code_col, start = found, index + 1
            rate_col = _find(header, RATE_HEADERS)
            note_col = _find(header, NOTE_HEADERS)
            if rate_col == code_col:
                rate_col = None
            result.header_row = index + 1
            break
    if code_col is None:  # no header: code, then rate when numeric
        code_col, rate_col, note_col = 0, 1, None
    headers = buffered[start - 1] if start else []
    code_label = _text(headers[code_col]) if start and code_col < len(headers) else "商品编码"
    rate_label = (
        _text(headers[rate_col])
        if start and rate_col is not None and rate_col < len(headers)
        else "税率"
    )
    seen: dict[str, int] = {}
    for offset, raw in enumerate(buffered[start:]):
        number = start + offset + 1
        cells = [_text(c) for c in raw]
        if not any(cells):
            continue
        result.rows_read += 1
        raw_code = _code(raw[code_col]) if code_col < len(raw) else ""
        code = clean_code(raw_code)
        if any(not (ch.isdigit() or ch in ". -") for ch in raw_code.removesuffix(".0")):
            code = ""  # letters or other marks: not a code
        if not raw_code:
            result.errors.append(LineError(number, code_label, "商品编码为空"))
            continue
        if code and len(code) % 2 and len(code) < 10:
            code = "0" + code  # a leading zero lost to a number cell (0101 → 101)
        if not code or len(code) < 2 or len(code) > 10 or len(code) % 2:
            result.errors.append(
                LineError(number, code_label, f"商品编码“{raw_code}”不是2、4、6、8或10位数字")
            )
            continue
        rate: Decimal | None = None
        if rate_col is not None and rate_col < len(cells):
            try:
                rate = parse_rate(cells[rate_col])
            except ValueError as error:
                if start:  # a header names the column: a bad rate is an error
                    result.errors.append(LineError(number, rate_label, str(error)))
                    continue
                rate = None  # headerless: the second column was not a rate
        if code in seen:
            result.errors.append(
                LineError(number, code_label, f"商品编码“{code}”与第{seen[code]}行重复")
            )
            continue
        seen[code] = number
        note = cells[note_col] if note_col is not None and note_col < len(cells) else ""
        result.lines.append(TariffLine(row=number, hs_code=code, rate_pp=rate, note=note[:200]))
    if not result.lines and not result.errors:
        result.errors.append(LineError(0, "", "清单中没有商品编码。"))
    return result
