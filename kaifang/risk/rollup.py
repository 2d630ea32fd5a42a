"""The exposure rollup: the customs records of some months, summed over trade mode, rewritten
whenever trade rewrites its rollups of those months (trade's `rollups_rebuilt` signal, in the
same transaction), so a scenario's figures read from it always equal the records'.

One `INSERT … SELECT … GROUP BY` per rebuild, written in the order of the rollup's index
(flow, month, partner, HS code, enterprise): on PostgreSQL the rows a scenario reads then lie
together on disk; on SQLite the index alone answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction

from kaifang.risk.models import ExposureRollup
from kaifang.trade.models import CustomsRecord, Flow
from kaifang.trade.signals import rollups_rebuilt

_q = connection.ops.quote_name
_TABLE = ExposureRollup._meta.db_table
_FACTS = CustomsRecord._meta.db_table
_KEYS = "r.flow, r.period, r.partner_code, r.hs_code, r.enterprise_id"
FLOWS = [str(f) for f in Flow]


@transaction.atomic
def rebuild(periods: Iterable[dt.date]) -> int:
    """Replace the rows of `periods` by fresh sums of the records; returns rows written."""
    months = sorted(set(periods))
    if not months:
        return 0
    # flow IN (…) names the index's first column, so both databases delete through it.
    ExposureRollup.objects.filter(flow__in=FLOWS, period__in=months).delete()
    placeholders = ", ".join(["%s"] * len(months))
    with connection.cursor() as cursor:
        # Table names are ours; the months travel as parameters.
        cursor.execute(
            f"INSERT INTO {_TABLE} (flow, period, partner_code, hs_code, enterprise_id, "  # noqa: S608
            f"value_usd, value_cny, {_q('rows')}) "
            f"SELECT {_KEYS}, SUM(COALESCE(r.value_usd, 0)), SUM(COALESCE(r.value_cny, 0)), "
            f"COUNT(*) FROM {_FACTS} r WHERE r.period IN ({placeholders}) "
            f"GROUP BY {_KEYS} ORDER BY {_KEYS}",
            months,
        )
        return max(int(cursor.rowcount), 0)


def rebuild_all() -> int:
    """Every month that has customs records (an upgrade, a repair)."""
    periods = CustomsRecord.objects.values_list("period", flat=True).distinct().order_by()
    return rebuild(list(periods))


def _on_rebuilt(sender: Any, periods: list[dt.date], **kwargs: Any) -> None:
    rebuild(periods)


def connect() -> None:
    rollups_rebuilt.connect(_on_rebuilt, dispatch_uid="risk.exposure_rollup")
