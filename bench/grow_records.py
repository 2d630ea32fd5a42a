"""Double the customs records the way issue 17 measured growth: every record again under
another trade mode (its code prefixed with X, which no real code has, so no key collides),
then `rebuild-rollups`. `--times N` makes N times the records: every record again under N - 1
prefixes (X, Y, Z, W, V, U, T, S, R, Q, …; `--times 9` turns the large city's 5.6 M records
into a province's 50.7 M, docs/performance.md "A province").

Usage (on a COPY of the large city; it writes):
    cp var/bench/large.sqlite3 var/bench/large2x.sqlite3
    export DATABASE_URL=sqlite:///$PWD/var/bench/large2x.sqlite3
    python bench/grow_records.py && python bench/bench_analysis.py 3 --pages-only
PostgreSQL: inside `bench/with-postgres`, after `demo-data --size large` (see
docs/performance.md; `bench/province` runs the whole 50 M sequence). On PostgreSQL the
secondary indexes and the unique key are dropped for the copy and built again after it (with
maintenance_work_mem raised), the foreign keys are not checked row by row when the role may
skip them (the copied rows reference what their originals do), and the table is vacuumed and
analysed after the copy, the whole database after `rebuild-rollups`. Prints the rows before and
after and the time of each step. Then run bench_analysis.py on the grown set and divide each
page's figure by the one on the original set: the growth factor (the target: no page more than
1.2× slower at 2× the records).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from kaifang.trade.models import CustomsRecord  # noqa: E402

COPIED = [
    "enterprise_id",
    "period",
    "flow",
    "hs_code",
    "partner_code",
    "qty1",
    "unit1",
    "qty2",
    "unit2",
    "value_usd",
    "value_cny",
    "source",
    "batch_id",
]


PREFIXES = "XYZWVUTSRQPONMLKJIHGFEDCBA"


def _times() -> int:
    args = sys.argv[1:]
    if "--times" not in args:
        return 2
    times = int(args[args.index("--times") + 1])
    if not 2 <= times <= len(PREFIXES) + 1:
        sys.exit(f"--times must be 2 … {len(PREFIXES) + 1}")
    return times


def _drop_indexes_sqlite(cursor: Any, table: str) -> list[tuple[str, str]]:
    # As the bulk import does: with the default 2 MB page cache SQLite writes out and reads
    # back index pages all through one long transaction (a first run without this copied for
    # 38 minutes on a loaded machine without finishing).
    cursor.execute("PRAGMA cache_size = -524288")  # 512 MB
    # Even so, seven indexes of 5.6 M entries each (two of them on values, filled in random
    # order) do not fit one cache: every row's insert touched pages of each. The secondary
    # indexes are dropped for the copy and built again after it (a sort, then one sequential
    # write each); the unique key stays (it cannot be dropped: it is part of the table). In
    # the same transaction, so a failed copy leaves the indexes as they were.
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
        "AND sql IS NOT NULL",
        [table],
    )
    indexes = [(name, sql) for name, sql in cursor.fetchall()]
    for name, _sql in indexes:
        cursor.execute(f'DROP INDEX "{name}"')  # names read from sqlite_master
    return indexes


def _drop_indexes_postgresql(cursor: Any, table: str) -> list[tuple[str, str]]:
    """The same on PostgreSQL, where the unique key can go too (it is a constraint with an
    index, added again after the copy by one sort instead of 45 M inserts in key order of the
    source); the primary key stays (its ids arrive in order). Each index is then built with
    1 GB of maintenance_work_mem instead of the cluster's 256 MB. In the copy's transaction,
    so a failed copy leaves them as they were."""
    cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'u'",
        [table],
    )
    uniques = list(cursor.fetchall())
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [table],
    )
    indexes = [(name, sql) for name, sql in cursor.fetchall()]
    for name, _sql in uniques:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')  # names from the catalog
    for name, _sql in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    # Foreign keys: the copied rows point where their originals do, so the per-row checks
    # (45 M index probes into the firms and batches) are skipped where the role may do so
    # (the throwaway cluster's role is a superuser).
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cursor.fetchone()[0]:
        cursor.execute("SET LOCAL session_replication_role = replica")
    added = [(name, f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {sql}') for name, sql in uniques]
    return added + indexes


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    table = CustomsRecord._meta.db_table
    times = _times()
    prefixes = PREFIXES[: times - 1]
    before = CustomsRecord.objects.count()
    if CustomsRecord.objects.filter(trade_mode__startswith="X").exists():
        sys.exit("already grown: records under an X… trade mode exist")
    last_id = CustomsRecord.objects.order_by("-id").values_list("id", flat=True).first() or 0
    columns = [c for c in COPIED if c in {f.column for f in CustomsRecord._meta.concrete_fields}]
    names = ", ".join(columns)
    print(
        f"{connection.vendor}: {before:,} records, {times}× (prefixes {', '.join(prefixes)}); "
        f"load average {_load()}",
        flush=True,
    )
    start = time.perf_counter()
    indexes: list[tuple[str, str]] = []
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            indexes = _drop_indexes_sqlite(cursor, table)
        elif connection.vendor == "postgresql":
            indexes = _drop_indexes_postgresql(cursor, table)
        print(f"  {len(indexes)} indexes dropped: {', '.join(n for n, _ in indexes)}", flush=True)
        for prefix in prefixes:
            # The original records only (ids up to the last one before the copy).
            cursor.execute(
                f"INSERT INTO {table} ({names}, trade_mode) "  # our own table and column names
                f"SELECT {names}, %s || trade_mode FROM {table} WHERE id <= %s",
                [prefix, last_id],
            )
            print(
                f"  rows under {prefix}…: {time.perf_counter() - start:.0f} s "
                f"(load average {_load()})",
                flush=True,
            )
        inserted = time.perf_counter() - start
        print(f"rows copied: {inserted:.0f} s", flush=True)
        for name, sql in indexes:
            cursor.execute(sql)
            print(f"  {name} rebuilt: {time.perf_counter() - start:.0f} s", flush=True)
    copied = time.perf_counter() - start
    print(f"copy committed: {copied:.0f} s", flush=True)
    vacuumed = 0.0
    if connection.vendor == "postgresql":
        # Left to autovacuum, the visibility map and the statistics of the new rows arrive
        # during the benchmark that follows (at 11.3 M it was still working minutes later).
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        vacuumed = time.perf_counter() - start
        print(f"VACUUM (ANALYZE) of the records: {vacuumed:.0f} s", flush=True)
    print(f"rebuild-rollups … (load average {_load()})", flush=True)
    start = time.perf_counter()
    call_command("rebuild-rollups")
    rebuilt = time.perf_counter() - start
    settled = 0.0
    if connection.vendor == "postgresql":
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        settled = time.perf_counter() - start
        print(f"VACUUM (ANALYZE) of the database: {settled:.0f} s", flush=True)
    after = CustomsRecord.objects.count()
    print(
        f"{connection.vendor}: {before:,} → {after:,} customs records; copy {copied:.0f} s "
        f"(rows {inserted:.0f} s, {len(indexes)} indexes rebuilt {copied - inserted:.0f} s), "
        f"vacuum {vacuumed + settled:.0f} s, rebuild-rollups {rebuilt:.0f} s; "
        f"load average {_load()}"
    )


if __name__ == "__main__":
    main()
