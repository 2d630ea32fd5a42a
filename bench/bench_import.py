"""Customs import through the real pipeline against a raw bulk insert of the same rows.

Usage:
    python bench/bench_import.py [CSV_ROWS] [XLSX_ROWS]        (default 1,000,000 and 200,000)
    bench/with-postgres python bench/bench_import.py            (the same on PostgreSQL)

Without DATABASE_URL it uses a fresh SQLite file, var/bench/import.sqlite3. For each file it
prints rows per second of
  - the pipeline as `kaifang import-customs` runs it (kaifang.trade.actions.stream): the file
    parsed in a forked child (kaifang.trade.importers) while this process commits the chunks
    (pending firms, upsert, rollups, audit) in one transaction;
  - the parse alone, in one process, for reference;
  - what the worker then does off the import's path (risk's exposure rollup of its months);
  - a re-import of the same file (every key already present: the upsert's update path);
  - the baseline: the same parsed rows, already as tuples, inserted raw into the emptied table
    (executemany on SQLite, COPY on PostgreSQL) in one transaction.
"""

from __future__ import annotations

import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
if "DATABASE_URL" not in os.environ:
    db = ROOT / "var" / "bench" / "import.sqlite3"
    db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from kaifang.core.lib.uscc import synthetic_uscc  # noqa: E402
from kaifang.core.reference_loader import load_partners, load_trade_modes  # noqa: E402
from kaifang.enterprises.models import Enterprise  # noqa: E402
from kaifang.trade.actions import import_customs_table  # noqa: E402
from kaifang.trade.bulk import insert_rows  # noqa: E402
from kaifang.trade.importers.customs import CustomsRow, parse_customs  # noqa: E402
from kaifang.trade.importers.headers import detect_mapping  # noqa: E402
from kaifang.trade.importers.result import ImportResult  # noqa: E402
from kaifang.trade.importers.tabular import read_table  # noqa: E402
from kaifang.trade.models import CustomsRecord  # noqa: E402
from kaifang.trade.selectors.imports import import_lookups  # noqa: E402

HEADER = [
    "数据年月",
    "统一社会信用代码",
    "企业名称",
    "商品编码",
    "商品名称",
    "贸易伙伴编码",
    "贸易伙伴名称",
    "贸易方式编码",
    "贸易方式名称",
    "第一数量",
    "第一计量单位",
    "美元",
    "人民币",
]
PARTNERS = [("502", "美国"), ("116", "日本"), ("110", "中国香港"), ("133", "韩国"), ("304", "德国")]
PARTNERS += [("141", "越南"), ("344", "俄罗斯联邦"), ("145", "哈萨克斯坦"), ("601", "澳大利亚")]
FIRMS = 2000


def make_rows(rows: int) -> list[list[object]]:
    """Distinct keys: firm × month × HS × partner, as a customs extract has them."""
    rng = random.Random(1)
    codes = [synthetic_uscc(i) for i in range(FIRMS)]
    out = []
    for i in range(rows):
        firm, partner = i % FIRMS, PARTNERS[(i // FIRMS) % len(PARTNERS)]
        usd = rng.randint(100, 10_000_000) / 100
        out.append(
            [
                f"2025{(i // (FIRMS * len(PARTNERS))) % 12 + 1:02d}",
                codes[firm],
                f"示范{firm}号进出口有限公司",
                str(84000000 + (i // (FIRMS * len(PARTNERS) * 12)) * 10 + firm % 7),
                "商品",
                partner[0],
                partner[1],
                "10",
                "一般贸易",
                i % 1000,
                "千克",
                usd,
                round(usd * 7.1, 2),
            ]
        )
    return out


def csv_bytes(rows: list[list[object]]) -> bytes:
    lines = [",".join(HEADER)]
    lines += [",".join(str(c) for c in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("出口")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _written_tables() -> list[str]:
    """Every table an import writes: the records and each rollup summed from them (the city's,
    the pairs', the liaison officers', year to date, every enterprise stage and the city-wide
    crosses and code rollup where present), and risk's exposure rollup the worker refreshes
    after it."""
    from kaifang.trade import models as trade

    names = ["CustomsRecord", "TradeRollup", "ScopeRollup", "LiaisonRollup", "YearToDateRollup"]
    names += ["EnterprisePartnerRollup", "EnterpriseProductRollup"]
    names += ["PartnerProductRollup", "CommodityRollup", "PartnerModeRollup", "ModeProductRollup"]
    names += ["PartnerModeProductRollup", "CommodityYearToDateRollup"]
    names += ["PlaceCommodityRollup", "PlaceCommodityYearToDateRollup", "PlacePartnerChapterRollup"]
    names += ["LiaisonCommodityRollup", "EnterprisePartnerYearToDateRollup"]
    tables = [getattr(trade, n)._meta.db_table for n in names if hasattr(trade, n)]
    stages = getattr(trade, "STAGE_MODELS", {})  # the stages sessions 43–44 added too
    tables += [m._meta.db_table for m in stages.values() if m._meta.db_table not in tables]
    try:
        from kaifang.risk.models import ExposureRollup, ExposureStale

        tables += [ExposureRollup._meta.db_table, ExposureStale._meta.db_table]
    except ImportError:
        pass
    return tables


def reset() -> None:
    """Empty every table an import writes. Only the records and the city's rollup were
    emptied before: a second run in the same PostgreSQL cluster then imported into months
    whose other rollups still held the previous run's rows, and paid for replacing them."""
    tables = _written_tables()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)}")  # our own table names
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # no WHERE: SQLite's truncation
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def parse_only(data: bytes, filename: str) -> tuple[ImportResult[CustomsRow], float]:
    """The parse alone, in this process (for the baseline's rows, and as a figure)."""
    start = time.perf_counter()
    table = read_table(data, filename, kind="customs")
    mapping = detect_mapping(table.header, kind="customs")
    result = parse_customs(table, mapping, lookups=import_lookups(), file_flow="export")
    return result, time.perf_counter() - start


def pipeline(data: bytes, filename: str) -> tuple[ImportResult[CustomsRow], float, float]:
    """Read, parse and commit as `kaifang import-customs --flow export` does (the parse runs in
    a forked child while this process writes); returns the report, the wall time and the CPU
    time of this process (the child's is not counted)."""
    start, cpu = time.perf_counter(), time.process_time()
    table = read_table(data, filename, kind="customs")
    mapping = detect_mapping(table.header, kind="customs")
    mapping.require(has_file_flow=True)
    result, _summary = import_customs_table(
        table=table,
        reread=lambda: read_table(data, filename, kind="customs"),
        mapping=mapping,
        lookups=import_lookups(),
        file_flow="export",
        actor=None,
        batch=None,
        source="customs",
        replace_period=False,
        expected_rows=data.count(b"\n"),
    )
    return result, time.perf_counter() - start, time.process_time() - cpu


def raw_insert(result: ImportResult[CustomsRow]) -> tuple[float, float]:
    """The baseline: the parsed rows as tuples, inserted raw into the emptied table."""
    ids = dict(Enterprise.objects.values_list("uscc", "id"))
    tuples = [
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
    reset()
    start, cpu = time.perf_counter(), time.process_time()
    with transaction.atomic():
        insert_rows(tuples)
    return time.perf_counter() - start, time.process_time() - cpu


def background_refresh() -> float:
    """What the worker does after an import's commit, off its path: the exposure rollup of
    the months the import marked stale (kaifang.risk.rollup)."""
    from kaifang.risk.rollup import refresh_stale

    start = time.perf_counter()
    refresh_stale()
    return time.perf_counter() - start


def run(label: str, data: bytes, filename: str, rows: int) -> None:
    # The pipeline first, as `kaifang import-customs` runs it: in a process that does not also
    # hold a parsed copy of the file (the fork would share that heap with the child).
    reset()
    result, total, cpu_s = pipeline(data, filename)
    assert result.rows_imported == rows and result.rows_rejected == 0, result.errors[:3]
    refresh_s = background_refresh()
    _, again_s, _ = pipeline(data, filename)
    background_refresh()
    parsed, parse_s = parse_only(data, filename)
    assert CustomsRecord.objects.count() == len(parsed.rows)
    raw_s, raw_cpu = raw_insert(parsed)
    print(f"{label}: {rows:,} rows ({len(data) / 1e6:.1f} MB), {connection.vendor}")
    print(
        f"  pipeline     {rows / total:>9,.0f} rows/s  ({total:.1f} s, parse and commit overlapped)"
    )
    print(f"               {rows / cpu_s:>9,.0f} rows/s of the writer's CPU ({cpu_s:.1f} s)")
    print(f"  then, in the worker: the exposure rollup of its months {refresh_s:.1f} s")
    print(f"  re-import    {rows / again_s:>9,.0f} rows/s  ({again_s:.1f} s, every key replaced)")
    print(f"  parse alone  {rows / parse_s:>9,.0f} rows/s  ({parse_s:.1f} s, one process)")
    print(f"  raw insert   {rows / raw_s:>9,.0f} rows/s  ({raw_s:.1f} s)   <- baseline")
    print(f"               {rows / raw_cpu:>9,.0f} rows/s of this process's CPU ({raw_cpu:.1f} s)")
    print(f"  pipeline / raw insert: {total / raw_s:.2f}x wall (target <= 3x)")
    if filename.endswith(".csv") and connection.vendor == "sqlite":
        met = "met" if rows / total >= 50_000 else "NOT met"
        print(f"  target (csv, SQLite): >= 50,000 rows/s: {met}")
    print(f"  load average now: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def main() -> None:
    csv_rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    xlsx_rows = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    load_partners()
    load_trade_modes()
    Enterprise.objects.bulk_create(
        [Enterprise(uscc=synthetic_uscc(i), name=f"示范{i}号进出口有限公司") for i in range(FIRMS)],
        ignore_conflicts=True,
    )
    print(f"CPU: {os.cpu_count()} cores; Python {sys.version.split()[0]}")
    if csv_rows:
        run("csv (GB18030)", csv_bytes(make_rows(csv_rows)), "bench.csv", csv_rows)
    if xlsx_rows:
        run("xlsx", xlsx_bytes(make_rows(xlsx_rows)), "bench.xlsx", xlsx_rows)


if __name__ == "__main__":
    main()
