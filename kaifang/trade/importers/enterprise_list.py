"""Enterprise lists (企业名录) from the bureau's own spreadsheets, for the register.

Each good row becomes an ``EnterpriseRecord``; rows for the same enterprise are merged (later
rows fill blanks, conflicting values are reported as warnings and the first kept).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kaifang.trade.importers.common import (
    Cell,
    EnterpriseCellError,
    EnterpriseRef,
    Lookups,
    RowError,
    RowWarning,
    cell_text,
    is_missing,
)
from kaifang.trade.importers.customs import is_blank_row, is_summary_row
from kaifang.trade.importers.headers import HeaderMapping
from kaifang.trade.importers.result import ImportResult
from kaifang.trade.importers.tabular import Table

__all__ = ["ATTRIBUTE_FIELDS", "EnterpriseRecord", "parse_enterprise_list"]

# Plain-text attributes carried through as the file has them; the caller maps them to units,
# industries and so on (and reports the ones it cannot place).
ATTRIBUTE_FIELDS = (
    "district",
    "park",
    "industry",
    "ownership",
    "size",
    "contact",
    "phone",
    "address",
    "legal_representative",
    "established",
    "liaison",
)
_SPLIT = re.compile(r"[、,，;；/|\s]+")


@dataclass(frozen=True, slots=True)
class EnterpriseRecord:
    enterprise_id: int | None  # set when the register already knows the enterprise
    uscc: str
    customs_code: str
    name: str
    former_names: tuple[str, ...]
    tags: tuple[str, ...]
    attributes: dict[str, str]  # ATTRIBUTE_FIELDS that the row fills
    first_row: int
    row_count: int


@dataclass(slots=True)
class _Entry:
    ent: EnterpriseRef
    customs_code: str
    name: str
    former: list[str]
    tags: list[str]
    attributes: dict[str, str]
    first_row: int
    count: int = 1


def _split(text: str) -> list[str]:
    return [part for part in _SPLIT.split(text) if part]


def parse_enterprise_list(
    table: Table, mapping: HeaderMapping, *, lookups: Lookups
) -> ImportResult[EnterpriseRecord]:
    """Parse an enterprise list; mapping from ``detect_mapping(header, kind="enterprise_list")``."""
    result: ImportResult[EnterpriseRecord] = ImportResult(kind="enterprise_list", mapping=mapping)
    mapping.require()
    cols = mapping.columns
    none = -1
    c_uscc = cols.get("uscc", none)
    c_customs = cols.get("customs_code", none)
    c_name = cols.get("name", none)
    c_former = cols.get("former_names", none)
    c_tags = cols.get("tags", none)
    attribute_cols = [(name, cols[name]) for name in ATTRIBUTE_FIELDS if name in cols]
    merged: dict[tuple[str, str], _Entry] = {}

    def get(cells: list[Cell], index: int) -> Cell:
        return cells[index] if 0 <= index < len(cells) else None

    for number, cells in table.rows:
        if not any(cells):
            continue
        try:
            ent = lookups.resolve_enterprise(
                get(cells, c_uscc), get(cells, c_customs), get(cells, c_name)
            )
        except EnterpriseCellError as exc:
            if is_blank_row(cells):
                continue
            if is_summary_row(cells):
                result.warnings.append(RowWarning(number, "", "", "合计或说明行，未导入"))
                continue
            index = cols.get(exc.field_name, none)
            if index < 0:
                index = next(c for c in (c_uscc, c_customs, c_name) if c >= 0)
            result.errors.append(
                RowError(number, mapping.headers[index], cell_text(get(cells, index)), exc.reason)
            )
            result.rows_rejected += 1
            result.rejected_rows.append((number, cells, ""))
            continue
        if ent.enterprise_id is None and not ent.name:
            column = mapping.label("name")
            result.errors.append(RowError(number, column, "", "新企业缺少企业名称"))
            result.rows_rejected += 1
            result.rejected_rows.append((number, cells, ""))
            continue
        result.rows_imported += 1
        attributes = {
            name: text
            for name, index in attribute_cols
            if not is_missing(get(cells, index)) and (text := cell_text(get(cells, index)))
        }
        former = _split(cell_text(get(cells, c_former))) if c_former >= 0 else []
        tags = _split(cell_text(get(cells, c_tags))) if c_tags >= 0 else []
        entry = merged.get(ent.key)
        if entry is None:
            merged[ent.key] = _Entry(
                ent, ent.customs_code, ent.name, former, tags, attributes, number
            )
            continue
        entry.count += 1
        for name, text in attributes.items():
            old = entry.attributes.get(name)
            if old is None:
                entry.attributes[name] = text
            elif old != text:
                result.warnings.append(
                    RowWarning(
                        number,
                        mapping.label(name),
                        text,
                        f"与第{entry.first_row}行的“{old}”不同，保留前者",
                    )
                )
        entry.former.extend(v for v in former if v not in entry.former)
        entry.tags.extend(v for v in tags if v not in entry.tags)
        entry.customs_code = entry.customs_code or ent.customs_code
        if ent.name and not entry.name:
            entry.name = ent.name
        elif ent.name and ent.name != entry.name and ent.name not in entry.former:
            result.warnings.append(
                RowWarning(
                    number,
                    mapping.label("name"),
                    ent.name,
                    f"同一企业在第{entry.first_row}行名称为“{entry.name}”",
                )
            )

    result.rows_read = result.rows_imported + result.rows_rejected
    result.rows = [
        EnterpriseRecord(
            enterprise_id=e.ent.enterprise_id,
            uscc=e.ent.uscc,
            customs_code=e.customs_code,
            name=e.name,
            former_names=tuple(e.former),
            tags=tuple(e.tags),
            attributes=e.attributes,
            first_row=e.first_row,
            row_count=e.count,
        )
        for e in merged.values()
    ]
    return result
