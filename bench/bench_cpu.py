"""CPU per request of the load mix's pages (bench/load.py), in-process, per persona, with the
hello-world view of the same run as the baseline.

Usage (a database with the demo city: `make demo-data`):
    python bench/bench_cpu.py [RUNS]                       # var/kaifang.sqlite3
    DATABASE_URL=postgres://kaifang@127.0.0.1:5523/kaifang_x python bench/bench_cpu.py
    python bench/bench_cpu.py --profile leader workbench   # cProfile of one page, top 30

Production settings (DEBUG off, so Django's cached template loader; test settings only swap
the password hasher and serve static files from the finders). Each page is requested through
Django's test client (full middleware, view, template) as a signed-in session of each persona,
once to warm the caches (the rollup pages and the dashboard cache their figures per rollup
version, as in a load run after the first minute), then RUNS times (default 7). Per page it
prints the medians of wall time and CPU time (`time.thread_time`, this thread only), the
template render share of the wall time (the outermost `Template.render`, which includes
context processors and the queries a template evaluates lazily), and the SQL queries of one
request (counted in a separate request so counting costs nothing in the timed ones).

Baseline of the same run: the hello-world view of config/urls_bench.py (the request cycle:
middleware, session, auth) for the same session. "× hello" is page CPU / hello CPU.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'kaifang.sqlite3'}")
# Like the deployment: on SQLite, sessions and the cache in the side file (decision 0011).
os.environ.setdefault("SQLITE_SIDE_DATABASE", "")
os.environ["BENCH_URLS"] = "true"  # the hello-world view (config/urls_bench.py)

import django  # noqa: E402

django.setup()

from django.db import connection, connections  # noqa: E402
from django.template import base as template_base  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from kaifang.core.models import User  # noqa: E402

# The load mix of bench/load.py, and its personas (a division officer and a park user too).
PERSONAS = ("leader", "waimao", "dongcheng", "zongbao", "liaison1")
PAGES = {
    "workbench": "/",
    "enterprise list": "/enterprises/",
    "trade overview": "/trade/analysis/",
    "breakdown by partner": "/trade/analysis/by/partner/",
    "task list": "/supervision/",
    "appeal list": "/servicedesk/",
}
HELLO = "/bench/hello/"


class RenderClock:
    """Wall time inside the outermost Template.render of a request."""

    def __init__(self) -> None:
        self.depth = 0
        self.total = 0.0
        self._original: Any = None

    @contextmanager
    def installed(self) -> Iterator[RenderClock]:
        original = template_base.Template.render
        clock = self

        def render(template: Any, context: Any) -> Any:
            if clock.depth:
                return original(template, context)
            clock.depth += 1
            started = time.perf_counter()
            try:
                return original(template, context)
            finally:
                clock.total += time.perf_counter() - started
                clock.depth -= 1

        template_base.Template.render = render  # type: ignore[method-assign,assignment]
        try:
            yield self
        finally:
            template_base.Template.render = original  # type: ignore[method-assign]


def get(client: Client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")


def measure(client: Client, url: str, runs: int, clock: RenderClock) -> dict[str, float]:
    get(client, url)  # warm: caches, the template loader, the connection
    walls, cpus, renders = [], [], []
    for _ in range(runs):
        clock.total = 0.0
        wall, cpu = time.perf_counter(), time.thread_time()
        get(client, url)
        cpus.append(time.thread_time() - cpu)
        walls.append(time.perf_counter() - wall)
        renders.append(clock.total)
    captures = [CaptureQueriesContext(c) for c in connections.all()]
    for capture in captures:
        capture.__enter__()
    get(client, url)
    for capture in captures:
        capture.__exit__(None, None, None)
    wall = statistics.median(walls)
    return {
        "wall": wall * 1000,
        "cpu": statistics.median(cpus) * 1000,
        "render": statistics.median(renders) / wall * 100 if wall else 0.0,
        "queries": sum(len(capture.captured_queries) for capture in captures),
    }


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def profile(username: str, page: str, runs: int) -> None:
    client = signed_in(username)
    url = PAGES[page]
    get(client, url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        get(client, url)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("runs", nargs="?", type=int, default=7)
    parser.add_argument("--profile", nargs=2, metavar=("PERSONA", "PAGE"))
    parser.add_argument("--personas", nargs="*", default=list(PERSONAS))
    args = parser.parse_args()
    if args.profile:
        profile(args.profile[0], args.profile[1], args.runs)
        return
    vendor = connection.vendor
    print(f"database {vendor}; medians of {args.runs}; load average {os.getloadavg()[0]:.1f}")
    header = f"  {'page':24}{'wall ms':>9}{'CPU ms':>9}{'× hello':>9}{'render':>8}{'queries':>9}"
    clock = RenderClock()
    totals: dict[str, list[float]] = {}
    with clock.installed():
        for username in args.personas:
            client = signed_in(username)
            hello = measure(client, HELLO, args.runs * 3, clock)
            print(f"\n{username}\n{header}")
            rows = [("hello (baseline)", hello)]
            rows += [(name, measure(client, url, args.runs, clock)) for name, url in PAGES.items()]
            for name, row in rows:
                ratio = row["cpu"] / hello["cpu"] if hello["cpu"] else 0.0
                print(
                    f"  {name:24}{row['wall']:>9.1f}{row['cpu']:>9.1f}{ratio:>9.1f}"
                    f"{row['render']:>7.0f}%{row['queries']:>9.0f}"
                )
                totals.setdefault(name, []).append(row["cpu"])
    print("\nCPU ms per request, mean over personas (the load mix is one of each page per persona)")
    mix = [statistics.mean(totals[name]) for name in PAGES]
    hello_cpu = statistics.mean(totals["hello (baseline)"])
    for name in ["hello (baseline)", *PAGES]:
        print(f"  {name:24}{statistics.mean(totals[name]):>9.1f}")
    print(
        f"  {'load mix (mean page)':24}{statistics.mean(mix):>9.1f}"
        f"   = {statistics.mean(mix) / hello_cpu:.1f}× hello"
    )


if __name__ == "__main__":
    main()
