"""A fresh web process's first requests, with and without the start-up work of config/wsgi.py
(the URL table built; in a thread, the segmenter loaded and start-up's objects frozen for the
garbage collector), each kind in its own processes, in the same run.

Usage:
    python bench/bench_first_requests.py [ROUNDS] [--after=1.0] [--q=有限公司] [--user=leader]
        [--pages=URL,URL…]
    bench/with-postgres bash -c '… && python bench/bench_first_requests.py'

Each round starts four Python processes in turn on the same database (default the large city,
var/bench/large.sqlite3, else DATABASE_URL):
  - before: as the code before session 45, whose first request also imported matplotlib (the
    URL table imports the briefing's charts, which imported it at their top);
  - baseline: `django.setup()` alone (the first request imports the views and builds the URL
    table, the first search loads jieba's dictionary);
  - unfrozen: `import config.wsgi`, its thread joined, then `gc.unfreeze()`: the start-up
    work without the freeze;
  - warmed: `import config.wsgi`, as gunicorn and runserver start (its start-up time grows by
    what it does ahead).
Each waits `--after` seconds (a worker is up for a moment before its first request), then times
the workbench (the page after login, which pays the process's first-request costs), a search
(the header's box: every source, the library's full text among them), a second search of
other words, and then the pages of `--pages` (default: the leader's large breakdowns) each on a
cache miss (the rollup version moved first, as after an import), with the time the garbage
collector's full passes took during them (`gc.callbacks`). It prints the medians of each kind:
wall and CPU per request, the pages' sum, the full passes' count and time, resident memory.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench' / 'large.sqlite3'}")

MODES = ("before", "baseline", "unfrozen", "warmed")
Q = "year=2026&month=11&flow=total&currency=usd"
PAGES = ",".join(
    f"/trade/analysis/by/{by}/?{Q}&{keys}"
    for by, keys in (
        ("enterprise", "mode=10"),
        ("enterprise", "partner=502"),
        ("enterprise", "group=bri_route"),
        ("enterprise", "hs=85"),
        ("partner", "mode=10"),
        ("hs4", "mode=10"),
    )
)


def _full_passes() -> list[float]:
    """Start timing the garbage collector's full (generation 2) passes; the list fills."""
    spent: list[float] = []
    started: list[float] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            spent.append(time.perf_counter() - started.pop())

    gc.callbacks.append(note)
    return spent


def child(mode: str, after: float, q: str, username: str, pages: list[str]) -> None:
    """One fresh process: start as `mode` says, wait, time the requests, print JSON."""
    started = time.perf_counter()
    if mode in ("warmed", "unfrozen"):
        import config.wsgi  # noqa: F401  (what gunicorn imports: starts the warm-up thread)
    else:
        import django

        django.setup()
    setup_s = time.perf_counter() - started
    import threading
    from urllib.parse import urlencode

    from django.test import Client

    from kaifang.core.models import User
    from kaifang.trade.rollups import bump_version

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    time.sleep(after)
    if mode == "unfrozen":
        for thread in threading.enumerate():
            if thread.name == "warm-segmenter":
                thread.join()
        gc.unfreeze()
    out: dict[str, float] = {"setup_ms": setup_s * 1000}

    def timed(label: str, url: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        if mode == "before" and label == "home":
            # the URL table the first request builds imported these (the briefing's charts)
            import matplotlib.backends.backend_agg
            import matplotlib.figure  # noqa: F401
        response = client.get(url)
        out[f"{label}_ms"] = out.get(f"{label}_ms", 0) + (time.perf_counter() - wall) * 1000
        out[f"{label}_cpu_ms"] = out.get(f"{label}_cpu_ms", 0) + (time.process_time() - cpu) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")

    timed("home", "/")
    timed("first", "/search/?" + urlencode({"q": q}))
    timed("second", "/search/?" + urlencode({"q": q + "1"}))
    bump_version()  # the pages compute their figures, as on their first view after an import
    spent = _full_passes()
    for url in pages:
        timed("pages", url)
    out["passes"] = len(spent)
    out["passes_ms"] = sum(spent) * 1000
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    options = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
    rounds = int(args[0]) if args else 3
    after = float(options.get("after", 1.0))
    q = options.get("q", "有限公司")
    username = options.get("user", "leader")
    pages = options.get("pages", PAGES)
    print(
        f"a fresh process's first requests as {username}, {after:.1f} s after it started; search "
        f"?q={q}; then {len(pages.split(','))} pages on a miss; {rounds} rounds; database "
        f"{os.environ['DATABASE_URL'].split('@')[-1]}"
    )
    results: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
    for _ in range(rounds):
        for mode in results:
            done = subprocess.run(
                [sys.executable, __file__, "--child", mode, str(after), q, username, pages],
                check=True,
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            results[mode].append(json.loads(done.stdout.strip().splitlines()[-1]))
    for mode, rows in results.items():
        med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
        print(
            f"  {mode:8}  start-up {med['setup_ms']:6.1f} ms  workbench {med['home_ms']:6.1f} ms"
            f"  first search {med['first_ms']:6.1f} ms  second {med['second_ms']:5.1f} ms"
            f"  pages {med['pages_ms']:7.1f} ms (CPU {med['pages_cpu_ms']:7.1f}; full GC passes"
            f" {med['passes']:.0f}, {med['passes_ms']:5.1f} ms)  max RSS {med['rss_mb']:4.0f} MB"
        )
    print("  (medians of the rounds; wall time unless CPU is named)")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6].split(","))
    else:
        main()
