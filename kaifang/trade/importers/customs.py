"""Customs trade records: enterprise × month × flow × HS code × partner × trade mode → value.

``parse_customs`` reads a ``Table`` with a ``HeaderMapping`` and returns every good row (rows with
the same key summed), every bad row with its reason, and the totals, without touching the
database. Parsed cells are cached by their raw value, because the same enterprise, month, partner
and HS code repeat on many rows.
"""

from __future__ import annotations

import dataclasses
import gc
import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple, TypeVar

from kaifang.trade.importers.common import (
    Cell,
    CellError,
    EnterpriseCellError,
    EnterpriseRef,
    Flow,
    Lookups,
    NewEnterprise,
    RowError,
    RowWarning,
    add_amounts,
    cell_text,
    is_missing,
    parse_amount,
    parse_currency,
    parse_flow,
    parse_hs_code,
    parse_period,
)
from kaifang.trade.importers.context import (
    SheetContext,
    bare_month,
    check_tables,
    flow_from_titles,
    period_from_sheet,
    period_from_titles,
    sheet_mapping,
    table_context,
)
from kaifang.trade.importers.headers import HeaderMapping, apply_title_units
from kaifang.trade.importers.result import FlowTotals, ImportResult
from kaifang.trade.importers.tabular import Table, fill_merged

__all__ = [
    "CellCache",
    "CustomsRow",
    "SheetContext",
    "check_tables",
    "customs_result",
    "flow_from_titles",
    "is_blank_row",
    "is_summary_row",
    "merged_columns",
    "parse_customs",
    "period_from_sheet",
    "period_from_titles",
    "sheet_mapping",
    "table_context",
]

_T = TypeVar("_T")


class CustomsRow(NamedTuple):
    """One aggregated customs record. Amounts are full-precision Decimals, ×10,000 applied.

    Immutable and without a ``__dict__`` like a frozen slotted dataclass, but a NamedTuple:
    creating a frozen dataclass costs about 5 µs (one ``object.__setattr__`` per field), a
    NamedTuple under 1 µs, and a million-row file makes a million of them.
    """

    enterprise: EnterpriseRef
    period: date  # first day of the month
    flow: Flow
    hs_code: str  # digits only, "" when the file has no HS column
    partner_code: str  # 3-digit customs partner code, "" when the file has no partner column
    trade_mode_code: str  # canonical code; raw text when unknown (see trade_mode_known)
    trade_mode_known: bool
    qty1: Decimal | None
    unit1: str
    qty2: Decimal | None
    unit2: str
    value_usd: Decimal | None
    value_cny: Decimal | None
    first_row: int  # file row of the first line summed into this record
    row_count: int  # how many file lines were summed into it

    @property
    def key(self) -> tuple[tuple[str, str], date, str, str, str, str]:
        return (
            self.enterprise.key,
            self.period,
            self.flow,
            self.hs_code,
            self.partner_code,
            self.trade_mode_code,
        )


def customs_result(mapping: HeaderMapping) -> ImportResult[CustomsRow]:
    """An empty customs result: totals by flow."""
    return ImportResult(
        kind="customs",
        mapping=mapping,
        totals={"export": FlowTotals(), "import": FlowTotals()},
    )


_SUMMARY_WORDS = frozenset(
    {"合计", "总计", "小计", "共计", "总合计", "全市合计", "全市", "TOTAL", "SUBTOTAL"}
)
_NOTE_PREFIXES = (
    "注",
    "说明",
    "备注",
    "数据来源",
    "资料来源",
    "制表",
    "填报",
    "审核",
    "单位：",
    "单位:",
)


# 本月合计, 全市总计, 以上合计, 总合计 … once brackets (合计（万美元）), colons and spaces are gone
_SUMMARY_PATTERN = re.compile(r"(本月|本年|本期|当月|累计|全市|全部|以上|总)?(合|总|小|共)计")
_SUMMARY_NOISE = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]|[\s:：]")


def is_blank_row(cells: list[Cell]) -> bool:
    """Nothing but spaces (full-width too) or empty cells: a row to pass over silently."""
    return not any(cell_text(c) for c in cells)


def is_summary_row(cells: list[Cell]) -> bool:
    """A 合计/总计 line or a footnote (注：…, 数据来源：…) rather than a record."""
    texts = [t for t in (cell_text(c) for c in cells) if t]
    if not texts:
        return False
    for text in texts[:4]:
        key = _SUMMARY_NOISE.sub("", text).upper()
        if key in _SUMMARY_WORDS or _SUMMARY_PATTERN.fullmatch(key):
            return True
    return len(texts) == 1 and texts[0].startswith(_NOTE_PREFIXES)


def _cached(cache: dict[Hashable, _T | CellError], parse: Callable[[Cell], _T], value: Cell) -> _T:
    try:
        found = cache[value]
    except KeyError:
        try:
            found = parse(value)
        except CellError as exc:
            found = exc
        cache[value] = found
    except TypeError:  # unhashable cell, never from our readers
        return parse(value)
    if isinstance(found, CellError):
        raise found
    return found


@dataclass(slots=True)
class CellCache:
    """Parsed cells by their raw values: the same enterprise, month, partner and HS code repeat
    on many rows, and a file parsed in chunks keeps them from one chunk to the next."""

    period: dict[Hashable, date | CellError] = field(default_factory=dict)
    flow: dict[Hashable, Flow | CellError] = field(default_factory=dict)
    hs: dict[Hashable, str | CellError] = field(default_factory=dict)
    enterprise: dict[
        tuple[Cell, Cell, Cell], tuple[EnterpriseRef, tuple[str, str]] | EnterpriseCellError
    ] = field(default_factory=dict)
    partner: dict[tuple[Cell, Cell], str | None] = field(default_factory=dict)
    mode: dict[tuple[Cell, Cell], tuple[str, bool]] = field(default_factory=dict)


def parse_customs(
    table: Table | Sequence[Table],
    mapping: HeaderMapping,
    *,
    lookups: Lookups,
    file_flow: Flow | None = None,
    file_period: date | None = None,
    cache: CellCache | None = None,
    name_sheets: bool | None = None,
) -> ImportResult[CustomsRow]:
    """Parse a customs table, or the data sheets of a workbook (``read_book``) as one file:
    rows of one key are summed across sheets. ``file_flow``/``file_period`` apply when a table
    has no such column (else its title, else its sheet's name). ``cache``: the parsed cells of
    earlier calls on the same file (one file parsed in chunks). ``name_sheets``: errors name
    their sheet (default: when there are several tables).

    Raises ``MappingError`` when the mapping cannot work (no value column, no enterprise column,
    no period or flow); row problems become ``RowError``s.
    """
    tables = [table] if isinstance(table, Table) else list(table)
    named = len(tables) > 1 if name_sheets is None else name_sheets
    result = customs_result(apply_title_units(mapping, tables[0].title_rows))
    contexts = []
    for each in tables:  # every sheet checked before any row is read
        own = sheet_mapping(mapping, each)
        context = table_context(
            each, own, file_flow=file_flow, file_period=file_period, name_sheet=named
        )
        contexts.append((each, own, context))
        result.notes.extend(n for n in context.notes if n not in result.notes)
    parsed = cache if cache is not None else CellCache()
    groups: dict[_Key, _Group] = {}
    new_enterprises: dict[tuple[str, str], NewEnterprise] = {}
    periods: set[date] = set()
    warned_modes: set[str] = set()
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of small objects, no cycles: the collector would only slow us down
    try:
        for each, own, context in contexts:
            marks = (len(result.errors), len(result.warnings))
            rejected = len(result.rejected_rows)
            _parse_rows(
                each,
                own,
                context,
                lookups=lookups,
                parsed=parsed,
                result=result,
                groups=groups,
                new_enterprises=new_enterprises,
                periods=periods,
                warned_modes=warned_modes,
                sheet=each.sheet or "" if named else "",
            )
            if named and each.sheet:
                _name_sheet(result, each.sheet, marks)
            if each.layout is not None:  # the error report has the first sheet's columns
                layout = each.layout
                result.rejected_rows[rejected:] = [
                    (n, layout.as_first(cells), sheet)
                    for n, cells, sheet in result.rejected_rows[rejected:]
                ]
        result.rows_read = result.rows_imported + result.rows_rejected
        result.rows = _finalise(groups, new_enterprises)
        result.periods = sorted(periods)
        result.new_enterprises = _merge_new(new_enterprises)
    finally:
        if gc_was_enabled:
            gc.enable()
    return result


# The fields a cell merged down several rows gives to each of them (an enterprise over its
# product lines, a month over its enterprises); never amounts or quantities.
_MERGED_FIELDS = (
    "uscc",
    "customs_code",
    "name",
    "period",
    "flow",
    "hs_code",
    "hs_name",
    "partner_code",
    "partner_name",
    "partner_origin",
    "partner_destination",
    "trade_mode_code",
    "trade_mode_name",
    "unit1",
    "unit2",
)
MERGED_NOTE = "跨行合并的单元格（如企业名称、年月）按所跨各行相同导入"


def merged_columns(mapping: HeaderMapping) -> set[int]:
    """The columns whose merged cells fill every row they span."""
    return {mapping.columns[f] for f in _MERGED_FIELDS if f in mapping.columns}


def _name_sheet(result: ImportResult[CustomsRow], sheet: str, marks: tuple[int, int]) -> None:
    """The errors and warnings of one sheet, told which sheet (few: only bad rows have them)."""
    errors, warnings = marks
    result.errors[errors:] = [dataclasses.replace(e, sheet=sheet) for e in result.errors[errors:]]
    result.warnings[warnings:] = [
        dataclasses.replace(w, sheet=sheet) for w in result.warnings[warnings:]
    ]


def _month_of_year(
    raw: Cell, context: SheetContext, result: ImportResult[CustomsRow]
) -> date | None:
    """A bare month (9, 10月) in the year the sheet's titles, name or file name give."""
    month = bare_month(raw)
    if month is None or context.year is None:
        return None
    note = f"年月列只有月份，年份按标题、工作表名称或文件名取 {context.year} 年"
    if note not in result.notes:
        result.notes.append(note)
    return date(context.year, month, 1)


def _parse_rows(
    table: Table,
    mapping: HeaderMapping,
    context: SheetContext,
    *,
    lookups: Lookups,
    parsed: CellCache,
    result: ImportResult[CustomsRow],
    groups: dict[_Key, _Group],
    new_enterprises: dict[tuple[str, str], NewEnterprise],
    periods: set[date],
    warned_modes: set[str],
    sheet: str,
) -> None:
    """Parse one table's rows into ``groups`` and ``result`` (its counts, totals, errors)."""
    cols = mapping.columns
    file_flow, file_period = context.flow, context.period
    wide = any(f.startswith(("export_", "import_")) for f in cols)
    label = mapping.label
    filled = merged_columns(mapping)
    rows = table.rows
    if any(column in filled for _first, _last, column in table.merged):
        rows = fill_merged(table, filled)
        if MERGED_NOTE not in result.notes:
            result.notes.append(MERGED_NOTE)
    none = -1
    c_uscc = cols.get("uscc", none)
    c_customs = cols.get("customs_code", none)
    c_name = cols.get("name", none)
    c_period = cols.get("period", none)
    c_flow = cols.get("flow", none)
    c_hs = cols.get("hs_code", none)
    c_pcode = cols.get("partner_code", none)
    # the country column of each flow: one column, whatever its name, is every row's partner;
    # beside 原产国 and 最终目的国, an import takes its origin and an export its destination
    c_origin = cols.get("partner_origin", none)
    c_dest = cols.get("partner_destination", none)
    c_pname = cols.get("partner_name", none)
    c_country = {
        "import": next((c for c in (c_origin, c_pname, c_dest) if c >= 0), none),
        "export": next((c for c in (c_dest, c_pname, c_origin) if c >= 0), none),
    }
    c_pname = next((c for c in (c_pname, c_origin, c_dest) if c >= 0), none)
    c_mcode = cols.get("trade_mode_code", none)
    c_mname = cols.get("trade_mode_name", none)
    c_q1 = cols.get("qty1", none)
    c_u1 = cols.get("unit1", none)
    c_q2 = cols.get("qty2", none)
    c_u2 = cols.get("unit2", none)
    # value columns per flow: (flow or None for the flow column, usd column, cny column)
    value_sets: list[_ValueSet] = []
    if wide:
        wide_flows: tuple[Flow, Flow] = ("export", "import")
        for set_flow in wide_flows:
            value_sets.append(
                (
                    set_flow,
                    cols.get(f"{set_flow}_usd", none),
                    mapping.multiplier(f"{set_flow}_usd"),
                    cols.get(f"{set_flow}_cny", none),
                    mapping.multiplier(f"{set_flow}_cny"),
                )
            )
    else:
        value_sets.append(
            (
                None,
                cols.get("value_usd", none),
                mapping.multiplier("value_usd"),
                cols.get("value_cny", none),
                mapping.multiplier("value_cny"),
            )
        )
    # 总价 + 币制 when the file has no 美元/人民币 column: each line's currency picks the slot
    c_price = none if mapping.value_fields() else cols.get("total_price", none)
    c_currency = cols.get("currency", none)
    if c_currency < 0:
        c_price = none
    priced: dict[str, list[_ValueSet]] = {
        "usd": [(None, c_price, mapping.multiplier("total_price"), none, Decimal(1))],
        "cny": [(None, none, Decimal(1), c_price, mapping.multiplier("total_price"))],
    }
    currency_cache: dict[Hashable, str | CellError] = {}
    has_partner = c_pcode >= 0 or c_pname >= 0
    has_mode = c_mcode >= 0 or c_mname >= 0

    period_cache = parsed.period
    flow_cache = parsed.flow
    hs_cache = parsed.hs
    enterprise_cache = parsed.enterprise
    partner_cache = parsed.partner
    mode_cache = parsed.mode
    totals = result.totals
    errors = result.errors
    warnings = result.warnings

    def amount(
        cells: list[Cell], index: int, factor: Decimal, row_errors: list[RowError], number: int
    ) -> Decimal | None:
        if index < 0:
            return None
        value = cells[index]
        try:
            return parse_amount(value, multiplier=factor)
        except CellError as exc:
            row_errors.append(RowError(number, label_of[index], cell_text(value), exc.reason))
            return None

    label_of = {index: label(name) for name, index in cols.items()}
    # Every row is padded to the mapped width and gets a trailing None, so an unmapped field
    # (index -1) reads None and a short row reads None past its end: no bounds checks per cell.
    width = max(cols.values()) + 1
    ent_key: tuple[str, str]

    for number, cells in rows:
        if not any(cells):
            continue
        if len(cells) < width:
            cells.extend([None] * (width - len(cells)))
        cells.append(None)
        row_errors: list[RowError] = []
        # enterprise
        ent_cells = (cells[c_uscc], cells[c_customs], cells[c_name])
        cached_ent = enterprise_cache.get(ent_cells)
        if cached_ent is None:
            try:
                found_ent = lookups.resolve_enterprise(*ent_cells)
                cached_ent = (found_ent, found_ent.key)
            except EnterpriseCellError as exc:
                cached_ent = exc
            enterprise_cache[ent_cells] = cached_ent
        ent: EnterpriseRef | None
        if isinstance(cached_ent, EnterpriseCellError):
            if is_blank_row(cells):
                continue
            if is_summary_row(cells):
                warnings.append(
                    RowWarning(
                        number,
                        "",
                        cell_text(next(c for c in cells if c)),
                        "合计或说明行，未导入",
                    )
                )
                continue
            field_name = cached_ent.field_name
            column_index = cols.get(field_name, none)
            if column_index < 0:  # no identifier at all: point at the first identifier column
                column_index = next(c for c in (c_uscc, c_customs, c_name) if c >= 0)
            row_errors.append(
                RowError(
                    number,
                    label_of[column_index],
                    cell_text(cells[column_index]),
                    cached_ent.reason,
                )
            )
            ent = None
        else:
            ent, ent_key = cached_ent
        # period
        if c_period >= 0:
            raw = cells[c_period]
            try:
                period: date | None = _cached(period_cache, parse_period, raw)
            except CellError as exc:
                period = _month_of_year(raw, context, result)
                if period is None:
                    reason = context.no_year if bare_month(raw) else exc.reason
                    row_errors.append(RowError(number, label_of[c_period], cell_text(raw), reason))
        else:
            period = file_period
        # flow
        flow: Flow | None
        if c_flow >= 0:
            raw = cells[c_flow]
            try:
                parsed_flow: Flow = _cached(flow_cache, parse_flow, raw)
                flow = parsed_flow
            except CellError as exc:
                row_errors.append(RowError(number, label_of[c_flow], cell_text(raw), exc.reason))
                flow = None
        else:
            flow = file_flow
        # HS code
        hs = ""
        if c_hs >= 0:
            raw = cells[c_hs]
            try:
                hs = _cached(hs_cache, parse_hs_code, raw)
            except CellError as exc:
                row_errors.append(RowError(number, label_of[c_hs], cell_text(raw), exc.reason))
        # partner
        partner = ""
        if has_partner:
            c_partner = c_country[flow] if flow is not None else c_pname
            pkey = (cells[c_pcode], cells[c_partner])
            try:
                found_partner = partner_cache[pkey]
            except KeyError:
                found_partner = None
                if c_pcode >= 0 and not is_missing(pkey[0]):
                    found_partner = lookups.partner_from_code(pkey[0])
                if found_partner is None and c_partner >= 0 and not is_missing(pkey[1]):
                    found_partner = lookups.partner_from_name(pkey[1])
                partner_cache[pkey] = found_partner
            if found_partner is None:
                column_index = c_pcode if c_pcode >= 0 and not is_missing(pkey[0]) else c_partner
                if column_index < 0:
                    column_index = c_pcode
                raw = cells[column_index]
                reason = "贸易伙伴为空" if is_missing(raw) else "未知的贸易伙伴（国别/地区）"
                row_errors.append(RowError(number, label_of[column_index], cell_text(raw), reason))
            else:
                partner = found_partner
        # values
        entries: list[tuple[Flow, Decimal | None, Decimal | None]] = []
        any_value = False
        row_sets = value_sets
        if c_price >= 0:
            raw = cells[c_currency]
            try:
                row_sets = priced[_cached(currency_cache, parse_currency, raw)]
            except CellError as exc:
                row_errors.append(
                    RowError(number, label_of[c_currency], cell_text(raw), exc.reason)
                )
                any_value = True  # the reason is the currency, not a missing amount
                row_sets = []
        for value_flow, c_usd, f_usd, c_cny, f_cny in row_sets:
            usd = amount(cells, c_usd, f_usd, row_errors, number)
            cny = amount(cells, c_cny, f_cny, row_errors, number)
            if usd is None and cny is None:
                continue
            any_value = True
            if value_flow is not None:
                if not usd and not cny:
                    continue  # a zero in the 进口 column of an exporter
                entries.append((value_flow, usd, cny))
            elif flow is not None:
                entries.append((flow, usd, cny))
        if not any_value and not row_errors:
            columns = [c for s in row_sets for c in (s[1], s[3]) if c >= 0]
            row_errors.append(
                RowError(number, "、".join(label_of[c] for c in columns), "", "没有金额")
            )
        if row_errors:
            errors.extend(row_errors)
            result.rows_rejected += 1
            result.rejected_rows.append((number, cells, sheet))
            continue
        if ent is None or period is None:  # pragma: no cover - an error was recorded above
            continue
        # trade mode (never a rejection)
        mode = ""
        mode_known = True
        if has_mode:
            mkey = (cells[c_mcode], cells[c_mname])
            try:
                mode, mode_known = mode_cache[mkey]
            except KeyError:
                mode, mode_known = ("", True)
                if c_mcode >= 0 and not is_missing(mkey[0]):
                    mode, mode_known = lookups.trade_mode(mkey[0])
                if (not mode or not mode_known) and c_mname >= 0 and not is_missing(mkey[1]):
                    by_name, by_name_known = lookups.trade_mode(mkey[1])
                    if by_name_known or not mode:
                        mode, mode_known = by_name, by_name_known
                mode_cache[mkey] = (mode, mode_known)
            if not mode_known and mode not in warned_modes:
                warned_modes.add(mode)
                warnings.append(
                    RowWarning(
                        number,
                        label("trade_mode_code" if c_mcode >= 0 else "trade_mode_name"),
                        mode,
                        "未知的贸易方式，按原值导入，请在参考数据中补充",
                    )
                )
        q1 = q2 = None
        u1 = u2 = ""
        if c_q1 >= 0:
            q1 = _quantity(cells[c_q1], number, label_of[c_q1], warnings)
            u1 = cells[c_u1]  # type: ignore[assignment]
            if u1.__class__ is not str or u1 == "?":
                u1 = _unit(u1)
        if c_q2 >= 0:
            q2 = _quantity(cells[c_q2], number, label_of[c_q2], warnings)
            u2 = cells[c_u2]  # type: ignore[assignment]
            if u2.__class__ is not str or u2 == "?":
                u2 = _unit(u2)
        result.rows_imported += 1
        periods.add(period)
        if ent.enterprise_id is None:
            known = new_enterprises.get(ent_key)
            if known is None:
                new_enterprises[ent_key] = NewEnterprise(
                    ent.uscc, ent.customs_code, ent.name, number
                )
            elif (ent.customs_code and not known.customs_code) or (ent.name and not known.name):
                new_enterprises[ent_key] = NewEnterprise(
                    known.uscc,
                    known.customs_code or ent.customs_code,
                    known.name or ent.name,
                    known.first_row,
                )
        for entry_flow, usd, cny in entries:
            flow_totals = totals[entry_flow]
            if usd is not None:
                flow_totals.usd += usd
            if cny is not None:
                flow_totals.cny += cny
            key: _Key = (ent_key, period, entry_flow, hs, partner, mode)
            group = groups.get(key)
            if group is None:
                groups[key] = _Group(ent, usd, cny, q1, u1, q2, u2, number, 1, mode_known)
                continue
            if (u1 and group.unit1 and u1 != group.unit1) or (
                u2 and group.unit2 and u2 != group.unit2
            ):
                warnings.append(
                    RowWarning(
                        number,
                        label("unit1"),
                        u1 or u2,
                        "与同一记录前面的行计量单位不同，数量已相加",
                    )
                )
            group.add(_Group(ent, usd, cny, q1, u1, q2, u2, number, 1, mode_known))


_Key = tuple[tuple[str, str], date, Flow, str, str, str]
# (flow, or None for the row's; usd column, its multiplier; cny column, its multiplier)
_ValueSet = tuple[Flow | None, int, Decimal, int, Decimal]


@dataclass(slots=True)
class _Group:
    enterprise: EnterpriseRef
    usd: Decimal | None
    cny: Decimal | None
    qty1: Decimal | None
    unit1: str
    qty2: Decimal | None
    unit2: str
    first_row: int
    count: int
    mode_known: bool

    def add(self, other: _Group) -> None:
        self.usd = add_amounts(self.usd, other.usd)
        self.cny = add_amounts(self.cny, other.cny)
        # quantities of one key share the HS code, so normally the unit too
        self.qty1 = add_amounts(self.qty1, other.qty1)
        self.qty2 = add_amounts(self.qty2, other.qty2)
        self.unit1 = self.unit1 or other.unit1
        self.unit2 = self.unit2 or other.unit2
        self.first_row = min(self.first_row, other.first_row)
        self.count += other.count


def _unit(value: Cell) -> str:
    if value is None or value == "?":
        return ""
    return cell_text(value)


def _quantity(value: Cell, number: int, column: str, warnings: list[RowWarning]) -> Decimal | None:
    try:
        return parse_amount(value)
    except CellError as exc:
        warnings.append(
            RowWarning(number, column, cell_text(value), f"数量{exc.reason}，未导入数量")
        )
        return None


def _links(new: dict[tuple[str, str], NewEnterprise]) -> dict[tuple[str, str], tuple[str, str]]:
    """customs-code keys that belong to a credit code seen on another row of the same file."""
    links: dict[tuple[str, str], tuple[str, str]] = {}
    for key, item in new.items():
        if key[0] == "uscc" and item.customs_code:
            links[("customs_code", item.customs_code)] = key
    return links


def _finalise(
    groups: dict[_Key, _Group], new: dict[tuple[str, str], NewEnterprise]
) -> list[CustomsRow]:
    links = _links(new)
    if links:
        # a row with only the customs code of a new enterprise whose credit code another row
        # gave: re-key it onto the credit code and sum again
        merged: dict[_Key, _Group] = {}
        for key, group in groups.items():
            target = links.get(key[0])
            if target is not None:
                item = new[target]
                group.enterprise = EnterpriseRef(None, item.uscc, item.customs_code, item.name)
                key = (target, *key[1:])
            existing = merged.get(key)
            if existing is None:
                merged[key] = group
            else:
                existing.add(group)
        groups = merged
    # pop as we go so the groups and the rows are never both fully in memory
    rows: list[CustomsRow] = []
    append = rows.append
    while groups:
        key, g = groups.popitem()
        append(
            CustomsRow(
                enterprise=g.enterprise,
                period=key[1],
                flow=key[2],
                hs_code=key[3],
                partner_code=key[4],
                trade_mode_code=key[5],
                trade_mode_known=g.mode_known,
                qty1=g.qty1,
                unit1=g.unit1,
                qty2=g.qty2,
                unit2=g.unit2,
                value_usd=g.usd,
                value_cny=g.cny,
                first_row=g.first_row,
                row_count=g.count,
            )
        )
    rows.reverse()  # file order
    return rows


def _merge_new(new: dict[tuple[str, str], NewEnterprise]) -> list[NewEnterprise]:
    links = _links(new)
    return sorted(
        (item for key, item in new.items() if key not in links), key=lambda e: e.first_row
    )
