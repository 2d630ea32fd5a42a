"""What an import file holds, whatever its kind: one result class for customs, FDI, ODI and
enterprise-list files, so validation, the error report, the batch's summary and the commit read
one shape. ``rows`` are the kind's own parsed rows (``CustomsRow``, ``InvestmentRow``,
``EnterpriseRecord``). Pure: no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

from kaifang.trade.importers.common import Cell, NewEnterprise, RowError, RowWarning
from kaifang.trade.importers.headers import HeaderMapping

__all__ = ["FlowTotals", "ImportResult"]

RowT = TypeVar("RowT")


@dataclass(slots=True)
class FlowTotals:
    usd: Decimal = Decimal(0)
    cny: Decimal = Decimal(0)


@dataclass(slots=True)
class ImportResult(Generic[RowT]):
    """``rows_read`` = ``rows_imported`` + ``rows_rejected``.

    ``rejected_rows`` keeps the original cells of each rejected row for the error report.
    ``totals``: the amounts of the imported rows: by flow (``export``, ``import``) for customs
    files, ``value`` and ``second`` (合同外资 / 中方协议投资额) for FDI and ODI files, none for
    enterprise lists. ``notes``: what the parser assumed (a period taken from the title …).
    """

    kind: str
    mapping: HeaderMapping
    rows: list[RowT] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    # (row number, cells, sheet: "" unless a workbook's several sheets were read)
    rejected_rows: list[tuple[int, list[Cell], str]] = field(default_factory=list)
    rows_read: int = 0
    rows_imported: int = 0
    rows_rejected: int = 0
    totals: dict[str, FlowTotals] = field(default_factory=dict)
    periods: list[date] = field(default_factory=list)
    new_enterprises: list[NewEnterprise] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        """The JSON summary (``kaifang import-customs --json``, the batch's report; amounts as
        strings)."""
        out: dict[str, object] = {
            "rows_read": self.rows_read,
            "rows_imported": self.rows_imported,
            "rows_rejected": self.rows_rejected,
        }
        if self.totals:
            out["totals"] = {
                name: {"usd": str(t.usd), "cny": str(t.cny)} for name, t in self.totals.items()
            }
        out["errors"] = [e.as_dict() for e in self.errors]
        return out
