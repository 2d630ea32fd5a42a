"""Shared parser for investment files (FDI 实际使用外资, ODI 对外直接投资).

Both are enterprise × partner country/region × month → amount, with an optional second amount
(合同外资 for FDI, 中方协议投资额 for ODI). ``fdi.py`` and ``odi.py`` wrap it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kaifang.trade.importers.common import (
    Cell,
    CellError,
    EnterpriseCellError,
    EnterpriseRef,
    Lookups,
    NewEnterprise,
    RowError,
    RowWarning,
    add_amounts,
    cell_text,
    is_missing,
    parse_amount,
    parse_period,
)
from kaifang.trade.importers.customs import is_blank_row, is_summary_row, period_from_titles
from kaifang.trade.importers.headers import HeaderMapping, apply_title_units
from kaifang.trade.importers.result import FlowTotals, ImportResult
from kaifang.trade.importers.tabular import Table

__all__ = ["InvestmentRow", "parse_investment"]


@dataclass(frozen=True, slots=True)
class InvestmentRow:
    """One aggregated investment record; amounts are Decimals with multipliers applied.

    ``second_usd``/``second_cny``: 合同外资 (FDI) or 中方协议投资额 (ODI).
    ``counterparts``: 外国投资者 (FDI) or 境外企业名称 (ODI) seen on the summed lines.
    """

    enterprise: EnterpriseRef
    period: date
    partner_code: str
    value_usd: Decimal | None
    value_cny: Decimal | None
    second_usd: Decimal | None
    second_cny: Decimal | None
    counterparts: tuple[str, ...]
    first_row: int
    row_count: int


@dataclass(slots=True)
class _Group:
    enterprise: EnterpriseRef
    usd: Decimal | None
    cny: Decimal | None
    second_usd: Decimal | None
    second_cny: Decimal | None
    counterparts: list[str]
    first_row: int
    count: int = 1


def parse_investment(
    table: Table,
    mapping: HeaderMapping,
    *,
    lookups: Lookups,
    second: str,
    counterpart_field: str,
    file_period: date | None = None,
) -> ImportResult[InvestmentRow]:
    """Parse an FDI or ODI table (``second`` = "contract" or "agreed")."""
    mapping = apply_title_units(mapping, table.title_rows)
    result: ImportResult[InvestmentRow] = ImportResult(
        kind=mapping.kind,
        mapping=mapping,
        totals={"value": FlowTotals(), "second": FlowTotals()},
    )
    value, second_total = result.totals["value"], result.totals["second"]
    cols = mapping.columns
    if "period" not in cols and file_period is None:
        file_period = period_from_titles(table.title_rows)
        if file_period is not None:
            result.notes.append(f"文件没有年月列，按标题取 {file_period:%Y年%m月}")
    mapping.require(has_file_period=file_period is not None)
    none = -1
    c_uscc = cols.get("uscc", none)
    c_customs = cols.get("customs_code", none)
    c_name = cols.get("name", none)
    c_period = cols.get("period", none)
    c_pcode = cols.get("partner_code", none)
    c_pname = cols.get("partner_name", none)
    c_counterpart = cols.get(counterpart_field, none)
    amount_cols = [
        (name, cols.get(name, none), mapping.multiplier(name))
        for name in ("value_usd", "value_cny", f"{second}_usd", f"{second}_cny")
    ]
    label_of = {index: mapping.label(name) for name, index in cols.items()}
    groups: dict[tuple[tuple[str, str], date, str], _Group] = {}
    periods: set[date] = set()
    new: dict[tuple[str, str], NewEnterprise] = {}

    def get(cells: list[Cell], index: int) -> Cell:
        return cells[index] if 0 <= index < len(cells) else None

    for number, cells in table.rows:
        if not any(cells):
            continue
        row_errors: list[RowError] = []
        ent: EnterpriseRef | None = None
        try:
            ent = lookups.resolve_enterprise(
                get(cells, c_uscc), get(cells, c_customs), get(cells, c_name)
            )
        except EnterpriseCellError as exc:
            if is_blank_row(cells):
                continue
            if is_summary_row(cells):
                result.warnings.append(
                    RowWarning(
                        number, "", cell_text(next(c for c in cells if c)), "合计或说明行，未导入"
                    )
                )
                continue
            index = cols.get(exc.field_name, none)
            if index < 0:
                index = next(c for c in (c_uscc, c_customs, c_name) if c >= 0)
            row_errors.append(
                RowError(number, label_of[index], cell_text(get(cells, index)), exc.reason)
            )
        period = file_period
        if c_period >= 0:
            raw = get(cells, c_period)
            try:
                period = parse_period(raw)
            except CellError as exc:
                row_errors.append(RowError(number, label_of[c_period], cell_text(raw), exc.reason))
        partner = ""
        if c_pcode >= 0 or c_pname >= 0:
            code_cell, name_cell = get(cells, c_pcode), get(cells, c_pname)
            found = None
            if c_pcode >= 0 and not is_missing(code_cell):
                found = lookups.partner_from_code(code_cell)
            if found is None and c_pname >= 0 and not is_missing(name_cell):
                found = lookups.partner_from_name(name_cell)
            if found is None:
                index = c_pcode if c_pcode >= 0 and not is_missing(code_cell) else c_pname
                if index < 0:
                    index = c_pcode
                raw = get(cells, index)
                reason = "国别(地区)为空" if is_missing(raw) else "未知的国别(地区)"
                row_errors.append(RowError(number, label_of[index], cell_text(raw), reason))
            else:
                partner = found
        amounts: list[Decimal | None] = []
        for _name, index, factor in amount_cols:
            if index < 0:
                amounts.append(None)
                continue
            raw = get(cells, index)
            try:
                amounts.append(parse_amount(raw, multiplier=factor))
            except CellError as exc:
                row_errors.append(RowError(number, label_of[index], cell_text(raw), exc.reason))
                amounts.append(None)
        if not row_errors and all(a is None for a in amounts):
            present = [index for _n, index, _f in amount_cols if index >= 0]
            row_errors.append(
                RowError(number, "、".join(label_of[i] for i in present), "", "没有金额")
            )
        if row_errors:
            result.errors.extend(row_errors)
            result.rows_rejected += 1
            result.rejected_rows.append((number, cells, ""))
            continue
        if ent is None or period is None:  # pragma: no cover - an error was recorded above
            continue
        result.rows_imported += 1
        periods.add(period)
        usd, cny, second_usd, second_cny = amounts
        value.usd += usd or 0
        value.cny += cny or 0
        second_total.usd += second_usd or 0
        second_total.cny += second_cny or 0
        if ent.enterprise_id is None and ent.key not in new:
            new[ent.key] = NewEnterprise(ent.uscc, ent.customs_code, ent.name, number)
        counterpart = cell_text(get(cells, c_counterpart)) if c_counterpart >= 0 else ""
        key = (ent.key, period, partner)
        group = groups.get(key)
        if group is None:
            groups[key] = _Group(
                ent, usd, cny, second_usd, second_cny, [counterpart] if counterpart else [], number
            )
            continue
        group.usd = add_amounts(group.usd, usd)
        group.cny = add_amounts(group.cny, cny)
        group.second_usd = add_amounts(group.second_usd, second_usd)
        group.second_cny = add_amounts(group.second_cny, second_cny)
        if counterpart and counterpart not in group.counterparts:
            group.counterparts.append(counterpart)
        group.count += 1

    result.rows_read = result.rows_imported + result.rows_rejected
    result.periods = sorted(periods)
    result.new_enterprises = sorted(new.values(), key=lambda e: e.first_row)
    result.rows = [
        InvestmentRow(
            enterprise=g.enterprise,
            period=key[1],
            partner_code=key[2],
            value_usd=g.usd,
            value_cny=g.cny,
            second_usd=g.second_usd,
            second_cny=g.second_cny,
            counterparts=tuple(g.counterparts),
            first_row=g.first_row,
            row_count=g.count,
        )
        for key, g in groups.items()
    ]
    return result
