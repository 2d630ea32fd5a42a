"""Keep the chains' rollup (`ChainTradeRollup`, decision 0024) equal to the customs records.

- `sync_codes` (the worker, at the start of every chains' refill; a segment saved or removed
  queues that refill): the codes the segments name and the rollup lacks are summed from the
  records for every month; codes no segment names any more are dropped.
- trade's `rollups_rebuilt` (inside the rebuild's transaction, like trade's own rollups): the
  months rebuilt are summed again for every code held. Only the chains' codes are read (a
  few dozen ranges of the (hs_code, period) index), so an import pays a small share of its
  month's records, not a second pass over them.

Each time, the rows written are summed again into the two smaller rollups the pages read
(`_derive`: per firm, and the city's per partner; decision 0045).

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
from kaifang.trade.selectors.base import code_range
from kaifang.trade.signals import rollups_rebuilt
from kaifang.zones.models import (
    ChainFirmRollup,
    ChainPartnerRollup,
    ChainRollupCode,
    ChainSegment,
    ChainTradeRollup,
)

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


def _fill(cursor: Any, codes: Sequence[str], months: Sequence[dt.date] | None) -> None:
    """Insert the rollup rows of the codes, for the months given (None: every month): one
    statement, the records of each code's range read through the (hs_code, period) index
    (PostgreSQL with months given: one statement per code length, below).
    On SQLite the month is kept out of the index choice (`+`): its period index would read
    the whole month once per code (1.1 s of CPU for a month at 5.6 M records, 0.06 s so).
    PostgreSQL reads the months given through its period index and matches each record's
    prefix to the codes of that length."""
    table = ChainTradeRollup._meta.db_table
    facts = CustomsRecord._meta.db_table
    period = "+r.period" if connection.vendor == "sqlite" else "r.period"
    when, when_params = "", []
    if months is not None:
        when = f" AND {period} IN ({', '.join(['%s'] * len(months))})"
        when_params = list(months)
    insert = f"INSERT INTO {table} (enterprise_id, code, period, flow, partner, value_usd) "
    summed = (
        "r.period, r.flow, r.partner_code, SUM(COALESCE(r.value_usd, 0)) "
        f"FROM {facts} r"  # Table names are ours; values travel as parameters.
    )
    grouped = " GROUP BY r.enterprise_id, r.period, r.flow, r.partner_code"
    if months is not None and connection.vendor == "postgresql":
        # PostgreSQL tested each of the month's records against every code's range (37 codes
        # × 158 k records at 5.6 M: 0.69 s of grouped reading). Matched by a hash of the
        # record's prefix instead, the month is read once per code length (0.06 s).
        lengths = sorted({len(c) for c in codes})
        for length in lengths:
            cursor.execute(
                f"{insert}SELECT r.enterprise_id, c.code, {summed} "
                "JOIN (SELECT unnest(CAST(%s AS TEXT[])) AS code) c "
                f"ON c.code = SUBSTR(r.hs_code, 1, %s) WHERE 1 = 1{when}{grouped}, c.code",
                [[c for c in codes if len(c) == length], length, *when_params],
            )
        return
    ranged = [(c, *code_range(c)) for c in codes]
    bounded = [(c, low, high) for c, low, high in ranged if high is not None]
    if bounded:
        values = " UNION ALL ".join(["SELECT %s AS code, %s AS low, %s AS high"] * len(bounded))
        cursor.execute(
            f"{insert}SELECT r.enterprise_id, c.code, {summed} JOIN ({values}) c "
            f"ON r.hs_code >= c.low AND r.hs_code < c.high WHERE 1 = 1{when}{grouped}, c.code",
            [v for row in bounded for v in row] + when_params,
        )
    for code, _low, high in ranged:
        if high is None:  # all nines: no upper bound of the same length
            cursor.execute(
                f"{insert}SELECT r.enterprise_id, %s, {summed} "
                f"WHERE SUBSTR(r.hs_code, 1, %s) = %s{when}{grouped}",
                [code, len(code), code, *when_params],
            )


TABLES = (ChainTradeRollup, ChainFirmRollup, ChainPartnerRollup)


def _derive(cursor: Any, codes: Sequence[str], months: Sequence[dt.date] | None) -> None:
    """Sum the chains' rollup rows of the codes (and months; None: every month) into the firm
    and partner rollups: two grouped reads of rows just written, a small share of them."""
    if not codes:
        return
    source = ChainTradeRollup._meta.db_table
    where = f"code IN ({', '.join(['%s'] * len(codes))})"
    params: list[Any] = list(codes)
    if months is not None:
        where += f" AND period IN ({', '.join(['%s'] * len(months))})"
        params += list(months)
    for model, key in ((ChainFirmRollup, "enterprise_id"), (ChainPartnerRollup, "partner")):
        # Table and column names are ours; values travel as parameters.
        insert = f"INSERT INTO {model._meta.db_table} (code, period, flow, {key}, value_usd) "
        summed = f"SELECT code, period, flow, {key}, SUM(value_usd) FROM {source} "  # noqa: S608
        grouped = f"WHERE {where} GROUP BY code, period, flow, {key}"
        cursor.execute(insert + summed + grouped, params)


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
        _fill(cursor, added, None)
        _derive(cursor, added, None)
    ChainRollupCode.objects.bulk_create([ChainRollupCode(code=c) for c in added])
    gone = sorted(have - want)
    if gone:
        for model in TABLES:
            model.objects.filter(code__in=gone).delete()
        ChainRollupCode.objects.filter(code__in=gone).delete()
    return len(added)


def rewrite_months(months: Iterable[dt.date]) -> None:
    """Sum the months again for every code held (within the caller's transaction)."""
    periods = sorted(set(months))
    if not periods:
        return
    _lock()
    codes = sorted(covered())
    for code in codes:  # each a walk of the unique indexes
        for model in TABLES:
            model.objects.filter(code=code, period__in=periods).delete()
    with connection.cursor() as cursor:
        _fill(cursor, codes, periods)
        _derive(cursor, codes, periods)


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
