"""Foreign direct investment actually used (实际使用外资) by enterprise, investor country, month.

Typical headers: 外商投资企业名称, 统一社会信用代码, 投资方国别(地区), 实际使用外资(万美元) or
到资金额, 合同外资(万美元), 年月. ``second_usd`` of each row is 合同外资.
"""

from __future__ import annotations

from datetime import date

from kaifang.trade.importers.common import Lookups
from kaifang.trade.importers.headers import HeaderMapping
from kaifang.trade.importers.investment import InvestmentRow, parse_investment
from kaifang.trade.importers.result import ImportResult
from kaifang.trade.importers.tabular import Table

__all__ = ["InvestmentRow", "parse_fdi"]


def parse_fdi(
    table: Table,
    mapping: HeaderMapping,
    *,
    lookups: Lookups,
    file_period: date | None = None,
) -> ImportResult[InvestmentRow]:
    """Parse an FDI table (mapping from ``detect_mapping(header, kind="fdi")``)."""
    return parse_investment(
        table,
        mapping,
        lookups=lookups,
        second="contract",
        counterpart_field="investor",
        file_period=file_period,
    )
