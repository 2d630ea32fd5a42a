"""Double the customs records the way issue 17 measured growth: every record again under
another trade mode (its code prefixed with X, which no real code has, so no key collides),
then `rebuild-rollups`.

Usage (on a COPY of the large city; it writes):
    cp var/bench/large.sqlite3 var/bench/large2x.sqlite3
    export DATABASE_URL=sqlite:///$PWD/var/bench/large2x.sqlite3
    python bench/grow_records.py && python bench/bench_analysis.py 3 --pages-only
PostgreSQL: inside `bench/with-postgres`, after `demo-data --size large` (see
docs/performance.md). Prints the rows before and after and the time of each step. Then run
bench_analysis.py on the grown set and divide each page's figure by the one on the original
set: the growth factor (the target: no page more than 1.2× slower at 2× the records).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

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


def main() -> None:
    table = CustomsRecord._meta.db_table
    before = CustomsRecord.objects.count()
    if CustomsRecord.objects.filter(trade_mode__startswith="X").exists():
        sys.exit("already grown: records under an X… trade mode exist")
    columns = [c for c in COPIED if c in {f.column for f in CustomsRecord._meta.concrete_fields}]
    names = ", ".join(columns)
    start = time.perf_counter()
    indexes: list[tuple[str, str]] = []
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # As the bulk import does: with the default 2 MB page cache SQLite writes out and
            # reads back index pages all through one long transaction (a first run without
            # this copied for 38 minutes on a loaded machine without finishing).
            cursor.execute("PRAGMA cache_size = -524288")  # 512 MB
            # Even so, seven indexes of 5.6 M entries each (two of them on values, filled in
            # random order) do not fit one cache: every row's insert touched pages of each.
            # The secondary indexes are dropped for the copy and built again after it (a
            # sort, then one sequential write each); the unique key stays (it cannot be
            # dropped: it is part of the table). In the same transaction, so a failed copy
            # leaves the indexes as they were.
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL",
                [table],
            )
            indexes = list(cursor.fetchall())
            for name, _sql in indexes:
                cursor.execute(f'DROP INDEX "{name}"')  # names read from sqlite_master
        cursor.execute(
            f"INSERT INTO {table} ({names}, trade_mode) "  # our own table and column names
            f"SELECT {names}, 'X' || trade_mode FROM {table}"
        )
        inserted = time.perf_counter() - start
        print(f"rows copied: {inserted:.0f} s", flush=True)
        for name, sql in indexes:
            cursor.execute(sql)
            print(f"  {name} rebuilt: {time.perf_counter() - start:.0f} s", flush=True)
    copied = time.perf_counter() - start
    print(f"copy committed: {copied:.0f} s; rebuild-rollups …", flush=True)
    start = time.perf_counter()
    call_command("rebuild-rollups")
    rebuilt = time.perf_counter() - start
    after = CustomsRecord.objects.count()
    print(
        f"{connection.vendor}: {before:,} → {after:,} customs records; copy {copied:.0f} s "
        f"(rows {inserted:.0f} s, {len(indexes)} secondary indexes rebuilt "
        f"{copied - inserted:.0f} s), rebuild-rollups {rebuilt:.0f} s"
    )


if __name__ == "__main__":
    main()
