"""A fresh web process's first requests (the workbench, then a search), with and without the
start-up work of config/wsgi.py (the URL table built, the segmenter loaded in a thread), each in
its own process, in the same run.

Usage:
    python bench/bench_first_requests.py [ROUNDS] [--after=1.0] [--q=有限公司] [--user=leader]
    bench/with-postgres bash -c '… && python bench/bench_first_requests.py'

Each round starts three Python processes on the same database (default the large city,
var/bench/large.sqlite3, else DATABASE_URL):
  - before: as the code before session 45, whose first request also imported matplotlib (the
    URL table imports the briefing's charts, which imported it at their top);
  - baseline: `django.setup()` alone (the first request imports the views and builds the URL
    table, the first search loads jieba's dictionary);
  - warmed: `import config.wsgi`, as gunicorn and runserver start (its start-up time grows by
    what it does ahead).
Both wait `--after` seconds (a worker is up for a moment before its first search; 0 shows the
search that comes while the dictionary is still loading), then time the workbench (the page
after login, which pays the process's other first-request costs), one search (the header's
box: every source, the library's full text among them) and a second search of other words. It
prints the medians of each kind of process: wall and CPU per request, and resident memory.
"""

from __future__ import annotations

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


def child(mode: str, after: float, q: str, username: str) -> None:
    """One fresh process: start as `mode` says, wait, time two searches, print JSON."""
    started = time.perf_counter()
    if mode == "warmed":
        import config.wsgi  # noqa: F401  (what gunicorn imports: starts the warm-up thread)
    else:
        import django

        django.setup()
    setup_s = time.perf_counter() - started
    from urllib.parse import urlencode

    from django.test import Client

    from kaifang.core.models import User

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    time.sleep(after)
    out: dict[str, float] = {"setup_ms": setup_s * 1000}
    for label, url in (
        ("home", "/"),
        ("first", "/search/?" + urlencode({"q": q})),
        ("second", "/search/?" + urlencode({"q": q + "1"})),
    ):
        wall, cpu = time.perf_counter(), time.process_time()
        if mode == "before" and label == "home":
            # the URL table the first request builds imported these (the briefing's charts)
            import matplotlib.backends.backend_agg
            import matplotlib.figure  # noqa: F401
        response = client.get(url)
        out[f"{label}_ms"] = (time.perf_counter() - wall) * 1000
        out[f"{label}_cpu_ms"] = (time.process_time() - cpu) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    options = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
    rounds = int(args[0]) if args else 3
    after = float(options.get("after", 1.0))
    q = options.get("q", "有限公司")
    username = options.get("user", "leader")
    print(
        f"first search ?q={q} as {username}, {after:.1f} s after the process started; "
        f"{rounds} rounds; database {os.environ['DATABASE_URL'].split('@')[-1]}"
    )
    results: dict[str, list[dict[str, float]]] = {"before": [], "baseline": [], "warmed": []}
    for _ in range(rounds):
        for mode in results:
            done = subprocess.run(
                [sys.executable, __file__, "--child", mode, str(after), q, username],
                check=True,
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            results[mode].append(json.loads(done.stdout.strip().splitlines()[-1]))
    for mode, rows in results.items():
        med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
        print(
            f"  {mode:8}  workbench {med['home_ms']:6.1f} ms"
            f"  first search {med['first_ms']:7.1f} ms (CPU {med['first_cpu_ms']:6.1f})"
            f"  second {med['second_ms']:6.1f} ms (CPU {med['second_cpu_ms']:6.1f})"
            f"  start-up {med['setup_ms']:6.1f} ms  max RSS {med['rss_mb']:5.0f} MB  (medians)"
        )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5])
    else:
        main()
