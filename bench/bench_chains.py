"""Server time of the industry-chain pages (产业链图谱: list, one chain, one segment, the matrix)
on the large demo city, as the leader, a district user and a liaison officer.

Usage (the database must hold `kaifang demo-data --size large`; it writes cache entries):
    DATABASE_URL=sqlite:///…/large.sqlite3 python bench/bench_chains.py [RUNS]

Three passes, each beside a hello-world request of the same run (the machine's load moves
every figure):
1. the segments' kept figures deleted, the first view of each page: what a viewer met after
   an import before the worker's refill (the segments' figures computed in the request);
2. deleted again, the worker's refill timed (`zones.selectors.chains.refill`, what
   the worker runs after a rebuild), then the first view of each page: what a viewer meets;
3. the median of RUNS warm views of each page, wall and CPU.
Passes 1 and 2 run first with the segments' reads as before decision 0045 (the firms and the
partners both summed from the chains' rollup by firm and partner), the same-run baseline
(`--no-baseline` skips it).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ.setdefault("SQLITE_SIDE_DATABASE", "auto")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench' / 'large.sqlite3'}")
os.environ.setdefault("BENCH_URLS", "true")  # /bench/hello/: the same-run baseline

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection, connections, router  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from kaifang.core.models import User  # noqa: E402
from kaifang.trade.models import CustomsRecord  # noqa: E402
from kaifang.zones.models import Chain, ChainSegment, ChainTradeRollup  # noqa: E402
from kaifang.zones.selectors import chains  # noqa: E402

TARGET_MS = 150.0
USERS = (("leader", "leader"), ("dongcheng", "district user"), ("liaison1", "liaison officer"))


def once(client: Client, url: str) -> tuple[float, float]:
    """Wall and CPU milliseconds of one request."""
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def urls() -> list[tuple[str, str]]:
    chain = Chain.objects.order_by("pk").first()
    if chain is None:
        raise SystemExit("no industry chain: run `kaifang demo-data --size large` first")
    segment = ChainSegment.objects.filter(chain=chain).order_by("pk").first()
    found = [
        ("chain list", reverse("zones:chain_list")),
        ("one chain", reverse("zones:chain_detail", args=[chain.pk])),
        ("chain matrix", reverse("zones:chain_matrix")),
    ]
    if segment is not None:
        url = reverse("zones:chain_segment", args=[chain.pk, segment.pk])
        found.insert(2, ("one segment", url))
    return found


def clients() -> list[tuple[str, Client]]:
    found = []
    for username, who in USERS:
        user = User.objects.filter(username=username).first()
        if user is not None:
            client = Client()
            client.force_login(user)
            client.get("/bench/hello/")  # the process's first request is not the page's
            found.append((who, client))
    return found


def first_views(label: str, logged_in: list[tuple[str, Client]]) -> None:
    for who, client in logged_in:
        hello = once(client, "/bench/hello/")[0]
        cells = []
        for name, url in urls():
            wall, cpu = once(client, url)
            flag = "" if wall < TARGET_MS else " *"
            cells.append(f"{name} {wall:,.0f} ({cpu:,.0f}){flag}")
        print(f"  {label}, {who} (hello {hello:.1f} ms): " + "; ".join(cells))


def warm(runs: int, logged_in: list[tuple[str, Client]]) -> None:
    for who, client in logged_in:
        hello = statistics.median(once(client, "/bench/hello/")[0] for _ in range(runs))
        cells = []
        for name, url in urls():
            times = [once(client, url) for _ in range(runs)]
            wall = statistics.median(t[0] for t in times)
            cpu = statistics.median(t[1] for t in times)
            flag = "" if wall < TARGET_MS else " *"
            cells.append(f"{name} {wall:,.0f} ({cpu:,.0f}){flag}")
        print(f"  warm median, {who} (hello {hello:.1f} ms): " + "; ".join(cells))


def read_before_0045(
    viewer: User | None, wanted: Sequence[tuple[str, ...]], months: Sequence[Any], *, pairs: bool
) -> Any:
    """The segments' read before decision 0045: firms and partners from the rows by firm
    and partner (176 k rows of the leader's year to date at 5.6 M records)."""
    codes = sorted({c for group in wanted for c in group})
    reads = chains._Reads(stage=[], partners=[], fine=[])
    if not codes or not months:
        return reads
    rows = chains._rollup_rows(viewer, ChainTradeRollup).filter(
        code__in=codes, period__in=sorted(months)
    )
    firms = rows.values_list("code", "enterprise_id", "flow").annotate(v=Sum("value_usd"))
    reads.stage = [("=" + c, e, f, v) for c, e, f, v in firms.order_by()]
    if pairs:
        fields = ("code", "partner", "flow", "enterprise__district_id", "enterprise__park_id")
        found = rows.values_list(*fields).annotate(v=Sum("value_usd")).order_by()
        reads.partners = [("=" + c, p, f, d, k, v) for c, p, f, d, k, v in found]
    else:
        plain = rows.values_list("code", "partner", "flow").annotate(v=Sum("value_usd"))
        reads.partners = [("=" + c, p, f, None, None, v) for c, p, f, v in plain.order_by()]
    return reads


@contextmanager
def before_0045() -> Iterator[None]:
    now = chains._read
    chains._read = read_before_0045
    try:
        yield
    finally:
        chains._read = now


def forget_segments() -> int:
    """Delete the kept segment figures only (`zones:segment:…`): a benchmark run on a held
    cluster leaves the pages' and profiles' entries the worker refilled for the next one."""
    # the cache's own database (the side file on SQLite, decision 0011)
    db = connections[router.db_for_write(cache.cache_model_class)]  # type: ignore[attr-defined]
    table = db.ops.quote_name(cache._table)  # type: ignore[attr-defined]
    with db.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE cache_key LIKE %s", ["%zones:segment:%"])
        return int(cursor.rowcount)


def timed(func: Callable[[], int]) -> tuple[int, float, float]:
    """The result, wall and CPU seconds of one call."""
    start, cpu = time.perf_counter(), time.process_time()
    result = func()
    return result, time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    runs = int(args[0]) if args else 5
    print(
        f"{connection.vendor}: {CustomsRecord.objects.count():,} customs records, "
        f"{Chain.objects.count()} chains, {ChainSegment.objects.count()} segments; "
        f"load average {os.getloadavg()[0]:.1f}; ms wall (CPU), * over {TARGET_MS:.0f} ms"
    )
    logged_in = clients()
    if "--no-baseline" not in sys.argv:
        with before_0045():
            forget_segments()
            first_views("before 0045: first view, no refill", logged_in)
            forget_segments()
            scopes, seconds, cpu = timed(chains.refill)
            print(f"  before 0045: refill {scopes} scopes in {seconds:.1f} s ({cpu:.1f} s CPU)")
    forget_segments()
    first_views("first view, no refill (computed in the request)", logged_in)
    forget_segments()
    scopes, seconds, cpu = timed(chains.refill)
    print(f"  worker's refill: {scopes} scopes in {seconds:.1f} s ({cpu:.1f} s CPU)")
    first_views("first view after the refill", logged_in)
    warm(runs, logged_in)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
