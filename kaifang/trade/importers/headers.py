"""Recognise the columns of an import file from their (Chinese) headers.

Headers vary from file to file: 数据年月 or 年月 or 统计年月, 美元 or 金额(美元) or 出口额(万美元).
``detect_mapping`` turns a header row into a ``HeaderMapping`` (field → column index, plus the
multiplier a unit such as 万美元 implies), lists the columns it did not recognise, and lets the
user override any field with a header name. A mapping serialises to JSON for a saved template.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from kaifang.trade.importers.fields import FIELDS

__all__ = [
    "FIELDS",
    "HeaderMapping",
    "Kind",
    "MappingError",
    "apply_title_units",
    "detect_mapping",
    "header_score",
    "normalise_header",
    "title_units",
]

Kind = Literal["customs", "enterprise_list", "fdi", "odi"]


class MappingError(ValueError):
    """The file's columns cannot be used; ``reason`` is Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_HEADER_TRANS = str.maketrans(
    {
        "（": "(",
        "）": ")",
        "【": "(",
        "】": ")",
        "[": "(",
        "]": ")",
        "〔": "(",
        "〕": ")",
        "／": "/",
        "＄": "$",
        " ": None,
        "\u3000": None,
        "\xa0": None,
        "\t": None,
        "\r": None,
        "\n": None,
        "※": None,
        "*": None,
        "＊": None,
        "★": None,
        "☆": None,
        ":": None,
        "：": None,
        "_": None,
        "\ufeff": None,
    }
)


def normalise_header(text: object) -> str:
    """Compare-key of a header: no spaces/newlines/※/*, half-width brackets, lower-case Latin."""
    if text is None:
        return ""
    return str(text).translate(_HEADER_TRANS).lower()


# Value columns: the header minus units and suffixes like 金额/额/值 is looked up here; the
# currency (美元/人民币) and multiplier (万/亿/千) come from the units.
# base → field prefix ("" = the plain value; "total" = a 进出口 total we do not import).
_VALUE_BASES: dict[str, dict[str, str]] = {
    "customs": {
        "": "value",
        "贸易": "value",
        "统计": "value",
        "出口": "export",
        "进口": "import",
        "进出口": "total",
        "外贸进出口": "total",
        "外贸": "total",
        "成交": "value",  # 成交金额(美元)
    },
    "fdi": {
        "": "value",
        "实际使用外资": "value",
        "实际利用外资": "value",
        "实际到资": "value",
        "到资": "value",
        "实际到账外资": "value",
        "实到外资": "value",
        "实际外资": "value",
        "外资到位": "value",
        "实际使用外资额": "value",
        "合同外资": "contract",
        "合同利用外资": "contract",
        "协议外资": "contract",
    },
    "odi": {
        "": "value",
        "对外直接投资": "value",
        "对外直接投资额": "value",
        "实际投资": "value",
        "中方实际投资": "value",
        "境外投资": "value",
        "实际对外投资": "value",
        "中方协议投资": "agreed",
        "协议投资": "agreed",
        "中方投资": "agreed",
    },
    "enterprise_list": {},
}
# Which value fields make a file usable (at least one is required).
_VALUE_FIELDS: dict[str, tuple[str, ...]] = {
    "customs": ("value_usd", "value_cny", "export_usd", "export_cny", "import_usd", "import_cny"),
    "fdi": ("value_usd", "value_cny"),
    "odi": ("value_usd", "value_cny"),
    "enterprise_list": (),
}
_VALUE_LABELS = {
    "value_usd": "美元",
    "value_cny": "人民币",
    "export_usd": "出口(美元)",
    "export_cny": "出口(人民币)",
    "import_usd": "进口(美元)",
    "import_cny": "进口(人民币)",
    "contract_usd": "合同外资(美元)",
    "contract_cny": "合同外资(人民币)",
    "agreed_usd": "中方协议投资额(美元)",
    "agreed_cny": "中方协议投资额(人民币)",
}

_NOT_VALUE = (
    "同比",
    "增长",
    "增速",
    "增幅",
    "占比",
    "比重",
    "%",
    "上年",
    "去年",
    "累计",
    "排名",
    "排序",
    "位次",
    "单价",
    "数量",
    "单位",
    "代码",
    "编码",
    "名称",
    "序号",
    "环比",
    "率",
)
_USD_WORDS = ("美元", "usd", "us$", "$")
_CNY_WORDS = ("人民币", "cny", "rmb", "元")
_UNIT_TOKENS = (
    "万美元",
    "亿美元",
    "千美元",
    "美元",
    "人民币",
    "万元",
    "亿元",
    "千元",
    "元",
    "usd",
    "us$",
    "$",
    "cny",
    "rmb",
    "万",
    "亿",
)
_VALUE_SUFFIXES = ("金额", "总额", "总值", "合计", "数额", "额", "值")
_PAREN = re.compile(r"\(([^()]*)\)")
_TEN_THOUSAND = Decimal(10_000)


def _value_field(kind: str, norm: str) -> tuple[str, Decimal, bool] | None:
    """(field, multiplier, currency_was_stated) for a value header, or None."""
    bases = _VALUE_BASES[kind]
    if not bases or any(word in norm for word in _NOT_VALUE):
        return None
    currency = None
    if any(word in norm for word in _USD_WORDS):
        currency = "usd"
    elif any(word in norm for word in _CNY_WORDS):
        currency = "cny"
    multiplier = Decimal(1)
    if "亿" in norm:
        multiplier = Decimal(100_000_000)
    elif "万" in norm:
        multiplier = _TEN_THOUSAND
    elif "千美元" in norm or "千元" in norm:
        multiplier = Decimal(1000)
    base = _PAREN.sub("", norm)
    for token in _UNIT_TOKENS:
        base = base.replace(token, "")
    base = base.replace("(", "").replace(")", "").replace("/", "")
    changed = True
    while changed:
        changed = False
        for suffix in _VALUE_SUFFIXES:
            if base.endswith(suffix) and base != suffix:
                base = base.removesuffix(suffix)
                changed = True
            elif base == suffix:
                base = ""
                changed = True
    # 本月出口 beside 1-9月累计出口 (never a value) in a statistics office's table
    for month in ("本月", "当月", "本期"):
        base = base.removeprefix(month)
    prefix = bases.get(base)
    if prefix is None:
        return None
    if currency is None:
        if kind == "customs" and prefix in ("value", "total"):
            return None  # 进出口 without a unit is the flow column; a bare 金额 is ambiguous
        currency = "usd"
        stated = False
    else:
        stated = True
    if prefix == "total":
        return ("total", multiplier, stated)
    return (f"{prefix}_{currency}", multiplier, stated)


# A title row's unit: 单位：万美元 / 金额单位:万元 / 单位：万元人民币 / 单位：万美元、万元
_TITLE_UNIT = re.compile(r"(千|万|亿)?(美元|元人民币|人民币|元)")
# the units right after 单位 (colons and spaces are gone): 单位万美元、万元 but not
# 填报单位示范市元通贸易公司
_TITLE_UNITS = re.compile(r"单位((?:(?:千|万|亿)?(?:美元|元人民币|人民币|元)[、,，/和及]?)+)")
_SCALES = {"千": Decimal(1000), "万": _TEN_THOUSAND, "亿": Decimal(100_000_000)}


def title_units(titles: Sequence[str]) -> dict[str, Decimal]:
    """The money units the rows above the header state: currency ("usd"/"cny") → multiplier.

    Only a row naming 单位 counts (单位：万美元); MappingError when one currency is given two
    sizes (单位：万元 … 单位：亿元)."""
    found: dict[str, set[Decimal]] = {}
    for title in titles:
        stated = "".join(m.group(1) for m in _TITLE_UNITS.finditer(normalise_header(title)))
        for match in _TITLE_UNIT.finditer(stated):
            currency = "usd" if match.group(2) == "美元" else "cny"
            found.setdefault(currency, set()).add(_SCALES.get(match.group(1) or "", Decimal(1)))
    if any(len(sizes) > 1 for sizes in found.values()):
        raise MappingError("标题中注明的计量单位不一致，请核对后只保留一个单位")
    return {currency: sizes.pop() for currency, sizes in found.items()}


def _header_unit(norm: str) -> tuple[str | None, Decimal | None]:
    """(currency, multiplier) a value header states itself, None for each it leaves out."""
    currency = None
    if any(word in norm for word in _USD_WORDS):
        currency = "usd"
    elif any(word in norm for word in _CNY_WORDS):
        currency = "cny"
    scale = next((size for word, size in _SCALES.items() if word in norm), None)
    if scale is None and any(
        word in unit for unit in _PAREN.findall(norm) for word in (*_USD_WORDS, *_CNY_WORDS)
    ):
        scale = Decimal(1)  # 出口额(美元): a unit in brackets states its size, plain
    return currency, scale


def _bare_value_column(mapping: HeaderMapping) -> int | None:
    """The one column of a customs file without any amount column mapped whose header is an
    amount but names no currency (金额, 金额合计), else None."""
    if mapping.kind != "customs" or mapping.value_fields():
        return None
    used = set(mapping.columns.values())
    found = [
        column
        for column, text in enumerate(mapping.headers)
        if column not in used
        and (norm := normalise_header(text))
        and _header_unit(norm) == (None, None)
        and _value_field("customs", norm + "美元") == ("value_usd", Decimal(1), True)
    ]
    return found[0] if len(found) == 1 else None


def apply_title_units(mapping: HeaderMapping, titles: Sequence[str]) -> HeaderMapping:
    """The mapping with the unit a title row states (单位：万美元) given to the value columns
    whose header leaves it out: 出口 under 单位：万美元 is export_usd × 10,000. A header whose
    own unit differs from the title's is a MappingError: one of them is wrong, and guessing
    would make the figures 10,000 times off. Returns ``mapping`` itself when nothing changes."""
    units = title_units(titles)
    if not units:
        return mapping
    columns = dict(mapping.columns)
    multipliers = dict(mapping.multipliers)
    notes = list(mapping.notes)
    stated = "、".join(
        ("千" if m == 1000 else "万" if m == _TEN_THOUSAND else "亿" if m > 1 else "")
        + ("美元" if c == "usd" else "元")
        for c, m in units.items()
    )
    bare = _bare_value_column(mapping) if len(units) == 1 else None
    if bare is not None:
        # 金额 under 单位：万美元: the title says the currency a bare amount column leaves out
        title_currency, size = next(iter(units.items()))
        columns[f"value_{title_currency}"] = bare
        multipliers[f"value_{title_currency}"] = size
        notes.append(f"列“{mapping.headers[bare]}”按标题所注单位（{stated}）计")
    for name, column in mapping.columns.items():
        if not name.endswith(("_usd", "_cny")):
            continue
        text = mapping.headers[column]
        currency, scale = _header_unit(normalise_header(text))
        if currency is None:
            if len(units) > 1:
                raise MappingError(
                    f"标题注明的单位有{stated}，列“{text}”未注明币种：请在表头注明，如“{text}(万美元)”"
                )
            currency = next(iter(units))
        if currency not in units:
            # the title speaks of the other currency: a plain 美元 there leaves a 人民币 column
            # as it is, a scaled one (万美元) would leave its size a guess
            if scale is None and any(size != 1 for size in units.values()):
                raise MappingError(
                    f"标题注明单位为{stated}，列“{text}”却是"
                    f"{'美元' if currency == 'usd' else '人民币'}且未注明单位：请在表头注明，"
                    "如“人民币(万元)”"
                )
            continue
        if scale is not None and scale != units[currency]:
            raise MappingError(
                f"标题注明单位为{stated}，与列“{text}”的单位不一致：请核对后修改标题或表头"
            )
        if scale is not None and currency == _header_unit(normalise_header(text))[0]:
            continue  # the header says it all, and agrees
        field_name = f"{name.rsplit('_', 1)[0]}_{currency}"
        if field_name != name and field_name in columns:
            raise MappingError(f"列“{text}”与另一列都是{_VALUE_LABELS.get(field_name, field_name)}")
        del columns[name]
        multipliers.pop(name, None)
        columns[field_name] = column
        multipliers[field_name] = units[currency]
        note = f"列“{text}”按标题所注单位（{stated}）计"
        notes = [n for n in notes if not n.startswith(f"列“{text}”未注明币种") and n != note]
        notes.append(note)
    return dataclasses.replace(mapping, columns=columns, multipliers=multipliers, notes=notes)


# a header naming a month: 1月, 9月份, 2025年9月, 2025-09, 202509, with a unit in brackets
_MONTH_COLUMN = re.compile(
    r"^(?:(?:\d{4}年)?\d{1,2}月份?|\d{4}[-./]\d{1,2}|\d{4}(?:0[1-9]|1[0-2]))(?:\(.*\))?$"
)


def _variant_index(kind: str) -> dict[str, tuple[str, int]]:
    index: dict[str, tuple[str, int]] = {}
    for field_name, (_label, variants) in FIELDS[kind].items():
        for position, variant in enumerate(variants):
            index.setdefault(normalise_header(variant), (field_name, position))
    return index


_INDEX: dict[str, dict[str, tuple[str, int]]] = {kind: _variant_index(kind) for kind in FIELDS}
_ALL_NAMES: frozenset[str] = frozenset(name for index in _INDEX.values() for name in index)


def _match(kind: str, norm: str) -> tuple[str, int] | None:
    index = _INDEX[kind]
    found = index.get(norm)
    if found is None and "(" in norm:
        stripped = _PAREN.sub("", norm)
        found = index.get(stripped)
        if found is not None:
            found = (found[0], found[1] + 100)  # an exact header wins over a stripped one
    return found


def header_score(cells: Sequence[object], kind: Kind | None = None) -> int:
    """How many cells of a row look like known headers (used to find the header row)."""
    kinds: Sequence[str] = (kind,) if kind else tuple(FIELDS)
    score = 0
    for cell in cells:
        if not isinstance(cell, str):
            continue
        norm = normalise_header(cell)
        if not norm or len(norm) > 40:
            continue
        if norm in _ALL_NAMES or _PAREN.sub("", norm) in _ALL_NAMES:
            score += 1
            continue
        if any(_value_field(k, norm) for k in kinds):
            score += 1
    return score


@dataclass(slots=True)
class HeaderMapping:
    """Which column holds which field.

    ``columns``: field → 0-based column index; ``multipliers``: value field → factor (10000 for
    万美元); ``headers``: the file's header row as read; ``unrecognised``: headers no field took;
    ``notes``: Chinese remarks for the user (assumed currency, ignored total column …).
    """

    kind: str
    headers: list[str]
    columns: dict[str, int] = field(default_factory=dict)
    multipliers: dict[str, Decimal] = field(default_factory=dict)
    unrecognised: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def label(self, field_name: str) -> str:
        """The header text of the column mapped to ``field_name`` (for error messages)."""
        index = self.columns.get(field_name)
        if index is not None and index < len(self.headers):
            return self.headers[index]
        if field_name in FIELDS.get(self.kind, {}):
            return FIELDS[self.kind][field_name][0]
        return _VALUE_LABELS.get(field_name, field_name)

    def multiplier(self, field_name: str) -> Decimal:
        return self.multipliers.get(field_name, Decimal(1))

    def value_fields(self) -> list[str]:
        return [f for f in _VALUE_FIELDS.get(self.kind, ()) if f in self.columns] + [
            f for f in self.columns if f.startswith(("contract_", "agreed_"))
        ]

    def to_json(self) -> dict[str, object]:
        """A JSON-ready template: field → header text, multipliers as strings."""
        return {
            "kind": self.kind,
            "fields": {name: self.headers[index] for name, index in self.columns.items()},
            "multipliers": {name: str(value) for name, value in self.multipliers.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object], headers: Sequence[object]) -> HeaderMapping:
        """Apply a saved template to a file's header row."""
        kind = str(data.get("kind", "customs"))
        fields = data.get("fields") or {}
        multipliers = data.get("multipliers") or {}
        if not isinstance(fields, Mapping) or not isinstance(multipliers, Mapping):
            raise MappingError("模板格式错误")
        if kind not in FIELDS:
            raise MappingError(f"未知的模板类型：{kind}")
        return detect_mapping(
            headers,
            kind=kind,  # type: ignore[arg-type]
            overrides={str(k): (str(v) if v else None) for k, v in fields.items()},
            multipliers={str(k): Decimal(str(v)) for k, v in multipliers.items()},
            only_overrides=True,
        )

    def require(self, *, has_file_flow: bool = False, has_file_period: bool = False) -> None:
        """Raise MappingError (Chinese) when the file cannot be imported with this mapping."""
        problems: list[str] = []
        priced = self.kind == "customs" and "total_price" in self.columns
        if priced and "currency" not in self.columns and not self.value_fields():
            problems.append(
                f"有“{self.label('total_price')}”列但没有“币制”列，无法确定金额的币种：请加上"
                "“币制”列，或改为“美元”“人民币”金额列"
            )
        elif self.kind != "enterprise_list" and not self.value_fields() and not priced:
            months = [h for h in self.headers if _MONTH_COLUMN.match(normalise_header(h))]
            if len(months) >= 2:
                raise MappingError(
                    f"表中金额按月分列（“{months[0]}”“{months[1]}”…），不是每行一个月的明细："
                    "请改为“年月”一列、金额一列（如“美元”）后再导入，或每月一个工作表"
                    "（表名如“2025年9月”）"
                )
            problems.append(
                "未找到金额列：需要至少一列金额，如“美元”“人民币”“金额(万美元)”“出口额(万元)”"
                if self.kind == "customs"
                else "未找到金额列：如“实际使用外资(万美元)”“对外直接投资额(万美元)”"
            )
        if not any(f in self.columns for f in ("uscc", "customs_code", "name")):
            from kaifang.trade.importers.official import (
                OFFICIAL_MESSAGE,
                PLATFORM_MESSAGE,
                is_official_layout,
                is_platform_export,
            )

            if is_official_layout(self.headers):
                raise MappingError(OFFICIAL_MESSAGE)
            if self.kind == "customs" and is_platform_export(self.headers):
                raise MappingError(PLATFORM_MESSAGE)
            problems.append("未找到企业标识列：需要统一社会信用代码、海关编码或企业名称")
        needs_period = self.kind in ("customs", "fdi", "odi") and not has_file_period
        if needs_period and "period" not in self.columns:
            problems.append("未找到年月列（如“数据年月”“年月”），也没有指定文件所属年月")
        if self.kind == "customs" and "flow" not in self.columns and not has_file_flow:
            wide = any(f.startswith(("export_", "import_")) for f in self.columns)
            if not wide:
                problems.append(
                    "未找到进出口标志列（如“进出口”“贸易流向”），也没有指定文件是进口还是出口"
                )
        wide = any(f.startswith(("export_", "import_")) for f in self.columns)
        if self.kind == "customs" and "flow" in self.columns and wide:
            problems.append("文件既有进出口标志列又有分进口、出口的金额列，请只保留一种")
        if problems:
            raise MappingError("；".join(problems))


def detect_mapping(
    headers: Sequence[object],
    *,
    kind: Kind = "customs",
    overrides: Mapping[str, str | None] | None = None,
    multipliers: Mapping[str, Decimal] | None = None,
    only_overrides: bool = False,
) -> HeaderMapping:
    """Map a header row to fields.

    ``overrides``: field → header text (as in the file; compared after normalisation) or None to
    leave the field unmapped. ``multipliers`` override the factor a unit implies.
    ``only_overrides``: use the overrides alone (a saved template), no auto-detection.
    """
    if kind not in FIELDS:
        raise MappingError(f"未知的导入类型：{kind}")
    texts = ["" if h is None else str(h).strip() for h in headers]
    norms = [normalise_header(t) for t in texts]
    mapping = HeaderMapping(kind=kind, headers=texts)
    best: dict[str, tuple[int, int]] = {}  # field → (priority, column)
    value_cols: dict[str, tuple[int, Decimal, bool]] = {}
    totals: list[int] = []
    if not only_overrides:
        for column, norm in enumerate(norms):
            if not norm:
                continue
            value = _value_field(kind, norm)
            if value is not None:
                name, factor, stated = value
                if name == "total":
                    totals.append(column)
                elif name not in value_cols:
                    value_cols[name] = (column, factor, stated)
                continue
            found = _match(kind, norm)
            if found is None:
                continue
            name, priority = found
            if name not in best or priority < best[name][0]:
                best[name] = (priority, column)
        columns = {name: column for name, (_p, column) in best.items()}
        for name, (column, factor, stated) in value_cols.items():
            columns[name] = column
            mapping.multipliers[name] = factor
            if not stated:
                mapping.notes.append(f"列“{texts[column]}”未注明币种，按美元计，请确认")
        wide = any(f.startswith(("export_", "import_")) for f in columns)
        if wide and "flow" in columns:
            flow_col = columns["flow"]
            if norms[flow_col] in ("进出口", "进出口总值", "进出口额"):
                del columns["flow"]
                totals.append(flow_col)
        for column in totals:
            mapping.notes.append(f"列“{texts[column]}”是进出口合计，不导入（按进口、出口分别导入）")
        mapping.columns = columns
    for name, header in (overrides or {}).items():
        known = name in FIELDS[kind] or name in _VALUE_LABELS
        if not known:
            raise MappingError(f"未知的字段：{name}")
        mapping.columns.pop(name, None)
        if not header:
            mapping.multipliers.pop(name, None)
            continue
        norm = normalise_header(header)
        if norm not in norms:
            raise MappingError(f"文件中没有列“{header}”")
        column = norms.index(norm)
        for other, other_column in list(mapping.columns.items()):
            if other_column == column:
                del mapping.columns[other]
        mapping.columns[name] = column
        if name in _VALUE_LABELS:
            value = _value_field(kind, norm)
            mapping.multipliers[name] = value[1] if value else Decimal(1)
    for name, factor in (multipliers or {}).items():
        if name in mapping.columns:
            mapping.multipliers[name] = Decimal(factor)
    for name in list(mapping.multipliers):
        if name not in mapping.columns:
            del mapping.multipliers[name]
    used = set(mapping.columns.values())
    mapping.unrecognised = [t for c, t in enumerate(texts) if t and c not in used]
    return mapping


def value_field_labels(kind: str) -> list[tuple[str, str]]:
    """(value field, Chinese label) a user may map a column to, for one import kind."""
    return [(name, _VALUE_LABELS.get(name, name)) for name in _VALUE_FIELDS.get(kind, ())]
