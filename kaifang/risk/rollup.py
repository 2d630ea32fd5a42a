"""The exposure rollup: the customs records of some months, summed over trade mode, kept
behind trade's rollups off the import's path (decision 0011):

- trade's `rollups_rebuilt` signal (inside the rebuild's transaction) only marks its months
  stale (`ExposureStale`, one upsert per month) and, once the transaction commits, queues
  `refresh_stale` for the worker; with `settle=True` (`kaifang rebuild-rollups`, the demo
  loader) the months are rewritten there and then instead;
- `refresh_stale` rewrites each stale month in a transaction of its own and clears the mark it
  saw (idempotent: a second run finds nothing; a mark made meanwhile stays for the next run);
  a periodic sweep (`kaifang.risk.tasks`) catches a queue entry lost to a crash;
- a scenario whose window holds a stale month reads the records (`selectors.exposure`), so
  its figures always equal the records'.

One `INSERT … SELECT … GROUP BY` per rebuild, written in the order of the rollup's index
(flow, month, partner, HS code, enterprise): on PostgreSQL the rows a scenario reads then lie
together on disk; on SQLite the index alone answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from kaifang.core.jobs import defer
from kaifang.risk.models import ExposureRollup, ExposureStale
from kaifang.trade.models import CustomsRecord, Flow
from kaifang.trade.signals import rollups_rebuilt

_q = connection.ops.quote_name
_TABLE = ExposureRollup._meta.db_table
_FACTS = CustomsRecord._meta.db_table
_STALE = ExposureStale._meta.db_table
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


def mark_stale(periods: Iterable[dt.date]) -> None:
    """Mark months stale (a new version if already marked), and queue a refresh for the
    worker once the current transaction commits."""
    months = sorted(set(periods))
    if not months:
        return
    now = timezone.now()
    with connection.cursor() as cursor:
        # An upsert both databases know (SQLite ≥ 3.24): no read-then-write race with a job
        # clearing the same month.
        cursor.executemany(
            f"INSERT INTO {_STALE} (period, version, marked_at) VALUES (%s, 1, %s) "  # noqa: S608
            f"ON CONFLICT (period) DO UPDATE SET version = {_STALE}.version + 1, "
            f"marked_at = excluded.marked_at",
            [(month, now) for month in months],
        )
    defer("kaifang.risk.rollup.refresh_stale")


def stale_months(months: Iterable[dt.date] | None = None) -> set[dt.date]:
    """The months (of `months`, or all) whose exposure rollup lags the records."""
    qs = ExposureStale.objects.all()
    if months is not None:
        qs = qs.filter(period__in=sorted(set(months)))
    return set(qs.values_list("period", flat=True))


def refresh_stale() -> int:
    """Rewrite every stale month, one transaction each, clearing only the mark seen; returns
    the months rewritten. Run by the worker after an import's commit, and periodically."""
    done = 0
    for period in list(ExposureStale.objects.order_by("period").values_list("period", flat=True)):
        with transaction.atomic():
            # The lock keeps a second worker off this month until this one commits (on
            # SQLite the transaction's write lock does the same).
            mark = ExposureStale.objects.select_for_update().filter(period=period).first()
            if mark is None:  # refreshed by another run meanwhile
                continue
            rebuild([period])
            ExposureStale.objects.filter(period=period, version=mark.version).delete()
            done += 1
    return done


def _on_rebuilt(sender: Any, periods: list[dt.date], **kwargs: Any) -> None:
    if kwargs.get("settle"):
        rebuild(periods)
        ExposureStale.objects.filter(period__in=sorted(set(periods))).delete()
    else:
        mark_stale(periods)


def connect() -> None:
    rollups_rebuilt.connect(_on_rebuilt, dispatch_uid="risk.exposure_rollup")
