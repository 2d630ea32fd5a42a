"""Outward direct investment (对外直接投资) by domestic enterprise, destination, month.

Typical headers: 境内投资主体/企业名称, 统一社会信用代码, 境外企业名称, 投资目的地,
中方协议投资额(万美元), 对外直接投资额(万美元), 年月. ``second_usd`` of each row is the
中方协议投资额; ``counterparts`` are the overseas enterprises' names.
"""

from __future__ import annotations

from datetime import date

from kaifang.trade.importers.common import Lookups
from kaifang.trade.importers.headers import HeaderMapping
from kaifang.trade.importers.investment import InvestmentRow, parse_investment
from kaifang.trade.importers.result import ImportResult
from kaifang.trade.importers.tabular import Table

__all__ = ["InvestmentRow", "parse_odi"]


def parse_odi(
    table: Table,
    mapping: HeaderMapping,
    *,
    lookups: Lookups,
    file_period: date | None = None,
) -> ImportResult[InvestmentRow]:
    """Parse an ODI table (mapping from ``detect_mapping(header, kind="odi")``)."""
    return parse_investment(
        table,
        mapping,
        lookups=lookups,
        second="agreed",
        counterpart_field="overseas_name",
        file_period=file_period,
    )
