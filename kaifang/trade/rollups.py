"""Rebuild the monthly rollups from the facts for a set of periods.

Pages for users who see the whole city read rollups; every rollup row is a GROUP BY of the
facts, so a total always equals the rows it drills down to. The sums are computed and written
by the database in one INSERT … SELECT per dimension: at a million facts, carrying the groups
through Python and the ORM cost several times the GROUP BY itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection

from kaifang.trade.models import CustomsRecord, Dimension, TradeRollup

# The GROUP BY key of each dimension, in SQL both SQLite and PostgreSQL accept.
_KEYS = {
    Dimension.PARTNER: "partner_code",
    Dimension.HS2: "SUBSTR(hs_code, 1, 2)",
    Dimension.HS4: "SUBSTR(hs_code, 1, 4)",
    Dimension.MODE: "trade_mode",
    Dimension.ENTERPRISE: "CAST(enterprise_id AS VARCHAR(20))",
}
_FACTS = CustomsRecord._meta.db_table
_q = connection.ops.quote_name
_ROLLUPS = TradeRollup._meta.db_table


def rebuild_rollups(periods: Iterable[dt.date]) -> int:
    """Replace the rollups of `periods` by fresh sums of the facts; returns rows written."""
    months = sorted(set(periods))
    if not months:
        return 0
    TradeRollup.objects.filter(period__in=months).delete()
    placeholders = ", ".join(["%s"] * len(months))
    written = 0
    with connection.cursor() as cursor:
        for dimension, key in _KEYS.items():
            # Table and key expressions are ours (above); values travel as parameters.
            cursor.execute(
                f"INSERT INTO {_ROLLUPS} "  # noqa: S608
                f"(dimension, {_q('key')}, period, flow, value_usd, value_cny, {_q('rows')}) "
                f"SELECT %s, COALESCE({key}, ''), period, flow, "
                "SUM(COALESCE(value_usd, 0)), SUM(COALESCE(value_cny, 0)), COUNT(*) "
                f"FROM {_FACTS} WHERE period IN ({placeholders}) "
                f"GROUP BY {key}, period, flow",
                [str(dimension), *months],
            )
            written += max(cursor.rowcount, 0)
    return written
