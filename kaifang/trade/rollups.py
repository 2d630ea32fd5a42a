"""Rebuild the monthly rollups from the facts for a set of periods.

Pages read rollups: the city-wide ones (TradeRollup) for users who see the whole city, and
those by (district, park) pair (ScopeRollup) for users whose scope is a set of units. Every
rollup row is a GROUP BY of the facts, so a total always equals the rows it drills down to.
The sums are computed and written by the database in one INSERT … SELECT per dimension: at a
million facts, carrying the groups through Python and the ORM cost several times the
GROUP BY itself."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction

from kaifang.enterprises.models import Enterprise
from kaifang.trade.dimensions import DIMENSIONS, FIELDS, PLACE_DIMENSIONS, STAGES
from kaifang.trade.models import (
    CustomsRecord,
    Dimension,
    LiaisonRollup,
    ScopeRollup,
    TradeRollup,
    YearToDateRollup,
)
from kaifang.trade.signals import rollups_rebuilt

_FACTS = CustomsRecord._meta.db_table
_FIRMS = Enterprise._meta.db_table
_q = connection.ops.quote_name
_ROLLUPS = TradeRollup._meta.db_table
_SCOPED = ScopeRollup._meta.db_table
_LIAISON = LiaisonRollup._meta.db_table
_YTD = YearToDateRollup._meta.db_table
VERSION_KEY = "trade:rollup-version"


def rollup_version() -> int:
    """Bumped by every rebuild, so page caches keyed by it never outlive the figures. A new
    value is the clock, never a counter: Django's incr() re-sets a key with the default
    timeout (5 minutes), and a counter restarted at 1 would serve day-old entries again."""
    return int(cache.get_or_set(VERSION_KEY, time.time_ns, None) or time.time_ns())


def bump_version() -> None:
    """Mark every cached page stale. Now (a rolled-back rebuild only costs a cache miss) and
    again at commit (a page cached by a reader in between must not keep the old figures)."""

    def bump() -> None:
        cache.set(VERSION_KEY, time.time_ns(), None)

    bump()
    transaction.on_commit(bump)


# The stages and the dimensions summed from them are defined in trade/dimensions.py, which the
# streaming import's child reads too. Here they become SQL: a stage is a temporary table of the
# facts grouped by (enterprise, month, flow) and its fields k0, k1, …


def _cut(expression: str, width: int | None) -> str:
    return expression if width is None else f"SUBSTR({expression}, 1, {int(width)})"


_STAGES = {
    f"kf_stage_{stage}": tuple(
        _cut(f"r.{FIELDS[name].column}", FIELDS[name].width) for name in fields
    )
    for stage, fields in STAGES.items()
}
# dimension → (stage, key expression over the stage's columns)
_STAGED_KEYS = {
    d.name: (
        f"kf_stage_{d.stage}",
        "CAST(s.enterprise_id AS VARCHAR(20))"
        if d.position is None
        else _cut(f"s.k{d.position}", d.width),
    )
    for d in DIMENSIONS
}
_STAGE_SUMS = "SUM(s.usd), SUM(s.cny), SUM(s.n)"


# Rollup rows computed by the caller, in the tables' column order (see _GIVEN_COLUMNS).
Given = tuple[Sequence[Sequence[Any]], Sequence[Sequence[Any]], Sequence[Sequence[Any]]]
_SUM_COLUMNS = f"dimension, {_q('key')}, period, flow, value_usd, value_cny, {_q('rows')}"
_GIVEN_COLUMNS = (
    (_ROLLUPS, _SUM_COLUMNS),
    (_SCOPED, f"district_id, park_id, {_SUM_COLUMNS}"),
    (_LIAISON, f"liaison_id, district_id, park_id, {_SUM_COLUMNS}"),
)


def _stage(
    cursor: Any,
    stage: str,
    keys: Sequence[str],
    where: str,
    params: Sequence[object],
) -> None:
    columns = ", ".join(f"{key} AS k{i}" for i, key in enumerate(keys))
    cursor.execute(f"DROP TABLE IF EXISTS {stage}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {stage} AS "  # noqa: S608
        f"SELECT r.enterprise_id AS enterprise_id, r.period AS period, r.flow AS flow, "
        f"{columns}, SUM(COALESCE(r.value_usd, 0)) AS usd, "
        f"SUM(COALESCE(r.value_cny, 0)) AS cny, COUNT(*) AS n "
        f"FROM {_FACTS} r WHERE {where} "
        f"GROUP BY r.enterprise_id, r.period, r.flow, {', '.join(keys)}",
        params,
    )


@transaction.atomic
def rebuild_rollups(
    periods: Iterable[dt.date], *, given: Given | None = None, settle: bool = False
) -> int:
    """Replace the rollups of `periods` by fresh sums of the facts; returns rows written.

    ``given``: the rows already summed by the caller (an import into months that held no
    facts before sums its own records while parsing): the facts are not read again.
    ``settle``: listeners to `rollups_rebuilt` bring what they derive up to date before this
    returns (the command, the demo loader) instead of after the commit (imports, merges).
    """
    months = sorted(set(periods))
    if not months:
        return 0
    TradeRollup.objects.filter(period__in=months).delete()
    ScopeRollup.objects.filter(period__in=months).delete()
    LiaisonRollup.objects.filter(period__in=months).delete()
    placeholders = ", ".join(["%s"] * len(months))
    written = 0
    # Table names and key expressions are ours (above); values travel as parameters.
    with connection.cursor() as cursor:
        if given is not None:
            for (table, columns), rows in zip(_GIVEN_COLUMNS, given, strict=True):
                count = columns.count(",") + 1
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) "  # noqa: S608
                    f"VALUES ({', '.join(['%s'] * count)})",
                    rows,
                )
                written += len(rows)
        else:
            for stage, keys in _STAGES.items():
                _stage(cursor, stage, keys, f"r.period IN ({placeholders})", months)
            for dimension, (stage, key) in _STAGED_KEYS.items():
                cursor.execute(
                    f"INSERT INTO {_ROLLUPS} ({_SUM_COLUMNS}) "  # noqa: S608
                    f"SELECT %s, COALESCE({key}, ''), s.period, s.flow, {_STAGE_SUMS} "
                    f"FROM {stage} s GROUP BY {key}, s.period, s.flow",
                    [str(dimension)],
                )
                written += max(cursor.rowcount, 0)
            written += _insert_scoped(cursor)
            _drop_stages(cursor)
        written += _insert_year_to_date(cursor, months)
    rollups_rebuilt.send(sender=CustomsRecord, periods=months, settle=settle)
    bump_version()
    return written


def _insert_year_to_date(cursor: object, months: Sequence[dt.date]) -> int:
    """累计 per enterprise for each month from the first rebuilt one of its year through
    December. The first month of each year's run sums the enterprise rollup from January;
    each later one adds its month to the month before (a GROUP BY of two small sets)."""
    first: dict[int, int] = {}
    for period in months:
        first[period.year] = min(first.get(period.year, 13), period.month)
    YearToDateRollup.objects.filter(
        period__in=[dt.date(y, m, 1) for y, start in first.items() for m in range(start, 13)]
    ).delete()
    key, rows = _q("key"), _q("rows")
    columns = f"INSERT INTO {_YTD} ({key}, period, flow, value_usd, value_cny, {rows}) "
    written = 0
    for year, start in sorted(first.items()):
        for month in range(start, 13):
            target = dt.date(year, month, 1)
            if month == start:  # Table names are ours; values travel as parameters.
                sql = (
                    f"{columns}SELECT {key}, %s, flow, SUM(value_usd), SUM(value_cny), "  # noqa: S608
                    f"SUM({rows}) FROM {_ROLLUPS} WHERE dimension = %s AND period >= %s "
                    f"AND period <= %s GROUP BY {key}, flow"
                )
                params = [target, str(Dimension.ENTERPRISE), dt.date(year, 1, 1), target]
            else:
                sql = (
                    f"{columns}SELECT {key}, %s, flow, SUM(value_usd), SUM(value_cny), "  # noqa: S608
                    f"SUM({rows}) FROM (SELECT {key}, flow, value_usd, value_cny, {rows} "
                    f"FROM {_YTD} WHERE period = %s UNION ALL SELECT {key}, flow, value_usd, "
                    f"value_cny, {rows} FROM {_ROLLUPS} WHERE dimension = %s AND period = %s) "
                    f"AS parts GROUP BY {key}, flow"
                )
                before = dt.date(year, month - 1, 1)
                params = [target, before, str(Dimension.ENTERPRISE), target]
            cursor.execute(sql, params)  # type: ignore[attr-defined]
            written += max(cursor.rowcount, 0)  # type: ignore[attr-defined]
    return written


def _insert_scoped(cursor: Any) -> int:
    """The pair rollups, and the liaison rollups of the enterprises that have a liaison,
    summed from the stages (whatever facts they were grouped from)."""
    written = 0
    for dimension in PLACE_DIMENSIONS:
        stage, key = _STAGED_KEYS[dimension]
        for table, liaison, only in (
            (_SCOPED, "", ""),
            (_LIAISON, "e.liaison_id, ", " WHERE e.liaison_id IS NOT NULL"),
        ):
            cursor.execute(
                f"INSERT INTO {table} ({liaison.replace('e.', '')}district_id, park_id, "  # noqa: S608
                f"{_SUM_COLUMNS}) "
                f"SELECT {liaison}COALESCE(e.district_id, 0), COALESCE(e.park_id, 0), %s, "
                f"COALESCE({key}, ''), s.period, s.flow, {_STAGE_SUMS} "
                f"FROM {stage} s JOIN {_FIRMS} e ON e.id = s.enterprise_id{only} "
                f"GROUP BY {liaison}e.district_id, e.park_id, {key}, s.period, s.flow",
                [str(dimension)],
            )
            written += max(cursor.rowcount, 0)
    return written


def _drop_stages(cursor: Any) -> None:
    for stage in _STAGES:
        cursor.execute(f"DROP TABLE {stage}")


def refresh_pairs(pairs: Iterable[tuple[int | None, int | None]]) -> int:
    """Rebuild the pair (and liaison) rollups of these (district, park) pairs over all
    periods: after an enterprise moves, its sums leave the old pair and join the new one;
    after its liaison changes, they move between officers within the pair."""
    clean = sorted({(d or 0, p or 0) for d, p in pairs})
    if not clean:
        return 0
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for district_id, park_id in clean:
            ScopeRollup.objects.filter(district_id=district_id, park_id=park_id).delete()
            LiaisonRollup.objects.filter(district_id=district_id, park_id=park_id).delete()
            for stage, keys in _STAGES.items():
                _stage(
                    cursor,
                    stage,
                    keys,
                    f"r.enterprise_id IN (SELECT id FROM {_FIRMS} "  # noqa: S608
                    "WHERE COALESCE(district_id, 0) = %s AND COALESCE(park_id, 0) = %s)",
                    [district_id, park_id],
                )
            written += _insert_scoped(cursor)
            _drop_stages(cursor)
    bump_version()
    return written
