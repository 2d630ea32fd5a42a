"""Helpers of the drill-down plan tests (`test_drill_plans.py`, `test_drill_firms_plan.py`);
their data is the `shares` and `liaison_firms` fixtures of this package's conftest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from decimal import Decimal

from django.db import connection, transaction

from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import rebuild_rollups
from kaifang.trade.selectors import Query

Q_YTD = Query(year=2025, month=3)


def add_one_without_dollars(firm, flow: str, partner: str, hs_code: str = "84999999") -> None:
    """A record of March 2025 in yuan only (a customs file without a dollar column)."""
    CustomsRecord.objects.create(
        enterprise=firm,
        period=dt.date(2025, 3, 1),
        flow=flow,
        hs_code=hs_code,
        partner_code=partner,
        trade_mode="99",
        value_usd=None,
        value_cny=Decimal(1),
    )
    rebuild_rollups([dt.date(2025, 3, 1)])


def add_filler_exports(firm, months: list[dt.date], n: int, spread: int) -> None:
    """`n` exports of HS 85 to Japan under trade mode 10, spread over `months` in turn, at
    `spread` repeating dollar values (ties), and their months' rollups: records outside the
    tested scope or month that make it a smaller share of the table."""
    CustomsRecord.objects.bulk_create(
        CustomsRecord(
            enterprise=firm,
            period=months[i % len(months)],
            flow="export",
            hs_code=f"85{i:06d}",
            partner_code="116",
            trade_mode="10",
            value_usd=Decimal(i % spread * 10 + 10),
            value_cny=Decimal(i % spread * 70 + 70),
        )
        for i in range(n)
    )
    rebuild_rollups(months)


@contextmanager
def priced_out(*settings: str) -> Iterator[None]:
    """PostgreSQL with statistics and without the plans `settings` name, for one
    transaction: the few test rows would otherwise be read whole and sorted in memory."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ANALYZE trade_customsrecord")
        for setting in settings:
            cursor.execute(f"SET LOCAL {setting} = off")
        yield


def sorts_priced_out() -> AbstractContextManager[None]:
    """Without full scans or sorts: what it may walk, it walks."""
    return priced_out("enable_seqscan", "enable_bitmapscan", "enable_sort")


def explain(qs) -> str:
    return str(qs.explain())


def record_ids(qs) -> list[int]:
    return list(qs.values_list("id", flat=True))
