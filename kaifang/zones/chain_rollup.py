"""Keep the chains' rollup (`ChainTradeRollup`, decision 0023) equal to the customs records.

- `sync_codes` (the worker, at the start of every chains' refill; a segment saved or removed
  queues that refill): the codes the segments name and the rollup lacks are summed from the
  records for every month; codes no segment names any more are dropped.
- trade's `rollups_rebuilt` (inside the rebuild's transaction, like trade's own rollups): the
  months rebuilt are summed again for every code held. Only the chains' codes are read (a
  few dozen ranges of the (hs_code, period) index), so an import pays a small share of its
  month's records, not a second pass over them.

Both first lock the row of the empty code, so on PostgreSQL a code being filled and a month
being rebuilt meanwhile wait for each other (SQLite has one writer anyway)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from kaifang.core import jobs
from kaifang.trade.models import CustomsRecord
from kaifang.trade.signals import rollups_rebuilt
from kaifang.zones.models import ChainRollupCode, ChainSegment, ChainTradeRollup

REFILL = "kaifang.zones.selectors.chains.refill"
LOCK = ""  # the code of the lock row (never a segment's code)
Codes = tuple[str, ...]


def segment_codes(segment: ChainSegment) -> Codes:
    """The codes a segment's figures depend on (its cache key): digits only, each kept once,
    a code dropped where a shorter one of the segment covers it (no record counted twice)."""
    ordered = sorted({c for c in segment.hs_list if c.isdigit()}, key=lambda c: (len(c), c))
    kept: list[str] = []
    for code in ordered:
        if not any(code.startswith(k) for k in kept):
            kept.append(code)
    return tuple(sorted(kept))


def code_range(code: str) -> tuple[str, str | None]:
    """The commodity codes starting with `code` are those ≥ the first and < the second (None:
    no upper bound of the same length, the code is all nines)."""
    if set(code) == {"9"}:
        return code, None
    return code, str(int(code) + 1).zfill(len(code))


def wanted() -> set[str]:
    """Every code some segment's figures are summed from."""
    return {c for s in ChainSegment.objects.only("hs_headings") for c in segment_codes(s)}


def covered() -> frozenset[str]:
    """The codes the rollup holds for every month."""
    return frozenset(ChainRollupCode.objects.exclude(code=LOCK).values_list("code", flat=True))


def _lock() -> None:
    """Hold the lock row until the transaction ends (made again if a flush removed it)."""
    if not ChainRollupCode.objects.select_for_update().filter(code=LOCK).exists():
        ChainRollupCode.objects.get_or_create(code=LOCK)
        ChainRollupCode.objects.select_for_update().filter(code=LOCK).exists()


def _fill(cursor: Any, code: str, months: Sequence[dt.date] | None) -> None:
    """Insert the rollup rows of one code, for the months given (None: every month)."""
    table = ChainTradeRollup._meta.db_table
    facts = CustomsRecord._meta.db_table
    low, high = code_range(code)
    where = "r.hs_code >= %s"
    params: list[object] = [low]
    if high is None:
        where += " AND SUBSTR(r.hs_code, 1, %s) = %s"
        params += [len(code), code]
    else:
        where += " AND r.hs_code < %s"
        params.append(high)
    if months is not None:
        where += f" AND r.period IN ({', '.join(['%s'] * len(months))})"
        params += list(months)
    # Table names are ours; values travel as parameters.
    cursor.execute(
        f"INSERT INTO {table} (enterprise_id, code, period, flow, partner, value_usd) "  # noqa: S608
        f"SELECT r.enterprise_id, %s, r.period, r.flow, r.partner_code, "
        f"SUM(COALESCE(r.value_usd, 0)) FROM {facts} r WHERE {where} "
        f"GROUP BY r.enterprise_id, r.period, r.flow, r.partner_code",
        [code, *params],
    )


@transaction.atomic
def sync_codes() -> int:
    """Make the rollup hold exactly the codes the segments name; returns the codes filled.
    Nothing to do (the usual case): two small reads."""
    want = wanted()
    have = covered()
    if want == have:
        return 0
    _lock()
    have = covered()
    added = sorted(want - have)
    with connection.cursor() as cursor:
        for code in added:
            _fill(cursor, code, None)
            ChainRollupCode.objects.create(code=code)
    gone = sorted(have - want)
    if gone:
        ChainTradeRollup.objects.filter(code__in=gone).delete()
        ChainRollupCode.objects.filter(code__in=gone).delete()
    return len(added)


def rewrite_months(months: Iterable[dt.date]) -> None:
    """Sum the months again for every code held (within the caller's transaction)."""
    periods = sorted(set(months))
    if not periods:
        return
    _lock()
    codes = sorted(covered())
    with connection.cursor() as cursor:
        for code in codes:
            ChainTradeRollup.objects.filter(code=code, period__in=periods).delete()
            _fill(cursor, code, periods)


def _on_rebuilt(sender: Any, periods: Sequence[dt.date], **kwargs: Any) -> None:
    rewrite_months(periods)


def _on_segment_change(sender: Any, **kwargs: Any) -> None:
    """A segment saved or removed may name codes the rollup lacks (or no longer needs): the
    chains' refill fills them (`sync_codes`) and the segment's figures. Until it has run,
    the segment's figures are summed from the records."""
    if kwargs.get("raw"):
        return
    jobs.defer_once(REFILL)


def connect() -> None:
    rollups_rebuilt.connect(_on_rebuilt, dispatch_uid="zones.chain_rollup")
    post_save.connect(_on_segment_change, sender=ChainSegment, dispatch_uid="zones.chain_codes")
    post_delete.connect(
        _on_segment_change, sender=ChainSegment, dispatch_uid="zones.chain_codes_gone"
    )
