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
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q

from kaifang.core.lib import request_memo
from kaifang.core.models import Partner, PartnerGroup
from kaifang.enterprises.models import Enterprise
from kaifang.trade.bulk import copy_rows
from kaifang.trade.dimensions import (
    BASE_STAGES,
    CODE_WIDTH,
    DERIVED,
    DIMENSIONS,
    FIELDS,
    PLACE_DIMENSIONS,
    STAGES,
    derived_fields,
)
from kaifang.trade.models import (
    STAGE_MODELS,
    CommodityRollup,
    CommodityYearToDateRollup,
    CustomsRecord,
    Dimension,
    EnterpriseGroupRollup,
    EnterprisePartnerYearToDateRollup,
    LiaisonCommodityRollup,
    LiaisonRollup,
    ModeProductRollup,
    PartnerModeProductRollup,
    PartnerModeRollup,
    PartnerProductRollup,
    PlaceCommodityRollup,
    PlaceCommodityYearToDateRollup,
    PlacePartnerChapterRollup,
    ScopeRollup,
    TradeRollup,
    YearToDateRollup,
)
from kaifang.trade.signals import rollups_rebuilt, version_bumped

_FACTS = CustomsRecord._meta.db_table
_FIRMS = Enterprise._meta.db_table
_q = connection.ops.quote_name
_ROLLUPS = TradeRollup._meta.db_table
_SCOPED = ScopeRollup._meta.db_table
_LIAISON = LiaisonRollup._meta.db_table
_YTD = YearToDateRollup._meta.db_table
_CROSS = PartnerProductRollup._meta.db_table
_TRIPLE = PartnerModeProductRollup._meta.db_table
_CODES = CommodityRollup._meta.db_table
_CODES_YTD = CommodityYearToDateRollup._meta.db_table
_PLACE_CODES = PlaceCommodityRollup._meta.db_table
_PLACE_CODES_YTD = PlaceCommodityYearToDateRollup._meta.db_table
_LIAISON_CODES = LiaisonCommodityRollup._meta.db_table
_PLACES = PlacePartnerChapterRollup._meta.db_table
_GROUP_STAGE = EnterpriseGroupRollup._meta.db_table
_PARTNER_YTD = EnterprisePartnerYearToDateRollup._meta.db_table
_GROUPS = PartnerGroup._meta.db_table
_MEMBERS = PartnerGroup.members.through._meta.db_table
_PARTNERS = Partner._meta.db_table
# the city-wide crosses summed from a stage's rows (no enterprise): table → (stage, columns)
_STAGE_CROSSES = {
    PartnerModeRollup._meta.db_table: ("partner_mode", ("partner", "mode")),
    ModeProductRollup._meta.db_table: ("product", ("heading", "mode")),
}
VERSION_KEY = "trade:rollup-version"
# PostgreSQL advisory lock key of the writers that delete and insert rollup rows across both
# months and keys (a rebuild of some months, a refresh of some pairs or groups over all
# months): "kfrollup" as a bigint.
_WRITERS_LOCK = 0x6B66726F6C6C7570


def _one_writer() -> None:
    """Wait, until this transaction ends, for any other transaction rewriting rollups. On
    PostgreSQL (READ COMMITTED) a refresh of a partner group and an import of a month deleted
    each other's rows before either committed, then both inserted the same keys: the second
    to commit failed on the unique key. SQLite runs one writer at a time already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_WRITERS_LOCK])


def rollup_version() -> int:
    """Bumped by every rebuild, so page caches keyed by it never outlive the figures. A new
    value is the clock, never a counter: Django's incr() re-sets a key with the default
    timeout (5 minutes), and a counter restarted at 1 would serve day-old entries again."""
    return request_memo.memo(VERSION_KEY, _read_version)


def _read_version() -> int:
    return int(cache.get_or_set(VERSION_KEY, time.time_ns, None) or time.time_ns())


def _bump() -> None:
    cache.set(VERSION_KEY, time.time_ns(), None)
    request_memo.forget(VERSION_KEY)


@dataclass
class _Commit:
    """The at-commit bumps of one transaction: the first to run bumps and tells, the rest of
    that commit find it done (a thousand saves in one action bump once at commit)."""

    done: bool = False


_COMMIT = "_kaifang_rollup_version_commit"
# The connection attribute holding the current commit's bump state: which commit a version
# move belongs to (trade.refill tells a rebuild's commit from an edit's).
COMMIT_ATTR = _COMMIT


def bump_version() -> None:
    """Mark every cached page stale. Now (a rolled-back rebuild only costs a cache miss) and
    again at commit (a page cached by a reader in between must not keep the old figures);
    after that last bump, `version_bumped` tells the refills, once per commit. Every bump of
    a transaction shares one `_Commit`: a rolled-back transaction's callbacks are dropped,
    and the next transaction's bumps join the still open one, whose first callback to run
    is then theirs."""
    _bump()
    conn = transaction.get_connection()
    commit: _Commit | None = getattr(conn, _COMMIT, None)
    if commit is None or commit.done:
        commit = _Commit()
        setattr(conn, _COMMIT, commit)
    transaction.on_commit(partial(_committed, commit))


def _committed(commit: _Commit) -> None:
    if commit.done:
        return
    commit.done = True
    _bump()
    version_bumped.send(sender=CustomsRecord)


# The stages and the dimensions summed from them are defined in trade/dimensions.py, which the
# streaming import's child reads too. Here they become SQL: a stage is a table of the facts
# grouped by (enterprise, month, flow) and its fields (trade.models.STAGE_MODELS, one column
# per field, named as the field), kept for the pages that read one enterprise's figures.


def _cut(expression: str, width: int | None) -> str:
    return expression if width is None else f"SUBSTR({expression}, 1, {int(width)})"


_STAGE_TABLES = {stage: STAGE_MODELS[stage]._meta.db_table for stage in STAGES}
# stage → (its columns, the expressions over a customs record `r` that fill them)
_STAGES = {
    stage: (
        tuple(_q(name) for name in fields),
        tuple(_cut(f"r.{FIELDS[name].column}", FIELDS[name].width) for name in fields),
    )
    for stage, fields in STAGES.items()
}
# dimension → (stage table, key expression over the stage's columns `s.…`)
_STAGED_KEYS = {
    d.name: (
        _STAGE_TABLES[d.stage],
        "CAST(s.enterprise_id AS VARCHAR(20))"
        if d.position is None
        else _cut(f"s.{_q(d.source)}", d.width),
    )
    for d in DIMENSIONS
}
# derived stage → the expressions over its source stage's columns `s.…` that give its fields
_DERIVED_KEYS = {
    stage: tuple(
        _cut(f"s.{_q(STAGES[source][position])}", width)
        for position, width in derived_fields(stage)
    )
    for stage, source in DERIVED.items()
}
_STAGE_SUMS = f"SUM(s.value_usd), SUM(s.value_cny), SUM(s.{_q('rows')})"
_VALUES = f"value_usd, value_cny, {_q('rows')}"


# Rollup rows computed by the caller, in the tables' column order (see _GIVEN_COLUMNS), then
# the stages' rows, one list per stage in STAGES order: (enterprise id, period, flow, the
# stage's fields…, value_usd, value_cny, rows), then the pair × partner × chapter rollup's
# (in _PLACE_COLUMNS' order), the partner × heading × mode rollup's (_TRIPLE_COLUMNS), the
# pair × code rollup's (_PLACE_CODE_COLUMNS) and the liaison officer × code rollup's
# (_LIAISON_CODE_COLUMNS).
Rows = Sequence[Sequence[Any]]
Given = tuple[Rows, Rows, Rows, Sequence[Rows], Rows, Rows, Rows, Rows]
_SUM_COLUMNS = f"dimension, {_q('key')}, period, flow, value_usd, value_cny, {_q('rows')}"
_GIVEN_COLUMNS = (
    (_ROLLUPS, _SUM_COLUMNS),
    (_SCOPED, f"district_id, park_id, {_SUM_COLUMNS}"),
    (_LIAISON, f"liaison_id, district_id, park_id, {_SUM_COLUMNS}"),
)


def _stage(cursor: Any, stage: str, where: str, params: Sequence[object]) -> None:
    """Group the facts matching `where` into the stage's table (the only read of the facts
    a rebuild makes; the caller has deleted the rows it replaces)."""
    columns, keys = _STAGES[stage]
    cursor.execute(
        f"INSERT INTO {_STAGE_TABLES[stage]} (enterprise_id, period, flow, "  # noqa: S608
        f"{', '.join(columns)}, {_VALUES}) "
        f"SELECT r.enterprise_id, r.period, r.flow, {', '.join(keys)}, "
        f"SUM(COALESCE(r.value_usd, 0)), SUM(COALESCE(r.value_cny, 0)), COUNT(*) "
        f"FROM {_FACTS} r WHERE {where} "
        f"GROUP BY r.enterprise_id, r.period, r.flow, {', '.join(keys)}",
        params,
    )


def _sum_stage(
    cursor: Any,
    table: str,
    source: str,
    fields: Sequence[str],
    where: str,
    params: Sequence[object],
    *,
    per_firm: bool,
    sources: Sequence[str] | None = None,
) -> int:
    """Sum the rows of the table `source` matching `where` (written before) into `table`,
    grouped by the firm if `per_firm`, the month, the flow and `fields`: a derived stage
    (dimensions.DERIVED), a city-wide cross (`_STAGE_CROSSES`, and the partner × heading cross
    from the partner × heading × mode one), without reading the facts. `sources`: the
    expressions over the source's columns `s.…` that give `fields` (default: the same names)."""
    firm = ["enterprise_id"] if per_firm else []
    columns = ", ".join([*firm, "period", "flow", *(_q(name) for name in fields)])
    given = [f"s.{_q(name)}" for name in fields] if sources is None else list(sources)
    keys = ", ".join([*(f"s.{column}" for column in [*firm, "period", "flow"]), *given])
    cursor.execute(
        f"INSERT INTO {table} ({columns}, {_VALUES}) "  # noqa: S608
        f"SELECT {keys}, {_STAGE_SUMS} FROM {source} s WHERE {where} "
        f"GROUP BY {keys}",
        params,
    )
    return int(max(cursor.rowcount, 0))


@transaction.atomic(savepoint=False)  # inside an import's: no sub-journal (decision 0005)
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
    _one_writer()
    TradeRollup.objects.filter(period__in=months).delete()
    ScopeRollup.objects.filter(period__in=months).delete()
    LiaisonRollup.objects.filter(period__in=months).delete()
    PartnerProductRollup.objects.filter(period__in=months).delete()
    PartnerModeProductRollup.objects.filter(period__in=months).delete()
    CommodityRollup.objects.filter(period__in=months).delete()
    PlaceCommodityRollup.objects.filter(period__in=months).delete()
    LiaisonCommodityRollup.objects.filter(period__in=months).delete()
    PlacePartnerChapterRollup.objects.filter(period__in=months).delete()
    PartnerModeRollup.objects.filter(period__in=months).delete()
    ModeProductRollup.objects.filter(period__in=months).delete()
    # A rebuild of every month the stages hold (the command, the demo) empties them whole: a
    # DELETE without WHERE is a truncation on SQLite, and the sums then scan the stages
    # instead of seeking each row through the period index.
    whole = not any(_holds_other_months(model, months) for model in STAGE_MODELS.values())
    for model in STAGE_MODELS.values():
        (model.objects.all() if whole else model.objects.filter(period__in=months)).delete()
    placeholders = ", ".join(["%s"] * len(months))
    written = 0
    # Table names and key expressions are ours (above); values travel as parameters.
    with connection.cursor() as cursor:
        if given is not None:
            *sums, stages, places, triple, codes, officer_codes = given
            for (table, columns), rows in zip(_GIVEN_COLUMNS, sums, strict=True):
                _write_given(cursor, table, columns, rows)
                written += len(rows)
            for stage, rows in zip(STAGES, stages, strict=True):
                columns = f"enterprise_id, period, flow, {', '.join(_STAGES[stage][0])}, {_VALUES}"
                _write_given(cursor, _STAGE_TABLES[stage], columns, rows)
            for table, columns, rows in (
                (_PLACES, _PLACE_COLUMNS, places),
                (_TRIPLE, _TRIPLE_COLUMNS, triple),
                (_PLACE_CODES, _PLACE_CODE_COLUMNS, codes),
                (_LIAISON_CODES, _LIAISON_CODE_COLUMNS, officer_codes),
            ):
                _write_given(cursor, table, columns, rows)
                written += len(rows)
        else:
            for stage in BASE_STAGES:
                _stage(cursor, stage, f"r.period IN ({placeholders})", months)
            for stage, source in DERIVED.items():
                _sum_stage(
                    cursor,
                    _STAGE_TABLES[stage],
                    _STAGE_TABLES[source],
                    STAGES[stage],
                    f"s.period IN ({placeholders})",
                    months,
                    per_firm=True,
                    sources=_DERIVED_KEYS[stage],
                )
            these, params = ("1 = 1", []) if whole else (f"s.period IN ({placeholders})", months)
            for dimension, (stage, key) in _STAGED_KEYS.items():
                cursor.execute(
                    f"INSERT INTO {_ROLLUPS} ({_SUM_COLUMNS}) "  # noqa: S608
                    f"SELECT %s, COALESCE({key}, ''), s.period, s.flow, {_STAGE_SUMS} "
                    f"FROM {stage} s WHERE {these} GROUP BY {key}, s.period, s.flow",
                    [str(dimension), *params],
                )
                written += max(cursor.rowcount, 0)
            written += _insert_scoped(cursor, these, params)
            in_months = f"r.period IN ({placeholders})"
            written += _insert_places(cursor, in_months, months)
            written += _insert_triple(cursor, months)
            written += _insert_place_codes(cursor, in_months, months)
            written += _insert_liaison_codes(cursor, in_months, months)
        group_stage(cursor, f"s.period IN ({placeholders})", months)
        written += _insert_year_to_date(cursor, months, _YTD, whole=whole)
        written += _insert_year_to_date(cursor, months, _PARTNER_YTD, whole=whole)
        written += _sum_stage(
            cursor,
            _CROSS,
            _TRIPLE,
            ("partner", "heading"),
            f"s.period IN ({placeholders})",
            months,
            per_firm=False,
        )
        written += _insert_codes(cursor, f"period IN ({placeholders})", months)
        written += _insert_year_to_date(cursor, months, _CODES_YTD, whole=whole)
        written += _insert_year_to_date(cursor, months, _PLACE_CODES_YTD, whole=whole)
        for table, (stage, fields) in _STAGE_CROSSES.items():
            where = f"s.period IN ({placeholders})"
            source = _STAGE_TABLES[stage]
            written += _sum_stage(cursor, table, source, fields, where, months, per_firm=False)
    rollups_rebuilt.send(sender=CustomsRecord, periods=months, settle=settle)
    bump_version()
    return written


# The partner × heading × trade mode cross, from the facts: no stage holds a partner and a
# heading (trade.models PartnerModeProductRollup); the partner × heading cross is summed from
# it. Its expressions are the stages' (a partner as it is, a heading cut, a mode as it is).
_CROSS_KEYS = tuple(
    _cut(f"r.{FIELDS[name].column}", FIELDS[name].width) for name in ("partner", "heading", "mode")
)


_TRIPLE_COLUMNS = f"period, flow, partner, heading, {_q('mode')}, {_VALUES}"


def _insert_triple(cursor: Any, months: Sequence[dt.date]) -> int:
    """Group the facts of `months` into the city-wide partner × heading × trade mode rollup (a
    second read of the rebuilt months' facts; an import into new months is handed these rows
    by its parsing child instead). The partner × heading rollup is summed from it."""
    keys = ", ".join(_CROSS_KEYS)
    placeholders = ", ".join(["%s"] * len(months))
    cursor.execute(
        f"INSERT INTO {_TRIPLE} ({_TRIPLE_COLUMNS}) "  # noqa: S608
        f"SELECT r.period, r.flow, {keys}, SUM(COALESCE(r.value_usd, 0)), "
        f"SUM(COALESCE(r.value_cny, 0)), COUNT(*) FROM {_FACTS} r "
        f"WHERE r.period IN ({placeholders}) GROUP BY r.period, r.flow, {keys}",
        months,
    )
    return int(max(cursor.rowcount, 0))


def _insert_codes(cursor: Any, where: str, params: Sequence[object]) -> int:
    """Sum the pair × code rows matching `where` into the city-wide commodity code rollup:
    each record is in one pair, so the pairs' rows sum to the city's (33,000 rows a month at
    5.6 M records where the facts are 156,000; the import read the facts once more for it
    before decision 0050)."""
    cursor.execute(
        f"INSERT INTO {_CODES} (period, flow, code, {_VALUES}) "  # noqa: S608
        f"SELECT period, flow, code, SUM(value_usd), SUM(value_cny), SUM({_q('rows')}) "
        f"FROM {_PLACE_CODES} WHERE {where} GROUP BY period, flow, code",
        params,
    )
    return int(max(cursor.rowcount, 0))


# The pair × partner × chapter × mode rollup's keys over a customs record `r` and its
# enterprise `e` (trade.models PlacePartnerChapterRollup): as the pair rollups place a firm, as
# the stages cut a chapter and keep a mode.
_PLACE_KEYS = (
    "COALESCE(e.district_id, 0)",
    "COALESCE(e.park_id, 0)",
    "r.period",
    "r.flow",
    f"r.{FIELDS['partner'].column}",
    _cut(f"r.{FIELDS['chapter'].column}", FIELDS["chapter"].width),
    _cut(f"r.{FIELDS['mode'].column}", FIELDS["mode"].width),
)


_PLACE_COLUMNS = f"district_id, park_id, period, flow, partner, chapter, {_q('mode')}, {_VALUES}"
# the pair × code rollup's: the pair's, then the code as CommodityRollup cuts it
_PLACE_CODE_KEYS = (*_PLACE_KEYS[:4], _cut(f"r.{FIELDS['heading'].column}", CODE_WIDTH))
_PLACE_CODE_COLUMNS = f"district_id, park_id, period, flow, code, {_VALUES}"


def _insert_place_codes(cursor: Any, where: str, params: Sequence[object]) -> int:
    """Group the facts matching `where` (over the records `r` and their enterprise `e`) into
    the pair × commodity code rollup (decision 0050), as `_insert_places` groups them. An
    import into new months is handed these rows by its parsing child instead."""
    keys = ", ".join(_PLACE_CODE_KEYS)
    cursor.execute(
        f"INSERT INTO {_PLACE_CODES} ({_PLACE_CODE_COLUMNS}) "  # noqa: S608
        f"SELECT {keys}, SUM(COALESCE(r.value_usd, 0)), "
        f"SUM(COALESCE(r.value_cny, 0)), COUNT(*) FROM {_FACTS} r "
        f"JOIN {_FIRMS} e ON e.id = r.enterprise_id WHERE {where} GROUP BY {keys}",
        params,
    )
    return int(max(cursor.rowcount, 0))


# the liaison officer × code rollup's: the officer, then the pair × code rollup's keys
_LIAISON_CODE_KEYS = ("e.liaison_id", *_PLACE_CODE_KEYS)
_LIAISON_CODE_COLUMNS = f"liaison_id, {_PLACE_CODE_COLUMNS}"


def _insert_liaison_codes(cursor: Any, where: str, params: Sequence[object]) -> int:
    """Group the records matching `where` of the enterprises that have a liaison officer into
    the officer × pair × code rollup (decision 0061), as `_insert_place_codes` groups every
    firm's. An import into new months is handed these rows by its parsing child instead."""
    keys = ", ".join(_LIAISON_CODE_KEYS)
    cursor.execute(
        f"INSERT INTO {_LIAISON_CODES} ({_LIAISON_CODE_COLUMNS}) "  # noqa: S608
        f"SELECT {keys}, SUM(COALESCE(r.value_usd, 0)), "
        f"SUM(COALESCE(r.value_cny, 0)), COUNT(*) FROM {_FACTS} r "
        f"JOIN {_FIRMS} e ON e.id = r.enterprise_id "
        f"WHERE e.liaison_id IS NOT NULL AND {where} GROUP BY {keys}",
        params,
    )
    return int(max(cursor.rowcount, 0))


def _insert_places(cursor: Any, where: str, params: Sequence[object]) -> int:
    """Group the facts matching `where` (over the records `r` and their enterprise `e`) into
    the pair × partner × chapter rollup (a month of 158 k records at 5.6 M: about 0.25 s on
    SQLite). An import into new months is handed these rows by its parsing child instead."""
    keys = ", ".join(_PLACE_KEYS)
    cursor.execute(
        f"INSERT INTO {_PLACES} ({_PLACE_COLUMNS}) "  # noqa: S608
        f"SELECT {keys}, SUM(COALESCE(r.value_usd, 0)), "
        f"SUM(COALESCE(r.value_cny, 0)), COUNT(*) FROM {_FACTS} r "
        f"JOIN {_FIRMS} e ON e.id = r.enterprise_id WHERE {where} GROUP BY {keys}",
        params,
    )
    return int(max(cursor.rowcount, 0))


def _write_given(cursor: Any, table: str, columns: str, rows: Rows) -> None:
    """Rows summed by the caller into a rollup table: COPY on PostgreSQL (a province's month
    gives some 300,000 stage rows; an INSERT per row cost the server a statement each),
    executemany on SQLite (prepared once, a tight loop)."""
    if connection.vendor == "postgresql":
        copy_rows(table, columns, rows)
        return
    count = columns.count(",") + 1
    cursor.executemany(
        f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * count)})",  # noqa: S608
        rows,
    )


def _holds_other_months(model: type[Any], months: Sequence[dt.date]) -> bool:
    """Whether the stage table has rows outside `months` (seeks in its period index)."""
    first, last = months[0], months[-1]
    gaps, month = [], first
    while month < last:
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        gaps.append(month)
    gaps = sorted(set(gaps) - set(months))
    rows = model.objects.filter(Q(period__lt=first) | Q(period__gt=last) | Q(period__in=gaps))
    return bool(rows.exists())


# 累计 tables: table → (model, its key columns, the monthly rollup summed, that rollup's rows)
_YEAR_TO_DATE: dict[str, tuple[type[Any], str, str, str]] = {
    _YTD: (YearToDateRollup, _q("key"), _ROLLUPS, f"dimension = '{Dimension.ENTERPRISE.value}'"),
    _CODES_YTD: (CommodityYearToDateRollup, "code", _CODES, "1 = 1"),
    _PARTNER_YTD: (
        EnterprisePartnerYearToDateRollup,
        "enterprise_id, partner",
        _STAGE_TABLES["partner"],
        "1 = 1",
    ),
    _PLACE_CODES_YTD: (
        PlaceCommodityYearToDateRollup,
        "district_id, park_id, code",
        _PLACE_CODES,
        "1 = 1",
    ),
}


def _insert_year_to_date(
    cursor: object,
    months: Sequence[dt.date],
    table: str,
    *,
    pair: tuple[int, int] | None = None,
    whole: bool = False,
) -> int:
    """累计 per key of a monthly rollup (`_YEAR_TO_DATE`: the enterprise rollup's firms, the
    partner stage's firm × partner, the commodity code rollups' codes, the city's and each
    pair's) for each month from the first rebuilt one of its year through December. Each
    month adds its month to the 累计 of the month before (a GROUP BY of two small sets): that
    one was not rebuilt, so it holds, since every rebuild writes the 累计 from its first month
    through December. January, and the first month of a pair's run or of a rebuild of every
    month (`whole`: the command, which repairs), sum the monthly rollup from January. A
    December import read twelve months of each pair's codes that way (400,000 rows,
    0.4–0.65 s at 5.6 M records; session 51). `pair`: that (district, park) pair's rows alone
    (the caller has deleted them all: `refresh_places`)."""
    model, key, source, only = _YEAR_TO_DATE[table]
    first: dict[int, int] = {}
    for period in months:
        first[period.year] = min(first.get(period.year, 13), period.month)
    extra: list[object] = []
    mine = "1 = 1"  # the rows of the 累计 table itself summed again
    if pair is None:
        model.objects.filter(
            period__in=[dt.date(y, m, 1) for y, start in first.items() for m in range(start, 13)]
        ).delete()
    else:
        mine, extra = "district_id = %s AND park_id = %s", list(pair)
        only = f"{only} AND {mine}"
    rows = _q("rows")
    columns = f"INSERT INTO {table} ({key}, period, flow, value_usd, value_cny, {rows}) "
    written = 0
    for year, start in sorted(first.items()):
        for month in range(start, 13):
            target = dt.date(year, month, 1)
            if month == 1 or (month == start and (whole or pair is not None)):  # ours
                sql = (
                    f"{columns}SELECT {key}, %s, flow, SUM(value_usd), SUM(value_cny), "  # noqa: S608
                    f"SUM({rows}) FROM {source} WHERE {only} AND period >= %s "
                    f"AND period <= %s GROUP BY {key}, flow"
                )
                params = [target, *extra, dt.date(year, 1, 1), target]
            else:
                sql = (
                    f"{columns}SELECT {key}, %s, flow, SUM(value_usd), SUM(value_cny), "  # noqa: S608
                    f"SUM({rows}) FROM (SELECT {key}, flow, value_usd, value_cny, {rows} "
                    f"FROM {table} WHERE {mine} AND period = %s UNION ALL SELECT {key}, flow, "
                    f"value_usd, value_cny, {rows} FROM {source} WHERE {only} AND period = %s) "
                    f"AS parts GROUP BY {key}, flow"
                )
                params = [target, *extra, dt.date(year, month - 1, 1), *extra, target]
            cursor.execute(sql, params)  # type: ignore[attr-defined]
            written += max(cursor.rowcount, 0)  # type: ignore[attr-defined]
    return written


def _insert_scoped(cursor: Any, where: str, params: Sequence[object]) -> int:
    """The pair rollups, and the liaison rollups of the enterprises that have a liaison,
    summed from the stage rows matching `where` (over the stage `s` and its enterprise `e`)."""
    written = 0
    for dimension in PLACE_DIMENSIONS:
        stage, key = _STAGED_KEYS[dimension]
        for table, liaison, only in (
            (_SCOPED, "", ""),
            (_LIAISON, "e.liaison_id, ", "e.liaison_id IS NOT NULL AND "),
        ):
            cursor.execute(
                f"INSERT INTO {table} ({liaison.replace('e.', '')}district_id, park_id, "  # noqa: S608
                f"{_SUM_COLUMNS}) "
                f"SELECT {liaison}COALESCE(e.district_id, 0), COALESCE(e.park_id, 0), %s, "
                f"COALESCE({key}, ''), s.period, s.flow, {_STAGE_SUMS} "
                f"FROM {stage} s JOIN {_FIRMS} e ON e.id = s.enterprise_id WHERE {only}{where} "
                f"GROUP BY {liaison}e.district_id, e.park_id, {key}, s.period, s.flow",
                [str(dimension), *params],
            )
            written += max(cursor.rowcount, 0)
    return written


# the firms of one (district, park) pair, 0 standing for none: `… enterprise_id {_IN_PAIR}`
_IN_PAIR = (
    f"IN (SELECT id FROM {_FIRMS} "  # noqa: S608
    "WHERE COALESCE(district_id, 0) = %s AND COALESCE(park_id, 0) = %s)"
)


def _pairs(pairs: Iterable[tuple[int | None, int | None]]) -> list[tuple[int, int]]:
    return sorted({(d or 0, p or 0) for d, p in pairs})


def refresh_pairs(
    pairs: Iterable[tuple[int | None, int | None]],
    *,
    officers: Mapping[tuple[int | None, int | None], Collection[int]] | None = None,
) -> int:
    """Rebuild the pair (and liaison) rollups of these (district, park) pairs over all
    periods: after an enterprise moves, its sums leave the old pair and join the new one;
    after its liaison changes, they move between officers within the pair. The officers'
    codes are grouped again from the records of the pair's firms that have one (no stage
    holds a code); `officers`: for a pair named there, only those officers' (a firm's old
    and new one): the largest pair's officers hold 283,527 records at 5.6 M (0.9 s)."""
    clean = _pairs(pairs)
    if not clean:
        return 0
    only = {(d or 0, p or 0): sorted(ids) for (d, p), ids in (officers or {}).items()}
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        _one_writer()
        for district_id, park_id in clean:
            ScopeRollup.objects.filter(district_id=district_id, park_id=park_id).delete()
            LiaisonRollup.objects.filter(district_id=district_id, park_id=park_id).delete()
            written += _insert_scoped(cursor, f"s.enterprise_id {_IN_PAIR}", [district_id, park_id])
            codes = LiaisonCommodityRollup.objects.filter(district_id=district_id, park_id=park_id)
            where, params = f"r.enterprise_id {_IN_PAIR}", [district_id, park_id]
            named = only.get((district_id, park_id))
            if named is not None:
                codes = codes.filter(liaison_id__in=named)
                where += f" AND e.liaison_id IN ({', '.join(['%s'] * len(named))})"
                params += named
            codes.delete()
            if named != []:
                written += _insert_liaison_codes(cursor, where, params)
    bump_version()
    return written


def refresh_places(pairs: Iterable[tuple[int | None, int | None]]) -> int:
    """Group again, over all periods, the pair × partner × chapter and pair × code rows (and
    the latter's 累计) of these (district, park) pairs from their firms' records: after a firm
    moved between them (its records, not a stage, hold its partners by chapter and its
    codes). Not after a liaison change, which moves nothing
    between pairs. One large pair at 5.6 M records: about 0.75 s on SQLite (session 45)."""
    clean = _pairs(pairs)
    if not clean:
        return 0
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        _one_writer()
        for district_id, park_id in clean:
            pair = {"district_id": district_id, "park_id": park_id}
            PlacePartnerChapterRollup.objects.filter(**pair).delete()
            PlaceCommodityRollup.objects.filter(**pair).delete()
            PlaceCommodityYearToDateRollup.objects.filter(**pair).delete()
            in_pair = f"r.enterprise_id {_IN_PAIR}"
            written += _insert_places(cursor, in_pair, [district_id, park_id])
            written += _insert_place_codes(cursor, in_pair, [district_id, park_id])
            months = PlaceCommodityRollup.objects.filter(**pair).values_list("period", flat=True)
            written += _insert_year_to_date(
                cursor, sorted(set(months)), _PLACE_CODES_YTD, pair=(district_id, park_id)
            )
    bump_version()
    return written


def group_stage(cursor: Any, where: str, params: Sequence[object]) -> int:
    """Sum the partner stage rows matching `where` (over the stage `s` and the group `g`) into
    the partner group stage: a firm's month with each group, through the groups' members (a
    partner counts in each of its groups). The caller has deleted the rows it replaces."""
    partners = _STAGE_TABLES["partner"]
    cursor.execute(
        f"INSERT INTO {_GROUP_STAGE} (enterprise_id, period, flow, partner_group, "  # noqa: S608
        f"{_VALUES}) SELECT s.enterprise_id, s.period, s.flow, g.code, {_STAGE_SUMS} "
        f"FROM {partners} s JOIN {_PARTNERS} p ON p.code = s.partner "
        f"JOIN {_MEMBERS} m ON m.partner_id = p.id JOIN {_GROUPS} g ON g.id = m.partnergroup_id "
        f"WHERE {where} GROUP BY s.enterprise_id, s.period, s.flow, g.code",
        params,
    )
    return int(max(cursor.rowcount, 0))


def refresh_groups(codes: Iterable[str]) -> int:
    """Sum again, over all periods, the group stage rows of these partner groups (codes, old
    and new): after their members, or a code, changed. In the caller's transaction, so the
    pages never read a group's new members with its old sums (one group at 5.6 M records:
    1.2–1.6 s on SQLite, session 44). Where rows went or came, bumps the rollup
    version: every cached figure within or by those groups is stale (a group without trade
    changes no figure)."""
    chosen = sorted(set(codes))
    if not chosen:
        return 0
    placeholders = ", ".join(["%s"] * len(chosen))
    with transaction.atomic(), connection.cursor() as cursor:
        _one_writer()
        deleted, _ = EnterpriseGroupRollup.objects.filter(partner_group__in=chosen).delete()
        written = group_stage(cursor, f"g.code IN ({placeholders})", chosen)
        if deleted or written:
            bump_version()
    return written
