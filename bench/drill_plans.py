"""The records drill-down's pages with each plan forced, on the database DATABASE_URL names:
which plan `drill_plan` should choose where the figures say another (issue 17, the province's
deep pages and HS headings; docs/performance.md "A province").

Usage (the database must hold `kaifang demo-data --size large`, grown or not):
    DATABASE_URL=postgres://… python bench/drill_plans.py [RUNS] [--plans=chosen,free,key]
        [--cases=deep|hs|all] [--users=leader,dongcheng,liaison1] [--hs=8471,8517]
        [--modes=10,15] [--partners=502,116] [--explain]

The deep cases (the pages over 150 ms at 50.7 M in session 22) are dongcheng's deep month
page and liaison1's pages in yuan; any other user named takes liaison1's if its name starts
with "liaison", else dongcheng's (a district user). `--modes` and `--partners` add the same
cases within each trade mode or partner named.

For each case (persona, key, span, page) it prints the plan `drill_plan` chooses, the matching
count, then for every plan asked (`chosen`: no plan forced, as the page does; any plan name
`drill_records(plan=…)` takes) the whole page through the test client with that plan forced
(`drill_plan` replaced for the request) and the page's query alone, read as the app reads it
(`bench_drill.read_page`: `drill_page`'s two steps on PostgreSQL since session 33; one slice
`drill_records(…, plan=…)[offset:offset + 50]` before): median wall ms of RUNS warm runs after
one cold run, median CPU ms of this process, and the mean CPU ms of the PostgreSQL process
serving the connection (/proc, same machine; clock ticks of 10 ms, so a mean over the runs). A
plan that does not apply to the case (no key index, no named firms) prints "n/a". The load
average is printed with every persona and at the end, beside a hello-world request of the same
run.
`--explain` adds EXPLAIN (ANALYZE, BUFFERS)'s plan lines of each query alone.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_analysis import page
from bench_drill import read_page
from django.db import connection
from django.db.models import Max
from django.test import Client
from django.urls import reverse
from server_cpu import server_cpu_seconds

from kaifang.core.models import User
from kaifang.trade.models import CustomsRecord
from kaifang.trade.selectors import Keys, Query, drill_records, drill_summary
from kaifang.trade.selectors import plans as plans_module
from kaifang.trade.selectors import records as records_module

PAGE = 50
DEEP = [  # the pages over 150 ms at 50.7 M in session 22
    ("dongcheng", "month, export", {"span": "month", "flow": "export"}),
    ("dongcheng", "month, export, page 20", {"span": "month", "flow": "export", "page": "20"}),
    ("liaison1", "ytd, CNY", {"span": "ytd", "currency": "cny"}),
    ("liaison1", "ytd, CNY, page 20", {"span": "ytd", "currency": "cny", "page": "20"}),
]


def key_cases(
    users: list[str], name: str, values: list[str]
) -> list[tuple[str, str, dict[str, str]]]:
    """Each user's month and year within each value of the key `name` (hs, mode, partner),
    pages 1 and 20."""
    label_of = {"hs": "HS", "mode": "mode", "partner": "partner"}[name]
    cases = []
    for username in users:
        for value in values:
            for span in ("month", "ytd"):
                for number in ("1", "20"):
                    label = f"{span}, {label_of} {value}"
                    label += f", page {number}" if number != "1" else ""
                    cases.append((username, label, {"span": span, name: value, "page": number}))
    return cases


def server_cpu() -> float:
    """CPU ms so far of the PostgreSQL process serving this connection (0 elsewhere, NaN when
    /proc cannot be read)."""
    if connection.vendor != "postgresql":
        return 0.0
    seconds = server_cpu_seconds()
    return float("nan") if seconds is None else seconds * 1000


def timed(func: Callable[[], Any], runs: int) -> tuple[float, float, float, float]:
    """(cold ms, median warm ms, median warm CPU ms here, mean warm server CPU ms)."""
    start = time.perf_counter()
    func()
    cold = (time.perf_counter() - start) * 1000
    wall, cpu = [], []
    served = server_cpu()
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        func()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    served = (server_cpu() - served) / runs
    return cold, statistics.median(wall), statistics.median(cpu), served


@contextmanager
def forced(plan: str) -> Iterator[None]:
    """The page with `plan` instead of `drill_plan`'s choice (`chosen`: unchanged)."""
    if plan == "chosen":
        yield
        return
    original = plans_module.drill_plan  # what records.py calls, by its own name

    def fixed(**kwargs: Any) -> str:
        return plan

    setattr(records_module, "drill_plan", fixed)  # noqa: B010
    try:
        yield
    finally:
        setattr(records_module, "drill_plan", original)  # noqa: B010


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def explain(qs: Any) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join("         | " + row[0] for row in cursor.fetchall())


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    runs = int(args[0]) if args else 5
    options = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
    plans = options.get("plans", "chosen,free,key").split(",")
    users = options.get("users", "leader,dongcheng,liaison1").split(",")
    headings = options.get("hs", "8471").split(",")
    modes = options.get("modes", "")
    partners = options.get("partners", "")
    which = options.get("cases", "all")
    latest = CustomsRecord.objects.aggregate(p=Max("period"))["p"]
    if latest is None:
        sys.exit("no customs records: run `kaifang demo-data --size large` first")
    # the deep cases of dongcheng and liaison1 for any district user or liaison officer named
    role = {u: "liaison1" if u.startswith("liaison") else "dongcheng" for u in users}
    deep = [(u, label, p) for u in users for r, label, p in DEEP if u != "leader" and r == role[u]]
    cases = deep if which in {"deep", "all"} else []
    cases += key_cases(users, "hs", headings) if which in {"hs", "all"} else []
    if modes:
        cases += key_cases(users, "mode", modes.split(","))
    if partners:
        cases += key_cases(users, "partner", partners.split(","))
    table = plans_module.table_records()
    print(
        f"{table:,} customs records, report month {latest:%Y-%m}, {connection.vendor}, "
        f"median of {runs} warm runs; plans {','.join(plans)}; {load()}",
        flush=True,
    )
    clients: dict[str, tuple[User, Client]] = {}
    for username, label, params in cases:
        if username not in clients:
            user = User.objects.get(username=username)
            client = Client()
            client.force_login(user)
            clients[username] = (user, client)
            hello = timed(page(client, "/bench/hello/"), runs)
            print(f"as {username} ({load()}): hello-world {hello[1]:.1f} ms", flush=True)
        user, client = clients[username]
        full = {"year": str(latest.year), "month": str(latest.month), **params}
        q = Query(
            year=latest.year,
            month=latest.month,
            flow=full.get("flow", "total"),
            currency=full.get("currency", "usd"),
        )
        keys, span = Keys.from_params(full), full["span"]
        number = int(full.get("page", "1"))
        bottom, top = (number - 1) * PAGE, number * PAGE
        summary = drill_summary(viewer=user, q=q, span=span, keys=keys)
        matching = None if summary is None else summary.count
        choice = (
            "aggregate"
            if matching is None
            else plans_module.drill_plan(
                viewer=user, q=q, span=span, keys=keys, depth=top, matching=matching
            )
        )
        count = "no rollup count" if matching is None else f"{matching:,} matching"
        print(f"  {username} {label}: chosen {choice}, {count}", flush=True)
        url = (
            reverse("trade:analysis_records") + "?" + "&".join(f"{k}={v}" for k, v in full.items())
        )
        for plan in plans:
            name = choice if plan == "chosen" else plan
            try:
                forced_plan = None if plan == "chosen" else plan
                qs = drill_records(
                    viewer=user,
                    q=q,
                    span=span,
                    keys=keys,
                    depth=top,
                    matching=matching,
                    plan=forced_plan,
                )
                alone = timed(partial(read_page, qs, bottom, top, q, keys), runs)
            except ValueError as error:
                print(f"    {plan:<8} n/a ({str(error)[:40]})", flush=True)
                continue
            with forced(plan):
                whole = timed(page(client, url), runs)
            print(
                f"    {plan:<8} ({name:<8}) page {whole[1]:7.1f} ms (cold {whole[0]:7.1f}; "
                f"cpu {whole[2]:6.1f}; server {whole[3]:6.1f})   query alone {alone[1]:7.1f} ms "
                f"(server {alone[3]:6.1f})",
                flush=True,
            )
            if "--explain" in sys.argv:
                print(explain(qs[bottom:top]), flush=True)
    print(f"end: {load()}", flush=True)


if __name__ == "__main__":
    main()
