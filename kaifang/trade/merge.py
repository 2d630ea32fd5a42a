"""Enterprise merge, trade's part: customs and investment rows are keyed by enterprise, so a
row of the dropped enterprise whose key the kept one already holds is added into it (both
are the same enterprise's trade) before the register moves the rest; afterwards the rollups
of the months concerned are rebuilt, since the dropped id and its district–park pair vanish."""

from __future__ import annotations

from typing import Any

from kaifang.trade.importers.common import add_amounts
from kaifang.trade.models import CustomsRecord, InvestmentRecord
from kaifang.trade.rollups import rebuild_rollups, refresh_pairs

_CUSTOMS_KEY = ("period", "flow", "hs_code", "partner_code", "trade_mode")
_INVESTMENT_KEY = ("kind", "period", "partner_code")
_PERIODS_ATTR = "_kaifang_merge_periods"
_PAIRS_ATTR = "_kaifang_merge_pairs"


def fold_before_merge(keep: Any, drop: Any) -> None:
    periods = set(CustomsRecord.objects.filter(enterprise=drop).values_list("period", flat=True))
    kept = {
        tuple(getattr(r, k) for k in _CUSTOMS_KEY): r
        for r in CustomsRecord.objects.filter(enterprise=keep, period__in=periods)
    }
    for row in CustomsRecord.objects.filter(enterprise=drop):
        twin = kept.get(tuple(getattr(row, k) for k in _CUSTOMS_KEY))
        if twin is None:
            continue
        for name in ("value_usd", "value_cny", "qty1", "qty2"):
            setattr(twin, name, add_amounts(getattr(twin, name), getattr(row, name)))
        twin.save(update_fields=["value_usd", "value_cny", "qty1", "qty2"])
        row.delete()
    kept_inv = {
        tuple(getattr(r, k) for k in _INVESTMENT_KEY): r
        for r in InvestmentRecord.objects.filter(enterprise=keep)
    }
    for inv in InvestmentRecord.objects.filter(enterprise=drop):
        twin_inv = kept_inv.get(tuple(getattr(inv, k) for k in _INVESTMENT_KEY))
        if twin_inv is None:
            continue
        for name in ("amount_usd", "amount_cny", "second_usd", "second_cny"):
            setattr(twin_inv, name, add_amounts(getattr(twin_inv, name), getattr(inv, name)))
        twin_inv.save()
        inv.delete()
    setattr(keep, _PERIODS_ATTR, periods)
    setattr(keep, _PAIRS_ATTR, {(drop.district_id, drop.park_id), (keep.district_id, keep.park_id)})


def refresh_after_merge(keep: Any, drop: Any) -> None:
    periods: set[Any] = getattr(keep, _PERIODS_ATTR, set())
    if periods:
        rebuild_rollups(periods)
        refresh_pairs(getattr(keep, _PAIRS_ATTR, set()))
