"""Server time of the leaders' dashboard (驾驶舱) and the workbench that opens with its
headline, cache miss and cache hit, as the demo leader (whole city) and a district user.

Usage (a database with the demo city; large: `kaifang demo-data --size large`):
    DATABASE_URL=sqlite:///…/kaifang.sqlite3 python bench/bench_dashboard.py [RUNS]

Without DATABASE_URL it reads var/kaifang.sqlite3 (`make demo-data`, the small city). Each
figure is the median of RUNS (default 5): a miss clears the cache before the request, a hit
repeats it. Pages are requested in-process through Django's test client (full middleware,
view and template)."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'kaifang.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from kaifang.core.models import User  # noqa: E402
from kaifang.trade.models import CustomsRecord  # noqa: E402


def timed(client: Client, url: str, *, clear: bool) -> float:
    if clear:
        cache.clear()
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return elapsed


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    print(f"customs records: {CustomsRecord.objects.count():,}; runs: {runs}")
    for username in ("leader", "dongcheng"):
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        for url in ("/indicators/dashboard/", "/"):
            misses = [timed(client, url, clear=True) for _ in range(runs)]
            hits = [timed(client, url, clear=False) for _ in range(runs)]
            print(
                f"{username:10s} {url:24s} miss {statistics.median(misses):7.1f} ms"
                f"   hit {statistics.median(hits):7.1f} ms"
            )


if __name__ == "__main__":
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        main()
