"""Reads of the trade analysis (外贸分析), always within the viewer's scope. See base.py for
how scope picks rollups or facts."""

from kaifang.trade.selectors.base import (
    CURRENCIES,
    FLOWS,
    NONE_KEY,
    SPANS,
    Keys,
    Query,
    Sums,
    Viewer,
    latest_period,
    sees_all,
)
from kaifang.trade.selectors.breakdown import (
    BREAKDOWNS,
    INDUSTRY_LEVELS,
    Breakdown,
    Row,
    breakdown,
    top_rows,
)
from kaifang.trade.selectors.dynamics import (
    Concentration,
    Markets,
    concentration,
    concentration_of,
    enterprise_concentration,
    markets,
    new_exporters,
    stopped_traders,
)
from kaifang.trade.selectors.records import drill_page, drill_records, drill_totals
from kaifang.trade.selectors.summary import (
    RecordsSummary,
    drill_summary,
    records_summary,
    records_total,
)
from kaifang.trade.selectors.trend import TrendPoint, totals_by_flow, trend

__all__ = [
    "BREAKDOWNS",
    "CURRENCIES",
    "FLOWS",
    "INDUSTRY_LEVELS",
    "NONE_KEY",
    "SPANS",
    "Breakdown",
    "Concentration",
    "Keys",
    "Markets",
    "Query",
    "RecordsSummary",
    "Row",
    "Sums",
    "TrendPoint",
    "Viewer",
    "breakdown",
    "concentration",
    "concentration_of",
    "drill_page",
    "drill_records",
    "drill_summary",
    "drill_totals",
    "enterprise_concentration",
    "latest_period",
    "markets",
    "new_exporters",
    "records_summary",
    "records_total",
    "sees_all",
    "stopped_traders",
    "top_rows",
    "totals_by_flow",
    "trend",
]
