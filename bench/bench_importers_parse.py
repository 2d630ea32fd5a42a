"""Parse speed of the pure import core (no database): csv read alone, then read + parse.

Usage: python bench/bench_importers_parse.py [ROWS]   (default 1,000,000)
Prints rows per second for each stage. The database stage is benchmarked separately.
"""

from __future__ import annotations

import random
import resource
import sys
import time

from kaifang.core.lib.uscc import synthetic_uscc
from kaifang.trade.importers.common import Lookups
from kaifang.trade.importers.customs import parse_customs
from kaifang.trade.importers.headers import detect_mapping
from kaifang.trade.importers.tabular import read_table

HEADER = (
    "数据年月,统一社会信用代码,企业名称,商品编码,商品名称,贸易伙伴编码,贸易伙伴名称,"
    "贸易方式编码,贸易方式名称,第一数量,第一计量单位,第二数量,第二计量单位,美元,人民币,\r\n"
)
PARTNERS = [("502", "美国"), ("116", "日本"), ("110", "中国香港"), ("133", "韩国"), ("303", "德国")]


def make_file(rows: int, enterprises: int = 2000) -> bytes:
    rng = random.Random(1)
    codes = [synthetic_uscc(i) for i in range(enterprises)]
    lines = [HEADER]
    for i in range(rows):
        partner = PARTNERS[i % len(PARTNERS)]
        usd = rng.randint(1, 10_000_000) / 100
        lines.append(
            f"2025{(i % 12) + 1:02d},{codes[i % enterprises]},企业{i % enterprises},"
            f"{85000000 + (i // 7) % 50000},商品,{partner[0]},{partner[1]},10,一般贸易,"
            f"{i % 1000},千克,?,?,{usd},{usd * 7.1:.2f},\r\n"
        )
    return "".join(lines).encode("gb18030")


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    data = make_file(rows)
    print(f"file: {rows:,} rows, {len(data) / 1e6:.1f} MB, GB18030")

    start, cpu = time.perf_counter(), time.process_time()
    count = sum(1 for _ in read_table(data, "bench.csv").rows)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"read_table only:      {count / elapsed:,.0f} rows/s wall, {count / cpu:,.0f} rows/s CPU"
    )

    lookups = Lookups.build(
        partners=PARTNERS, trade_modes=[("10", "一般贸易", "10")], enterprises=[]
    )
    start, cpu = time.perf_counter(), time.process_time()
    table = read_table(data, "bench.csv")
    result = parse_customs(table, detect_mapping(table.header), lookups=lookups, file_flow="export")
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"read + parse_customs: {result.rows_read / elapsed:,.0f} rows/s wall, "
        f"{result.rows_read / cpu:,.0f} rows/s CPU; peak RSS {peak:,.0f} MB; "
        f"{len(result.rows):,} aggregated rows, {result.rows_rejected} rejected"
    )


if __name__ == "__main__":
    main()
