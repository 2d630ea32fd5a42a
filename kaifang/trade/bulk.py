"""Bulk writes of customs records below the ORM: executemany on SQLite, COPY on PostgreSQL.

At a million rows the ORM's per-object work (model instances, field conversion, RETURNING)
costs more than the database itself. Rows here are plain tuples in `COLUMNS` order whose
values the database takes as they are: the period as 'YYYY-MM-DD', amounts as decimal strings
(full precision), None for NULL. Callers run these inside their own transaction.

SQL here is built from the model's own table and column names, never from input (hence the
S608 ignores); values always travel as parameters or through COPY.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any

from django.db import IntegrityError, connection, transaction

from kaifang.trade.models import CustomsRecord

TABLE = CustomsRecord._meta.db_table
COLUMNS = (
    "enterprise_id",
    "period",
    "flow",
    "hs_code",
    "partner_code",
    "trade_mode",
    "qty1",
    "unit1",
    "qty2",
    "unit2",
    "value_usd",
    "value_cny",
    "source",
    "batch_id",
)
KEY_COLUMNS = COLUMNS[:6]
VALUE_COLUMNS = COLUMNS[6:]

Row = Sequence[object]


def _chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _copy_escape(value: object) -> str:
    if value is None:
        return "\\N"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def copy_rows(table: str, columns: str, rows: Iterable[Row], chunk: int = 50_000) -> int:
    """PostgreSQL: COPY rows (tuples in the order of `columns`, a comma-separated list of
    quoted names) into `table`, in text format, written in large blocks."""
    written = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for block in _chunks(rows, chunk):
                copy.write(
                    "".join("\t".join(map(_copy_escape, row)) + "\n" for row in block).encode()
                )
                written += len(block)
    return written


def _copy(table: str, rows: Iterable[Row], chunk: int) -> int:
    """COPY customs records into `table`."""
    return copy_rows(table, ", ".join(COLUMNS), rows, chunk)


# SQLite's default page cache (2 MB) is far smaller than the indexes a million-row write
# touches; inside one long WAL transaction every evicted page is written out and read back.
SQLITE_BULK_CACHE_KIB = 256 * 1024


# The staging table of _staged_write lives in SQLite's temporary database, whose own cache
# (2 MB by default) should hold a whole chunk.
SQLITE_STAGE_CACHE_KIB = 64 * 1024
STAGE = "kf_customs_stage"


@contextmanager
def bulk_cache() -> Iterator[None]:
    """SQLite: the bulk page cache for a write, restored after it; an import sets it once,
    outside its transaction (stream.py), and the writes inside keep it (a nested use restores
    the outer one's size). PostgreSQL: nothing."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA main.cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute("PRAGMA temp.cache_size")
        (previous_temp,) = cursor.fetchone()
        cursor.execute(f"PRAGMA main.cache_size = -{SQLITE_BULK_CACHE_KIB}")
        cursor.execute(f"PRAGMA temp.cache_size = -{SQLITE_STAGE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA main.cache_size = {int(previous)}")
            cursor.execute(f"PRAGMA temp.cache_size = {int(previous_temp)}")


def _executemany(sql: str, rows: Iterable[Row], chunk: int) -> int:
    written = 0
    connection.ensure_connection()
    raw = connection.connection
    if raw is None:  # pragma: no cover - ensure_connection() has just opened it
        raise RuntimeError("no database connection")
    with bulk_cache():
        for block in _chunks(rows, chunk):
            raw.executemany(sql, block)
            written += len(block)
    return written


def _staged_write(rows: Sequence[Row], *, replace: bool) -> int:
    """SQLite: the rows into a temporary table without indexes, then one INSERT … SELECT into
    the records. Python's executemany straight into the indexed table cost a third more: the
    index work, interleaved with binding each row in Python, runs with cold CPU caches; one
    INSERT … SELECT does it in one tight loop (about 7.8 against 10.7 s of CPU per million
    rows, docs/performance.md). That was measured inside savepoints, which the upsert and
    the optimistic insert still use; a new month's rows (``upsert_rows(new_keys=True)``) go
    in by executemany outside any savepoint, where the one multi-row statement's own journal
    made this way no faster (session 33)."""
    connection.ensure_connection()
    raw = connection.connection
    if raw is None:  # pragma: no cover - ensure_connection() has just opened it
        raise RuntimeError("no database connection")
    columns = ", ".join(COLUMNS)
    conflict = ""
    if replace:
        updates = ", ".join(f"{c} = excluded.{c}" for c in VALUE_COLUMNS)
        conflict = f" ON CONFLICT ({', '.join(KEY_COLUMNS)}) DO UPDATE SET {updates}"
    with bulk_cache():
        raw.execute(f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} ({columns})")
        raw.execute(f"DELETE FROM {STAGE}")
        raw.executemany(
            f"INSERT INTO {STAGE} ({columns}) VALUES ({', '.join('?' * len(COLUMNS))})", rows
        )
        # "WHERE true": SQLite's grammar needs it between a SELECT and ON CONFLICT.
        raw.execute(
            f"INSERT INTO {TABLE} ({columns}) SELECT {columns} FROM {STAGE} WHERE true{conflict}"
        )
        raw.execute(f"DELETE FROM {STAGE}")
    return len(rows)


def insert_rows(rows: Iterable[Row], *, chunk: int = 50_000) -> int:
    """Plain INSERT of new rows (a key that already exists is an error); returns rows written."""
    if connection.vendor == "postgresql":
        return _copy(TABLE, rows, chunk)
    sql = f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    return _executemany(sql, rows, chunk)


def _pg_upsert(rows: Sequence[Row]) -> int:
    """COPY into a temporary table, then one INSERT … ON CONFLICT DO UPDATE from it."""
    keys = ", ".join(KEY_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in VALUE_COLUMNS)
    columns = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE customs_upsert (LIKE {TABLE} INCLUDING DEFAULTS) "
            "ON COMMIT DROP"
        )
        cursor.execute("ALTER TABLE customs_upsert DROP COLUMN id")
        written = _copy("customs_upsert", rows, 50_000)
        cursor.execute(
            f"INSERT INTO {TABLE} ({columns}) SELECT {columns} FROM customs_upsert "
            f"ON CONFLICT ({keys}) DO UPDATE SET {updates}"
        )
        cursor.execute("DROP TABLE customs_upsert")
    return written


def upsert_rows(rows: Sequence[Row], *, chunk: int = 50_000, new_keys: bool = False) -> int:
    """INSERT, replacing the values of a key that already exists (never adding to them).

    Optimistic: each chunk first goes in as a plain INSERT (COPY) inside a savepoint, the
    fastest path where a key may exist (on PostgreSQL, every month). Only a chunk that meets
    an existing key is rolled back to its savepoint and written again as an upsert, which
    costs SQLite about half again as much per new row (an extra index probe before each
    insert).

    ``new_keys``: the caller knows none of the keys exists (their months held no records when
    its transaction first read them, and the rows' keys are distinct). SQLite then writes them
    with single-row INSERTs and no savepoint: inside a savepoint, or a statement that writes
    many rows and may fail, SQLite copies every page it changes to a sub-journal first: a
    month's import wrote for 11.7–12.8 s with its savepoints, 8.2–8.6 s without
    (docs/performance.md, session 33).
    PostgreSQL keeps its savepoint, which costs it little."""
    postgres = connection.vendor == "postgresql"
    if new_keys and not postgres:
        return insert_rows(rows, chunk=chunk)
    # The raw DB-API cursors raise the driver's own IntegrityError, not Django's.
    conflict = (IntegrityError, connection.Database.IntegrityError)  # type: ignore[attr-defined]
    written = 0
    for start in range(0, len(rows), chunk):
        block = rows[start : start + chunk]
        try:
            with transaction.atomic():
                if postgres:
                    _copy(TABLE, block, chunk)
                else:
                    _staged_write(block, replace=False)
        except conflict:
            if postgres:
                _pg_upsert(block)
            else:
                _staged_write(block, replace=True)
        written += len(block)
    return written


def _day(value: object) -> object:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def add_to_rows(rows: Sequence[Row]) -> int:
    """Add amounts to records this transaction has just written (a key met again further down
    a file). Row: the six key columns, then qty1, qty2, value_usd, value_cny (decimal strings
    or None: None adds nothing), then unit1, unit2 (kept when the record has one)."""
    if not rows:
        return 0

    def plus(column: str) -> str:
        # NULL + x is NULL: COALESCE then falls back to whichever side is not NULL.
        return f"{column} = COALESCE({column} + CAST(%s AS NUMERIC), {column}, CAST(%s AS NUMERIC))"

    sets = ", ".join(plus(c) for c in ("qty1", "qty2", "value_usd", "value_cny"))
    units = ", ".join(f"{c} = CASE WHEN {c} = '' THEN %s ELSE {c} END" for c in ("unit1", "unit2"))
    where = " AND ".join(f"{c} = %s" for c in KEY_COLUMNS)
    sql = f"UPDATE {TABLE} SET {sets}, {units} WHERE {where}"
    params: list[Any] = [
        # the period as a date: PostgreSQL will not compare a text parameter with a date
        (r[6], r[6], r[7], r[7], r[8], r[8], r[9], r[9], r[10], r[11], r[0], _day(r[1]), *r[2:6])
        for r in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(rows)
