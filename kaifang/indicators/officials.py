"""Turn a parsed official file into the rows its import action writes (the only place the
importer's keys meet the model's fields)."""

from __future__ import annotations

from collections.abc import Iterator

from kaifang.indicators.actions import OfficialRow
from kaifang.indicators.importers.official import OfficialResult


def official_rows(result: OfficialResult) -> Iterator[OfficialRow]:
    usd = result.currency == "usd"
    for (period, hs, partner, mode), value in result.sums.items():
        yield OfficialRow(
            period=period,
            flow=result.flow,
            hs_code=hs,
            partner_code=partner,
            trade_mode=mode,
            value_usd=value if usd else None,
            value_cny=None if usd else value,
        )
