"""Plain-data building blocks shared by the importers: cell parsing, lookups, row errors.

Nothing here touches the database. Each ``parse_*`` function takes one cell value as the file
reader produced it (str, int, float, Decimal, date, datetime or None) and returns the parsed value
or raises ``CellError`` with a Chinese reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Literal

from kaifang.core.lib.uscc import (
    UsccError,
    is_customs_code,
    normalise_customs_code,
    validate_uscc,
)
from kaifang.trade.importers.months import NoYearError, english_month

Cell = str | int | float | Decimal | date | datetime | None
Flow = Literal["export", "import"]

__all__ = [
    "MAX_AMOUNT",
    "Cell",
    "CellError",
    "EnterpriseRef",
    "Flow",
    "Lookups",
    "NewEnterprise",
    "RowError",
    "RowWarning",
    "add_amounts",
    "cell_text",
    "code_text",
    "is_missing",
    "normalise_name",
    "parse_amount",
    "parse_currency",
    "parse_flow",
    "parse_hs_code",
    "parse_period",
    "split_code_name",
    "where",
]


class CellError(ValueError):
    """A cell that cannot be read; ``reason`` is Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RowError:
    """A rejected row: ``row`` is the row number a person sees in the file (header = 1)."""

    row: int
    column: str
    value: str
    reason: str
    sheet: str = ""  # the worksheet, when a workbook's several sheets were read

    @property
    def where(self) -> str:
        """工作表「进口」第 12 行, or 第 12 行 when one sheet was read."""
        return where(self.row, self.sheet)

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
        }
        if self.sheet:
            out["sheet"] = self.sheet
        return out


@dataclass(frozen=True, slots=True)
class RowWarning:
    """Something imported but worth a look (unknown trade mode, skipped total row …)."""

    row: int
    column: str
    value: str
    message: str
    sheet: str = ""

    @property
    def where(self) -> str:
        return where(self.row, self.sheet)

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }
        if self.sheet:
            out["sheet"] = self.sheet
        return out


def where(row: int, sheet: str = "") -> str:
    """A row as a person finds it: 工作表「进口」第 12 行, or 第 12 行."""
    return f"工作表「{sheet}」第 {row} 行" if sheet else f"第 {row} 行"


# --------------------------------------------------------------------------- text helpers

_NAME_TRANS = str.maketrans(
    {
        "（": "(",
        "）": ")",
        "\u3000": "",
        " ": "",
        "\t": "",
        "\r": "",
        "\n": "",
        "\xa0": "",
    }
)


def normalise_name(value: str) -> str:
    """Compare-key of a Chinese name: no spaces, half-width brackets, upper-case Latin letters."""
    return value.translate(_NAME_TRANS).upper()


def cell_text(value: Cell) -> str:
    """A cell as the text a person sees (ints without '.0', dates ISO)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.hour == value.minute == value.second == 0:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# Chinese tables write an empty figure as a dash of any width (－ ——), a slash or …
_TEXT_WRAPPER = re.compile(r'^=\s*"(.*)"$')


def code_text(value: Cell) -> str:
    """A code cell (credit code, customs code, HS code, month …) as text: 502.0 as 502 (a
    program's float; a code's groups are never one digit), full-width characters
    typed with a Chinese input method made half-width (NFKC), and the wrapper a program or a
    person puts around a code so that Excel keeps it as text (="0101", '0101) taken off."""
    text = cell_text(value)
    if text.endswith(".0") and text[:-2].isdigit():
        return text[:-2]  # 202509.0, 502.0: a program wrote the column as floats
    if not text or (text.isascii() and text[0] not in "='"):
        return text
    text = unicodedata.normalize("NFKC", text).strip()
    match = _TEXT_WRAPPER.match(text)
    if match:
        return match.group(1).strip()
    return text[1:].strip() if text.startswith("'") else text


_MISSING = frozenset(
    {
        "",
        "?",
        "？",
        "-",
        "--",
        "---",
        "—",
        "——",
        "―",
        "–",
        "－",
        "－－",
        "…",
        "……",
        "/",
        "／",
        "NULL",
        "null",
        "N/A",
        "n/a",
        "#N/A",
    }
)


def is_missing(value: Cell) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() in _MISSING
    return False


# --------------------------------------------------------------------------- amounts

_AMOUNT_TRANS = str.maketrans({",": "", "，": "", " ": "", "\u3000": "", "\xa0": "", "_": ""})
# thousands separators every three digits: 1,234.50 but not 1.234,50 or 12,34
_GROUPED = re.compile(r"^\(?[-+]?\d{1,3}(?:[,，]\d{3})+(?:\.\d*)?\)?$")
BAD_GROUPING = "数值格式有误：千位分隔符应每三位一个（如 1,234.50）"
_UNIT_IN_AMOUNT = re.compile(r"[$¥￥]|美元|人民币|元|万|亿|USD|CNY|RMB", re.I)
UNIT_IN_AMOUNT = "金额中带有货币符号或单位：请只填数字，单位写在表头（如“金额(万美元)”）"

# The amount columns are numeric(22, 4), 18 digits before the point, and the pages sum them: a
# single figure stays three orders below, far above any real one (a credit code pasted into an
# amount column, 1E+30, is refused here instead of making every page that reads it fail).
MAX_AMOUNT = Decimal(10) ** 15
TOO_LARGE = "数值过大（超出可存储范围，请检查是否填错列或单位）"


def _bounded(number: Decimal, multiplier: Decimal | None) -> Decimal:
    if multiplier is not None and multiplier != 1:
        number = number * multiplier
    if number >= MAX_AMOUNT:
        raise CellError(TOO_LARGE)
    return number


def parse_amount(value: Cell, *, multiplier: Decimal | None = None) -> Decimal | None:
    """A non-negative Decimal (×multiplier), ``None`` when missing; CellError otherwise."""
    if value is None:
        return None
    if value.__class__ is str:  # the csv case: try the plain number first
        if value in _MISSING:
            return None
        try:
            number = Decimal(value)  # type: ignore[arg-type]
        except InvalidOperation:
            pass
        else:
            if number.is_finite() and number >= 0:
                return _bounded(number, multiplier)
    if isinstance(value, bool):
        raise CellError("不是数值")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError("不是数值")
        # repr gives the shortest string that round-trips: 0.1 → Decimal('0.1'), not 0.1000…0555
        number = Decimal(repr(value))
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if text in _MISSING:
            return None
        if not text.isascii():  # １２３．５ typed in full width
            text = unicodedata.normalize("NFKC", text)
        if _UNIT_IN_AMOUNT.search(text):
            raise CellError(UNIT_IN_AMOUNT)
        if ("," in text or "，" in text) and not _GROUPED.match(text.replace(" ", "")):
            raise CellError(BAD_GROUPING)
        text = text.translate(_AMOUNT_TRANS)
        if text.startswith("(") and text.endswith(")"):  # accounting negative
            text = "-" + text[1:-1]
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellError("不是数值") from None
        if not number.is_finite():
            raise CellError("不是数值")
    else:
        raise CellError("不是数值")
    if number < 0:
        raise CellError("数值为负")
    return _bounded(number, multiplier)


# --------------------------------------------------------------------------- period

_PERIOD_PATTERNS = (
    # 2025-09, 2025/9, 2025.09, 2025年9月, 2025年09月份, 2025年9月1日, 2025-09-01,
    # 2025/9/1 0:00:00
    re.compile(
        r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*"
        r"(?:月份?|月\s*\d{1,2}\s*[日号]|[-/.]\s*\d{1,2}\s*日?)?(?:(?:\s+|T)[\d:.]+)?$"
    ),
    # 202509, 20250901
    re.compile(r"^(\d{4})(\d{2})(?:\d{2})?$"),
)
_CUMULATIVE = re.compile(r"\d{1,2}\s*[-—~至到]\s*\d{1,2}\s*月|累计")
# 25年9月: a two-digit year only with 年 (25/09 could be either order)
_SHORT_YEAR = re.compile(r"^(\d{2})\s*年\s*(\d{1,2})\s*月份?$")
# 09/2025
_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{4})$")
NO_YEAR = "只有日和月，没有年份（如 Excel 的“25-Sep”格式）：请写成 2025-09 这样的年月"
# Excel's day numbers (1900 date system) of the years customs data covers, 1990-01-01 to
# 2099-12-31: a date that lost its cell format (45901 is 2025-09-01)
_SERIAL_MIN, _SERIAL_MAX = 32874, 73050
_EXCEL_EPOCH = date(1899, 12, 30)


def _month(year: int, month: int) -> date:
    if not 1990 <= year <= 2100 or not 1 <= month <= 12:
        raise CellError("年月超出范围")
    return date(year, month, 1)


def _serial(number: float) -> date | None:
    """The month of an Excel day number in the years customs data covers, else None."""
    if not _SERIAL_MIN <= number <= _SERIAL_MAX + 1:
        return None
    day = _EXCEL_EPOCH + timedelta(days=int(number))
    return _month(day.year, day.month)


def _year_dot_month(value: float) -> date:
    """2025.9 typed into a number cell: Excel keeps 2025.10 as 2025.1, so that one is refused."""
    text = repr(value)
    match = re.fullmatch(r"(\d{4})\.(\d{1,2})", text)
    if match is None:
        raise CellError("无法识别的年月")
    year, month = match.groups()
    if month == "1":
        raise CellError(
            f"{text} 可能是 {year}年1月，也可能是 {year}年10月（Excel 把数字 {year}.10 存为 "
            f"{year}.1）：请写成 {year}-01 或 {year}-10，或把单元格设为文本"
        )
    return _month(int(year), int(month))


def parse_period(value: Cell) -> date:
    """The first day of the month a cell names (202509, 2025-09, 2025年9月, 25年9月, Sep-25,
    Excel dates and their day numbers …)."""
    if value is None:
        raise CellError("年月为空")
    if isinstance(value, datetime):
        return _month(value.year, value.month)
    if isinstance(value, date):
        return _month(value.year, value.month)
    if isinstance(value, bool):
        raise CellError("无法识别的年月")
    if isinstance(value, int | float):
        found = _serial(value)
        if found is not None:
            return found
        if isinstance(value, float) and not value.is_integer() and value < 10_000:
            return _year_dot_month(value)
        text = cell_text(value)
    else:
        text = code_text(value)
    text = text.strip().replace("\u3000", " ")
    if not text or text in _MISSING:
        raise CellError("年月为空")
    for pattern in _PERIOD_PATTERNS:
        match = pattern.match(text)
        if match:
            return _month(int(match.group(1)), int(match.group(2)))
    match = _SHORT_YEAR.match(text) or _MONTH_YEAR.match(text)
    if match:
        first, second = int(match.group(1)), int(match.group(2))
        if match.re is _SHORT_YEAR:
            return _month(2000 + first, second)
        return _month(second, first)
    if text.isdigit():
        found = _serial(int(text))
        if found is not None:
            return found
    try:
        english = english_month(text)
    except NoYearError:
        raise CellError(NO_YEAR) from None
    if english is not None:
        return _month(*english)
    if _CUMULATIVE.search(text):
        raise CellError("这是累计期间，不是单月，请按月导入")
    raise CellError("无法识别的年月")


# --------------------------------------------------------------------------- flow

_FLOWS: dict[str, Flow] = {
    "出口": "export",
    "出": "export",
    "E": "export",
    "EXPORT": "export",
    "EXPORTS": "export",
    "EX": "export",
    "X": "export",
    "进口": "import",
    "进": "import",
    "I": "import",
    "IMPORT": "import",
    "IMPORTS": "import",
    "IM": "import",
    "M": "import",
}


def parse_flow(value: Cell) -> Flow:
    text = code_text(value).replace(" ", "").upper()
    if not text or text in _MISSING:
        raise CellError("进出口标志为空")
    flow = _FLOWS.get(text)
    if flow is None:
        flow = _FLOWS.get(text.removesuffix("额").removesuffix("值"))
    if flow is None:
        flow = _flow_named_twice(text)
    if flow is None:
        raise CellError("无法识别的进出口标志（应为 进口/出口/I/E）")
    return flow


def _flow_named_twice(text: str) -> Flow | None:
    """出口(E), E-出口, 进口货物, Exp: the flow when every word of the cell names the same one."""
    if "进出口" in text:
        return None
    named: set[Flow | None] = {_FLOWS[word] for word in ("出口", "进口") if word in text}
    latin = re.sub(r"[^A-Z]", "", text)
    if latin:
        named.add(_FLOWS.get({"EXP": "E", "IMP": "I"}.get(latin, latin)))
    rest = re.sub(r"出口|进口|货物|[A-Z\s()（）\-—_/:：]", "", text)
    return named.pop() if len(named) == 1 and not rest else None


# --------------------------------------------------------------------------- currency

# 币制 of a declaration: the name, the ISO code or the customs' old numeric code
_CURRENCIES: dict[str, Literal["usd", "cny"]] = {
    "美元": "usd",
    "USD": "usd",
    "502": "usd",
    "人民币": "cny",
    "CNY": "cny",
    "RMB": "cny",
    "142": "cny",
}


def parse_currency(value: Cell) -> Literal["usd", "cny"]:
    """美元 or 人民币 from a 币制 cell (美元, USD, 502, (502)美元, 人民币(CNY) …)."""
    text = cell_text(value)
    if not text or text in _MISSING:
        raise CellError("币制为空")
    compact = normalise_name(text)
    for part in (compact, *split_code_name(compact), *re.split(r"[()]", compact)):
        found = _CURRENCIES.get(part)
        if found is not None:
            return found
    raise CellError(f"币制为“{text}”：只能导入美元或人民币金额，请换算后填入“美元”或“人民币”列")


# --------------------------------------------------------------------------- HS code

_HS_STRIP = str.maketrans("", "", " .\u3000\xa0-")


def parse_hs_code(value: Cell) -> str:
    """2–10 digits; dots and spaces removed; a leading zero Excel dropped is restored.

    HS codes always have an even number of digits (2, 4, 6, 8 or 10), so an odd count can only
    mean a lost leading zero (``1012100`` → ``01012100``).
    """
    if value is None:
        raise CellError("商品编码为空")
    if isinstance(value, float) and not value.is_integer():
        # 8517.12 typed as a number: the heading is the integer part, the rest the subheading
        whole, _, frac = repr(value).partition(".")
        frac = frac.ljust(len(frac) + len(frac) % 2, "0")
        text = whole.zfill(4) + frac
    else:
        text = code_text(value).translate(_HS_STRIP)
    if not text or text in _MISSING:
        raise CellError("商品编码为空")
    if not text.isdigit() or not text.isascii():
        raise CellError("商品编码应为2至10位数字")
    if len(text) % 2:
        text = "0" + text
    if not 2 <= len(text) <= 10:
        raise CellError("商品编码应为2至10位数字")
    return text


# --------------------------------------------------------------------------- code + name cells

_CODE_NAME = (
    re.compile(
        r"^\(?(\d{2,4})\)?[\s:：\-、.]*([^\d\s].*)$"
    ),  # (0615)进料对口 / 502 美国 / 10-一般贸易
    re.compile(r"^(.*[^\d\s])\s*\((\d{2,4})\)$"),  # 美国(502)
)


def split_code_name(text: str) -> tuple[str, str]:
    """Split ``(0615)进料对口`` / ``502 美国`` / ``美国(502)`` into (code, name).

    Returns (text, "") for a bare code and ("", text) for a bare name.
    """
    text = text.strip().replace("（", "(").replace("）", ")")
    if text.isdigit():
        return text, ""
    match = _CODE_NAME[0].match(text)
    if match:
        return match.group(1), match.group(2).strip()
    match = _CODE_NAME[1].match(text)
    if match:
        return match.group(2), match.group(1).strip()
    return "", text


# --------------------------------------------------------------------------- lookups


@dataclass(frozen=True, slots=True)
class EnterpriseRef:
    """Who a row is about. ``enterprise_id`` is set when the register already knows it."""

    enterprise_id: int | None
    uscc: str
    customs_code: str
    name: str

    @property
    def key(self) -> tuple[str, str]:
        if self.enterprise_id is not None:
            return ("id", str(self.enterprise_id))
        if self.uscc:
            return ("uscc", self.uscc)
        if self.customs_code:
            return ("customs_code", self.customs_code)
        return ("name", normalise_name(self.name))


@dataclass(frozen=True, slots=True)
class NewEnterprise:
    """An identifier the register does not know yet: the caller creates it as pending review."""

    uscc: str
    customs_code: str
    name: str
    first_row: int


_PARTNER_PREFIXES = ("中国",)
_REGION_SUFFIXES = ("(地区)", "地区", "特别行政区", "特区")
# an official long name's short form: 俄罗斯联邦 → 俄罗斯, 多民族玻利维亚国 → 玻利维亚
_STATE_FORMS = re.compile(r"^(?:多民族(.{2,})国|(.{2,}?)(?:联邦民主共和国|共和国|联邦|城国))$")


def _partner_variants(name: str) -> set[str]:
    base = normalise_name(name)
    variants = {base, _STATE_FORMS.sub(lambda m: m.group(1) or m.group(2), base)}
    for suffix in _REGION_SUFFIXES:
        if base.endswith(suffix) and len(base) > len(suffix) + 1:
            variants.add(base.removesuffix(suffix))
    for variant in list(variants):
        for prefix in _PARTNER_PREFIXES:
            # 中国香港 ↔ 香港, 中国澳门 ↔ 澳门, 中国台湾 ↔ 台湾 (but never 中国 itself)
            if variant.startswith(prefix) and len(variant) > len(prefix) + 1:
                variants.add(variant.removeprefix(prefix))
    return variants


@dataclass(slots=True)
class Lookups:
    """Reference data the caller reads from the database, as plain dicts.

    Keys are normalised (``normalise_name``); build it with ``Lookups.build``.

    - ``partners``: 3-digit customs partner code → itself, and every name variant → code.
    - ``trade_modes``: 2-digit statistics code, 4-digit declaration code and names → the
      canonical code the database stores.
    - ``enterprises_by_uscc`` / ``_by_customs_code`` / ``_by_name``: → enterprise id.
    """

    partner_codes: frozenset[str] = frozenset()
    partners: dict[str, str] = field(default_factory=dict)
    trade_modes: dict[str, str] = field(default_factory=dict)
    enterprises_by_uscc: dict[str, int] = field(default_factory=dict)
    enterprises_by_customs_code: dict[str, int] = field(default_factory=dict)
    enterprises_by_name: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        *,
        partners: Iterable[tuple[str, str]] = (),
        partner_aliases: Mapping[str, str] | None = None,
        trade_modes: Iterable[tuple[str, str, str]] = (),
        enterprises: Iterable[tuple[int, str, str, str]] = (),
        former_names: Iterable[tuple[int, str]] = (),
    ) -> Lookups:
        """Build the lookups.

        ``partners``: (code, name); ``partner_aliases``: extra name (or ISO code) → code;
        ``trade_modes``: (code as found in files, name, canonical code);
        ``enterprises``: (id, uscc, customs_code, name), empty strings where unknown;
        ``former_names``: (id, former name).
        """
        codes: set[str] = set()
        partner_map: dict[str, str] = {}
        for code, name in partners:
            codes.add(code)
            partner_map[code] = code
            for variant in _partner_variants(name):
                partner_map.setdefault(variant, code)
        for alias, code in (partner_aliases or {}).items():
            for variant in _partner_variants(alias):
                partner_map.setdefault(variant, code)
        mode_map: dict[str, str] = {}
        for code, name, canonical in trade_modes:
            mode_map[code] = canonical
            if name:
                mode_map.setdefault(normalise_name(name), canonical)
        by_uscc: dict[str, int] = {}
        by_customs: dict[str, int] = {}
        by_name: dict[str, int] = {}
        for enterprise_id, uscc, customs_code, name in enterprises:
            if uscc:
                by_uscc[uscc.upper()] = enterprise_id
            if customs_code:
                by_customs[customs_code.upper()] = enterprise_id
            if name:
                by_name[normalise_name(name)] = enterprise_id
        for enterprise_id, name in former_names:
            by_name.setdefault(normalise_name(name), enterprise_id)
        return cls(
            partner_codes=frozenset(codes),
            partners=partner_map,
            trade_modes=mode_map,
            enterprises_by_uscc=by_uscc,
            enterprises_by_customs_code=by_customs,
            enterprises_by_name=by_name,
        )

    # ----------------------------------------------------------------------- partners

    def partner_from_code(self, value: Cell) -> str | None:
        text = code_text(value)
        if not text or text in _MISSING:
            return None
        code, name = split_code_name(text)
        if code:
            code = code.zfill(3)
            if code in self.partner_codes:
                return code
        key = normalise_name(name or text)
        return self.partners.get(key)

    def partner_from_name(self, value: Cell) -> str | None:
        text = cell_text(value)
        if not text or text in _MISSING:
            return None
        found = self.partners.get(normalise_name(text))
        if found is not None:
            return found
        code, name = split_code_name(text)
        if code and code.zfill(3) in self.partner_codes:
            return code.zfill(3)
        if name:
            return self.partners.get(normalise_name(name))
        return None

    # ----------------------------------------------------------------------- trade modes

    def trade_mode(self, value: Cell) -> tuple[str, bool]:
        """(code, known). An unknown mode comes back as its raw text with known=False."""
        text = code_text(value)
        if not text or text in _MISSING:
            return "", True
        found = self.trade_modes.get(text) or self.trade_modes.get(normalise_name(text))
        if found is not None:
            return found, True
        code, name = split_code_name(text)
        if code:
            if len(code) == 3:  # 110 from a number cell that lost its leading zero
                code = code.zfill(4)
            found = self.trade_modes.get(code)
            if found is not None:
                return found, True
        if name:
            found = self.trade_modes.get(normalise_name(name))
            if found is not None:
                return found, True
        return (code or text), False

    # ----------------------------------------------------------------------- enterprises

    def resolve_enterprise(
        self, uscc_cell: Cell, customs_cell: Cell, name_cell: Cell
    ) -> EnterpriseRef:
        """Identify an enterprise from its cells; CellError(column_field, reason) if impossible.

        Raises ``EnterpriseCellError`` naming which cell was wrong.
        """
        uscc = ""
        customs_code = ""
        uscc_text = code_text(uscc_cell)
        customs_text = code_text(customs_cell)
        if uscc_text and uscc_text not in _MISSING:
            compact = normalise_customs_code(uscc_text)
            if len(compact) == 10 and is_customs_code(compact):
                customs_code = compact  # a customs code in the credit-code column
            else:
                try:
                    uscc = validate_uscc(uscc_text)
                except UsccError as exc:
                    raise EnterpriseCellError("uscc", exc.reason) from None
        if customs_text and customs_text not in _MISSING:
            compact = normalise_customs_code(
                customs_text if isinstance(customs_cell, str) else customs_cell
            )
            if len(compact) == 18:  # a credit code in the customs-code column
                try:
                    found = validate_uscc(compact)
                except UsccError as exc:
                    raise EnterpriseCellError("customs_code", exc.reason) from None
                uscc = uscc or found
            elif is_customs_code(compact):
                customs_code = customs_code or compact
            else:
                raise EnterpriseCellError(
                    "customs_code", "海关编码格式错误（应为10位数字或大写字母，前4位为数字）"
                )
        name = cell_text(name_cell)
        if name in _MISSING:
            name = ""
        enterprise_id: int | None = None
        if uscc:
            enterprise_id = self.enterprises_by_uscc.get(uscc)
        if enterprise_id is None and customs_code:
            enterprise_id = self.enterprises_by_customs_code.get(customs_code)
        if enterprise_id is None and not uscc and not customs_code:
            if not name:
                raise EnterpriseCellError(
                    "", "缺少企业标识（统一社会信用代码、海关编码或企业名称）"
                )
            enterprise_id = self.enterprises_by_name.get(normalise_name(name))
            if enterprise_id is None:
                raise EnterpriseCellError(
                    "name", "企业名称不在企业库中，且没有统一社会信用代码或海关编码"
                )
        return EnterpriseRef(enterprise_id, uscc, customs_code, name)


class EnterpriseCellError(CellError):
    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(reason)
        self.field_name = field_name


def add_amounts(total: Decimal | None, value: Decimal | None) -> Decimal | None:
    """Sum two amounts where a missing one (None, an empty or "?" cell) adds nothing and two
    missing stay missing: a "?" is not a zero."""
    if value is None:
        return total
    return value if total is None else total + value
