"""Helpers of the chains' rollup tests (not a test module): the firm and partner rollups
against the chains' rollup they are summed from (decision 0045)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from kaifang.zones.models import ChainFirmRollup, ChainPartnerRollup, ChainTradeRollup

CENT = Decimal("0.01")  # SQLite sums in binary floating point: equal to the cent


def summed(key: str) -> dict[tuple[object, ...], Decimal]:
    """The chains' rollup summed over all but `key` (what its firm or partner rollup holds)."""
    out: dict[tuple[object, ...], Decimal] = defaultdict(Decimal)
    for row in ChainTradeRollup.objects.all():
        out[(row.code, row.period, row.flow, getattr(row, key))] += row.value_usd
    return {k: v.quantize(CENT) for k, v in out.items()}


def derived_match() -> bool:
    """The firm and partner rollups hold the chains' rollup summed, to the cent (decision 0045)."""
    firms = {
        (r.code, r.period, r.flow, r.enterprise_id): r.value_usd.quantize(CENT)
        for r in ChainFirmRollup.objects.all()
    }
    partners = {
        (r.code, r.period, r.flow, r.partner): r.value_usd.quantize(CENT)
        for r in ChainPartnerRollup.objects.all()
    }
    return firms == summed("enterprise_id") and partners == summed("partner")
