"""Sheets of one workbook whose headers say the same in another order or other words: 出口
with 年月 | 统一社会信用代码 | 出口额(美元), 进口 with 进口额(美元) | 年月 | 社会信用代码.

``match_layout`` finds, for a later sheet, the column holding each column of the first sheet:
the same header text; else the header the map knows as the same field in the same unit (美元
and 金额(美元)); else an amount named for the other flow (出口额 on one sheet, 进口额 on the
other), read as that flow. A column of the kind's fields (a recognised header) that one sheet
has and the other lacks is a real difference and refused with both named. ``SheetLayout.apply``
turns the mapping the user confirmed on the first sheet into the later sheet's own. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kaifang.trade.importers.common import Cell
from kaifang.trade.importers.headers import (
    HeaderMapping,
    Kind,
    MappingError,
    detect_mapping,
    normalise_header,
)

__all__ = ["LayoutDifference", "SheetLayout", "match_layout"]


@dataclass(frozen=True, slots=True)
class SheetLayout:
    """Where a later sheet holds the first sheet's columns.

    ``columns``: first sheet's column → this sheet's; ``fields``: a flow's amount field of the
    first sheet → the other flow's, which this sheet's column is (export_usd → import_usd);
    ``headers``: this sheet's header row; ``first_headers``: the first sheet's."""

    columns: dict[int, int]
    fields: dict[str, str]
    headers: list[str]
    first_headers: list[str]

    def apply(self, mapping: HeaderMapping, sheet: str, first_sheet: str) -> HeaderMapping:
        """The first sheet's mapping as this sheet's columns; MappingError naming the sheet and
        the column when a mapped column has no counterpart here."""
        columns: dict[str, int] = {}
        for name, column in mapping.columns.items():
            if column not in self.columns:
                header = mapping.headers[column] if column < len(mapping.headers) else name
                raise MappingError(
                    f"工作表「{sheet}」没有「{first_sheet}」的列“{header}”：请把各工作表的表头"
                    "改成一样，或只选择其中一个工作表导入"
                )
            columns[self.fields.get(name, name)] = self.columns[column]
        used = set(columns.values())
        return HeaderMapping(
            kind=mapping.kind,
            headers=list(self.headers),
            columns=columns,
            multipliers={self.fields.get(n, n): m for n, m in mapping.multipliers.items()},
            unrecognised=[t for c, t in enumerate(self.headers) if t and c not in used],
            notes=list(mapping.notes),
        )

    def as_first(self, cells: Sequence[Cell]) -> list[Cell]:
        """A row of this sheet laid out under the first sheet's header (the error report)."""
        width = len(self.first_headers)
        return [
            cells[self.columns[c]] if c in self.columns and self.columns[c] < len(cells) else None
            for c in range(width)
        ]


@dataclass(frozen=True, slots=True)
class LayoutDifference:
    """The recognised columns one sheet has and the other lacks."""

    missing: list[str]  # the first sheet's headers
    extra: list[str]  # the later sheet's headers


def _trimmed(norms: list[str]) -> list[str]:
    end = len(norms)
    while end and not norms[end - 1]:
        end -= 1
    return norms[:end]


_COUNTRIES = {"partner_origin": "partner_destination", "partner_destination": "partner_origin"}


def _other_flow(name: str) -> str | None:
    """The same column of the other flow: 进口额 for 出口额, 原产国 (an import's partner) for
    最终目的国 (an export's)."""
    if name in _COUNTRIES:
        return _COUNTRIES[name]
    for flow, other in (("export_", "import_"), ("import_", "export_")):
        if name.startswith(flow):
            return other + name.removeprefix(flow)
    return None


def match_layout(
    first: list[str], later: list[str], kind: Kind
) -> SheetLayout | LayoutDifference | None:
    """None when ``later`` is ``first`` (normalised); else where it holds each column, or what
    really differs."""
    norm_f = [normalise_header(h) for h in first]
    norm_t = [normalise_header(h) for h in later]
    if _trimmed(norm_f) == _trimmed(norm_t):
        return None
    auto_f = detect_mapping(first, kind=kind)
    auto_t = detect_mapping(later, kind=kind)
    field_of = {column: name for name, column in auto_f.columns.items()}
    columns: dict[int, int] = {}
    fields: dict[str, str] = {}
    taken: set[int] = set()

    def take(column: int, other: int) -> None:
        columns[column] = other
        taken.add(other)

    for column, norm in enumerate(norm_f):  # the same header text
        if norm:
            other = next((d for d, n in enumerate(norm_t) if n == norm and d not in taken), None)
            if other is not None:
                take(column, other)
    for column in range(len(norm_f)):  # the same field in the same unit, or the other flow's
        name = field_of.get(column)
        if name is None or column in columns:
            continue
        other = auto_t.columns.get(name)
        if other is not None and other not in taken:
            if auto_t.multiplier(name) == auto_f.multiplier(name):
                take(column, other)
            continue
        swapped = _other_flow(name)
        if swapped is None or swapped in auto_f.columns or name in auto_t.columns:
            continue
        other = auto_t.columns.get(swapped)
        same_unit = auto_t.multiplier(swapped) == auto_f.multiplier(name)
        if other is not None and other not in taken and same_unit:
            take(column, other)
            fields[name] = swapped
    recognised_t = set(auto_t.columns.values())
    missing = [first[c] for c in field_of if c not in columns]
    extra = [later[d] for d in sorted(recognised_t) if d not in taken]
    if missing or extra:
        return LayoutDifference([first[c] for c in sorted(field_of) if first[c] in missing], extra)
    return SheetLayout(columns, fields, list(later), list(first))
