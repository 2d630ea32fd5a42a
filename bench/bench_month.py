"""One month's customs import into the records already there (a city's, or a province's after
`bench/grow_records.py --times 9`), against a raw insert of the same rows into the same table,
and what partitioning by month would change: a one-month `rebuild-rollups`, a one-month
re-import that replaces the month, and deleting a month's records.

Usage (on the large demo city, grown or not; it writes, then puts everything back):
    bench/with-postgres bash -c '… demo-data --size large && python bench/bench_month.py'
    (bench/province runs it at 1× and at 9× in one cluster)
    python bench/bench_month.py --all    (on a grown set: the month under every trade mode,
                                          i.e. a province's month; the prefixed modes import
                                          with an "unknown trade mode" warning)

The month: the newest month's exports of the original records (trade modes without a letter
prefix: a city's monthly delivery, 124,265 rows for the large city), written as a GB18030
CSV for the month after it, so the import adds a month the rollups did not hold, as each
month's delivery does. In order, each timed:
  - the pipeline, as `kaifang import-customs --flow export` runs it (parse in a forked child,
    upsert, rollups, audit; one transaction), then the worker's exposure rollup of the month;
  - the same file again with `--replace-period` (the month's records deleted and written anew);
  - `rebuild-rollups` of that month alone;
  - the month's records deleted (what a DETACH of a partition would replace), its rollups
    rebuilt empty;
  - the baseline: the parsed rows as tuples, COPY'd raw into the full table (its indexes in
    place) in one transaction; then deleted again.
Prints the import / raw insert ratio and the load average beside each figure, and where each
side's time went: the import's phases (until the first chunk is written, the writes, waiting
for the parsing child, the rollups, the audit entry) and the CPU of this process, of the
parsing child and of the database server's process serving this connection (PostgreSQL on
this machine: /proc), so a figure on a loaded machine can be told from the code's cost.
`--quick` skips the re-import and the month's rebuild (the import and its baseline only).
`--month=YYYY-MM`: the month imported instead of the one after the newest (it must hold no
records): `--month=2027-01`, a new year's first month, whose 累计 starts the year.
`--prewarm` (PostgreSQL): first read the records' indexes and the stage tables into the OS
cache (pg_prewarm), so the import, timed first, does not pay for reading the pages the
baseline then finds cached.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench' / 'large.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from server_cpu import server_cpu_seconds  # noqa: E402

from kaifang.enterprises.models import Enterprise  # noqa: E402
from kaifang.risk.rollup import refresh_stale  # noqa: E402
from kaifang.trade.actions import import_customs_table  # noqa: E402
from kaifang.trade.actions import stream as stream_module  # noqa: E402
from kaifang.trade.bulk import insert_rows  # noqa: E402
from kaifang.trade.importers.customs import CustomsRow, parse_customs  # noqa: E402
from kaifang.trade.importers.headers import detect_mapping  # noqa: E402
from kaifang.trade.importers.result import ImportResult  # noqa: E402
from kaifang.trade.importers.tabular import read_table  # noqa: E402
from kaifang.trade.models import CustomsRecord  # noqa: E402
from kaifang.trade.rollups import rebuild_rollups  # noqa: E402
from kaifang.trade.selectors.imports import import_lookups  # noqa: E402

HEADER = [
    "数据年月",
    "统一社会信用代码",
    "企业名称",
    "商品编码",
    "贸易伙伴编码",
    "贸易方式编码",
    "第一数量",
    "第一计量单位",
    "美元",
    "人民币",
]


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


class Costs:
    """Wall and CPU of one side: this process, its children (the parsing child), the server."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()
        self.children = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.server = server_cpu_seconds()

    def since(self, server: float | None) -> str:
        """`server`: the server process's CPU read inside the transaction (the connection is
        closed after the commit, when the queued jobs are enqueued)."""
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        child = (
            children.ru_utime + children.ru_stime - self.children.ru_utime - self.children.ru_stime
        )
        served = ""
        if server is not None and self.server is not None:
            served = f", server {server - self.server:.1f} s"
        return (
            f"CPU: this process {time.process_time() - self.cpu:.1f} s, parsing child "
            f"{child:.1f} s{served}"
        )


PHASES: dict[str, float] = {}


@contextmanager
def _phases() -> Iterator[dict[str, float]]:
    """Time the import's steps by wrapping what `actions.stream` calls (this benchmark only)."""
    PHASES.clear()
    names = ("upsert_rows", "rebuild_rollups", "record_commit", "add_to_rows")
    saved = {name: getattr(stream_module, name) for name in names}

    def timed_call(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            PHASES.setdefault("first write", start)
            try:
                return function(*args, **kwargs)
            finally:
                PHASES[name] = PHASES.get(name, 0.0) + time.perf_counter() - start
                if name == "record_commit":  # the transaction's last step
                    PHASES["server cpu"] = server_cpu_seconds() or 0.0
                    PHASES["audit end"] = time.perf_counter()

        return run

    def timed_iterate(factory: Any, **options: Any) -> Iterator[Any]:
        """The parsing child's items; the time spent waiting for each after the first write
        (the first is in "until the first write"), its exit included."""
        items: Any = saved_iterate(factory, **options)
        try:
            while True:
                start = time.perf_counter()
                try:
                    item = next(items)
                except StopIteration:
                    return
                finally:
                    if "first write" in PHASES:
                        waited = time.perf_counter() - start
                        PHASES["child"] = PHASES.get("child", 0.0) + waited
                yield item
        finally:
            items.close()

    def timed_method(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        """The connection's own commit, and the callbacks run after it (on_commit)."""

        def run(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                PHASES[name] = PHASES.get(name, 0.0) + time.perf_counter() - start

        return run

    module = vars(stream_module)
    saved_iterate: Any = module["iterate_forked"]
    for name, function in saved.items():
        setattr(stream_module, name, timed_call(name, function))
    module["iterate_forked"] = timed_iterate
    connection.commit = timed_method("db commit", connection.commit)  # type: ignore[method-assign]
    connection.run_and_clear_commit_hooks = timed_method(  # type: ignore[method-assign]
        "hooks", connection.run_and_clear_commit_hooks
    )
    try:
        yield PHASES
    finally:
        for name, function in saved.items():
            setattr(stream_module, name, function)
        module["iterate_forked"] = saved_iterate
        del connection.commit, connection.run_and_clear_commit_hooks


def _phase_line(start: float, took: float) -> str:
    first = PHASES.get("first write", start) - start
    written = PHASES.get("upsert_rows", 0.0) + PHASES.get("add_to_rows", 0.0)
    rollups = PHASES.get("rebuild_rollups", 0.0)
    audit = PHASES.get("record_commit", 0.0)
    child = PHASES.get("child", 0.0)
    commit = start + took - PHASES.get("audit end", start + took)
    rest = took - first - written - rollups - audit - child - commit
    return (
        f"until the first write {first:.1f} s, writes {written:.1f} s, rollups {rollups:.1f} s, "
        f"audit {audit:.2f} s, waiting for the parsing child {child:.1f} s, the commit "
        f"{commit:.1f} s (the database's {PHASES.get('db commit', 0.0):.1f} s, the callbacks "
        f"after it {PHASES.get('hooks', 0.0):.1f} s), the rest {rest:.1f} s"
    )


def prewarm() -> None:
    """Read the indexes an import writes into (the records' and the stage tables') and the
    stage tables into the OS cache; not the records' heap, which an insert appends to."""
    from kaifang.trade.models import STAGE_MODELS

    start = time.perf_counter()
    stages = [m._meta.db_table for m in STAGE_MODELS.values()]
    tables = [CustomsRecord._meta.db_table, *stages]
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        cursor.execute(
            "SELECT sum(pg_prewarm(c.oid, 'read')) FROM pg_class c WHERE c.oid IN ("
            "  SELECT indexrelid FROM pg_index WHERE indrelid = ANY(%s::regclass[])"
            "  UNION SELECT unnest(%s::regclass[]))",
            [tables, stages],
        )
        (blocks,) = cursor.fetchone()
    print(
        f"  prewarm: {blocks * 8 / 1024:,.0f} MB read in {time.perf_counter() - start:.0f} s  "
        f"load {_load()}",
        flush=True,
    )


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def month_file(*, every_mode: bool, target: dt.date | None = None) -> tuple[bytes, dt.date, int]:
    """The newest month's original exports (with `every_mode`, also those under the grown
    set's prefixed trade modes: a province's month), as a CSV for the month after it (or for
    `target`)."""
    newest = CustomsRecord.objects.order_by("-period").values_list("period", flat=True).first()
    if newest is None:
        sys.exit("no customs records: load `kaifang demo-data --size large` first")
    target = target or _next_month(newest)
    month = CustomsRecord.objects.filter(period=newest, flow="export")
    if not every_mode:
        month = month.filter(trade_mode__regex=r"^[0-9]")
    rows = month.order_by("id").values_list(
        "enterprise__uscc",
        "enterprise__name",
        "hs_code",
        "partner_code",
        "trade_mode",
        "qty1",
        "unit1",
        "value_usd",
        "value_cny",
    )
    stamp = f"{target:%Y%m}"
    lines = [",".join(HEADER)]
    count = 0
    for row in rows.iterator(chunk_size=20_000):
        lines.append(",".join([stamp, *(_cell(c) for c in row)]))
        count += 1
    return ("\r\n".join(lines) + "\r\n").encode("gb18030"), target, count


def pipeline(data: bytes, *, replace: bool) -> tuple[ImportResult[CustomsRow], float]:
    with _phases():
        return _pipeline(data, replace=replace)


def _pipeline(data: bytes, *, replace: bool) -> tuple[ImportResult[CustomsRow], float]:
    start = time.perf_counter()
    table = read_table(data, "month.csv", kind="customs")
    mapping = detect_mapping(table.header, kind="customs")
    mapping.require(has_file_flow=True)
    result, _summary = import_customs_table(
        table=table,
        reread=lambda: read_table(data, "month.csv", kind="customs"),
        mapping=mapping,
        lookups=import_lookups(),
        file_flow="export",
        actor=None,
        batch=None,
        source="customs",
        replace_period=replace,
        expected_rows=data.count(b"\n"),
    )
    return result, time.perf_counter() - start


def parsed_tuples(data: bytes) -> list[tuple[object, ...]]:
    table = read_table(data, "month.csv", kind="customs")
    mapping = detect_mapping(table.header, kind="customs")
    result = parse_customs(table, mapping, lookups=import_lookups(), file_flow="export")
    ids = dict(Enterprise.objects.values_list("uscc", "id"))
    return [
        (
            row.enterprise.enterprise_id or ids[row.enterprise.uscc],
            row.period.isoformat(),
            row.flow,
            row.hs_code,
            row.partner_code,
            row.trade_mode_code,
            None if row.qty1 is None else str(row.qty1),
            row.unit1,
            None if row.qty2 is None else str(row.qty2),
            row.unit2,
            None if row.value_usd is None else str(row.value_usd),
            None if row.value_cny is None else str(row.value_cny),
            "customs",
            None,
        )
        for row in result.rows
    ]


def remove_month(month: dt.date) -> tuple[float, float]:
    """Delete the month's records and rebuild its rollups empty; returns both times."""
    start = time.perf_counter()
    with transaction.atomic():
        CustomsRecord.objects.filter(period=month)._raw_delete(CustomsRecord.objects.db)
    deleted = time.perf_counter() - start
    start = time.perf_counter()
    with transaction.atomic():
        rebuild_rollups([month], settle=True)
    refresh_stale()
    return deleted, time.perf_counter() - start


def main() -> None:
    total = CustomsRecord.objects.count()
    start = time.perf_counter()
    given = [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--month=")]
    year, month_number = (int(part) for part in given[0].split("-")) if given else (0, 0)
    target = dt.date(year, month_number, 1) if given else None
    data, month, rows = month_file(every_mode="--all" in sys.argv[1:], target=target)
    print(
        f"{connection.vendor}: {total:,} records; month {month:%Y-%m}: {rows:,} export rows "
        f"({len(data) / 1e6:.1f} MB CSV, written in {time.perf_counter() - start:.0f} s); "
        f"load average {_load()}",
        flush=True,
    )
    if CustomsRecord.objects.filter(period=month).exists():
        sys.exit(f"{month:%Y-%m} already holds records: a previous run did not finish")

    quick = "--quick" in sys.argv[1:]
    if "--prewarm" in sys.argv[1:] and connection.vendor == "postgresql":
        prewarm()
    if "--raw-first" in sys.argv[1:]:
        raw_s = raw_insert(data, month)
        import_s = import_month(data, month, rows, quick=quick)
    else:
        import_s = import_month(data, month, rows, quick=quick)
        raw_s = raw_insert(data, month)
    assert CustomsRecord.objects.count() == total
    print(
        f"  import / raw insert: {import_s / raw_s:.2f}x (target <= 1.5x); load average {_load()}"
    )


def import_month(data: bytes, month: dt.date, rows: int, *, quick: bool) -> float:
    """The pipeline (and unless `quick`, the re-import and the month's rebuild), then the
    month removed again; returns the import's wall time."""
    costs = Costs()
    result, import_s = pipeline(data, replace=False)
    import_costs = costs.since(PHASES.get("server cpu"))
    phases = _phase_line(costs.wall, import_s)
    assert result.rows_imported == rows and result.rows_rejected == 0, result.errors[:3]
    start = time.perf_counter()
    refresh_stale()
    refresh_s = time.perf_counter() - start
    print(
        f"  import (new month)      {import_s:7.1f} s  ({rows / import_s:,.0f} rows/s)  "
        f"load {_load()}",
        flush=True,
    )
    print(f"    {phases}", flush=True)
    print(f"    {import_costs}", flush=True)
    print(f"  then the worker's exposure rollup {refresh_s:.1f} s", flush=True)

    if not quick:
        result, replace_s = pipeline(data, replace=True)
        refresh_stale()
        print(f"  re-import, --replace-period {replace_s:7.1f} s  load {_load()}", flush=True)

        start = time.perf_counter()
        with transaction.atomic():
            written = rebuild_rollups([month], settle=True)
        rebuild_s = time.perf_counter() - start
        print(
            f"  rebuild-rollups of the month {rebuild_s:6.1f} s ({written:,} rows)  load {_load()}",
            flush=True,
        )

    deleted_s, emptied_s = remove_month(month)
    print(
        f"  delete the month's records {deleted_s:6.1f} s; its rollups rebuilt empty "
        f"{emptied_s:.1f} s",
        flush=True,
    )
    return import_s


def raw_insert(data: bytes, month: dt.date) -> float:
    """The baseline: the parsed rows written raw in one transaction, then removed again;
    returns its wall time."""
    tuples = parsed_tuples(data)
    rows = len(tuples)
    raw_kind = "COPY" if connection.vendor == "postgresql" else "executemany"
    costs = Costs()
    start = time.perf_counter()
    with transaction.atomic():
        insert_rows(tuples)
        server = server_cpu_seconds()
        inserted = time.perf_counter()
    raw_s = time.perf_counter() - start
    raw_costs = costs.since(server)
    print(
        f"  raw insert ({raw_kind})  {raw_s:7.1f} s  ({rows / raw_s:,.0f} rows/s)  <- baseline  "
        f"load {_load()}",
        flush=True,
    )
    print(
        f"    the writes {inserted - start:.1f} s, the commit {start + raw_s - inserted:.1f} s",
        flush=True,
    )
    print(f"    {raw_costs}", flush=True)
    deleted_s, _ = remove_month(month)
    print(f"  delete the month's records {deleted_s:6.1f} s", flush=True)
    return raw_s


if __name__ == "__main__":
    main()
