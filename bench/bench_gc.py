"""The garbage collector's full passes in a web process's requests, with CPython's schedule
(the same-run baseline) and with them run after each response (decision 0047), on the pages a
crawl found.

Usage (the database must hold `kaifang demo-data --size large`):
    DATABASE_URL=sqlite:///…/large.sqlite3 python bench/bench_gc.py CRAWL.txt [--users=a,b]
        [--rounds=2]
    bench/with-postgres bash -c '… && python bench/bench_gc.py CRAWL.txt'

CRAWL.txt is the output of `bench_crawl.py`: its pages, as each persona met them. For each
persona and round, two fresh processes start as the web server does (`config.wsgi`: the URL
table, the segmenter, start-up's objects frozen), one with `GC_AFTER_RESPONSE=false`, one with
it on, and each requests the persona's pages once in the crawl's order, on a miss (the trade
figures retired first, as after an import). Per page it takes the wall time of the response
(with the collector on, the pass run after the response is left out: in gunicorn the user has
the page by then) and the full passes' time within it (`gc.callbacks`). It prints, per
persona and schedule, the medians over rounds: pages over 150 ms, p50, p95 and the slowest
response, the full passes' count and time within the responses and after them, the process's
CPU; then the pages the schedule moved most.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ.setdefault("SQLITE_SIDE_DATABASE", "auto")
os.environ.setdefault("DB_PARALLEL_WORKERS", "0")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench' / 'large.sqlite3'}")

TARGET_MS = 150.0
SCHEDULES = {"cpython": "false", "after response": "true"}


def crawled_pages(path: Path) -> dict[str, list[str]]:
    """Each persona's pages (its login name) in the order the crawl met them."""
    pages: dict[str, list[str]] = {}
    persona = None
    for line in path.read_text().splitlines():
        found = re.match(r"pages as .+? \(crawl as (\S+)\)", line)
        if found:
            persona = found.group(1)
            pages[persona] = []
            continue
        page = re.match(r"\s+(/\S*)\s+cold\s+[\d.,]+ ms", line)
        if page and persona and not page.group(1).startswith("/bench/"):
            pages[persona].append(page.group(1))
    return pages


def replay(persona: str, urls: list[str]) -> dict[str, object]:
    """In this process, started as the web server: each page once, on a miss."""
    import gc
    import threading

    import config.wsgi  # noqa: F401

    for thread in threading.enumerate():
        if thread.name == "warm-segmenter":
            thread.join()
    from django.test import Client

    from kaifang.core.lib import collector, local_cache
    from kaifang.core.models import User
    from kaifang.trade.rollups import bump_version

    within: list[float] = []

    def timed(phase: str, info: dict[str, int]) -> None:
        if info["generation"] == 2:
            within.append(-time.perf_counter() if phase == "start" else time.perf_counter())

    client = Client()
    client.force_login(User.objects.get(username=persona))
    client.get("/")
    bump_version()
    local_cache.clear()
    gc.callbacks.append(timed)
    cpu = time.process_time()
    rows = []
    for url in urls:
        within.clear()
        collector.last_pass_ms = 0.0
        start = time.perf_counter()
        client.get(url)
        wall = (time.perf_counter() - start) * 1000
        passes = sum(within) * 1000  # each pass's end minus its start
        after = collector.last_pass_ms
        rows.append((url, wall - after, passes - after, after))
    return {"rows": rows, "cpu_ms": (time.process_time() - cpu) * 1000}


def run(persona: str, urls: list[str], schedule: str) -> dict[str, object]:
    env = {**os.environ, "GC_AFTER_RESPONSE": SCHEDULES[schedule]}
    done = subprocess.run(
        [sys.executable, __file__, "--child", persona],
        input=json.dumps(urls),
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    if "--child" in sys.argv:
        persona = sys.argv[sys.argv.index("--child") + 1]
        print(json.dumps(replay(persona, json.loads(sys.stdin.read()))))
        return
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    options = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
    pages = crawled_pages(Path(args[0]))
    users = options.get("users", ",".join(pages)).split(",")
    rounds = int(options.get("rounds", "2"))
    print(f"{os.environ['DATABASE_URL'].split('/')[-1]}, {rounds} rounds, pages of {args[0]}")
    for persona in users:
        results: dict[str, list[dict[str, object]]] = {s: [] for s in SCHEDULES}
        for _ in range(rounds):
            for schedule in SCHEDULES:  # alternated, so that both meet the same moments
                results[schedule].append(run(persona, pages[persona], schedule))
        print(f"\n{persona}: {len(pages[persona])} pages, each once on a miss")
        by_page: dict[str, dict[str, list[float]]] = {}
        for schedule, runs in results.items():
            figures: dict[str, list[float]] = {}
            for result in runs:
                rows = result["rows"]
                assert isinstance(rows, list)
                walls = [r[1] for r in rows]
                for url, wall, _within, _after in rows:
                    by_page.setdefault(url, {}).setdefault(schedule, []).append(wall)
                for name, value in (
                    ("over 150 ms", sum(w > TARGET_MS for w in walls)),
                    ("p50", percentile(walls, 0.5)),
                    ("p95", percentile(walls, 0.95)),
                    ("slowest", max(walls)),
                    ("passes within", sum(r[2] > 0.01 for r in rows)),
                    ("ms within", sum(r[2] for r in rows)),
                    ("passes after", sum(r[3] > 0 for r in rows)),
                    ("ms after", sum(r[3] for r in rows)),
                    ("cpu s", float(str(result["cpu_ms"])) / 1000),
                ):
                    figures.setdefault(name, []).append(float(value))
            line = ", ".join(
                f"{name} {statistics.median(values):.1f}" for name, values in figures.items()
            )
            print(f"  {schedule:15} {line}")
        moved = sorted(
            (
                statistics.median(walls["cpython"]) - statistics.median(walls["after response"]),
                url,
                walls,
            )
            for url, walls in by_page.items()
        )
        print("  pages the schedule moved most (median wall, cpython → after response):")
        for delta, url, timed in [*reversed(moved[-8:]), *moved[:3]]:
            before = statistics.median(timed["cpython"])
            after = statistics.median(timed["after response"])
            print(f"    {before:7.1f} → {after:7.1f} ms  ({delta:+6.1f})  {url[:100]}")


if __name__ == "__main__":
    main()
