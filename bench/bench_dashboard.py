"""Server time of the leaders' dashboard (驾驶舱) and the workbench that opens with its
headline, cold (cache miss) and warm (cache hit), for every persona, with same-run baselines.

Usage (a database with the demo city; large: `kaifang demo-data --size large`):
    DATABASE_URL=sqlite:///…/large.sqlite3 python bench/bench_dashboard.py [RUNS]
    bench/with-postgres bash -c '… && python bench/bench_dashboard.py'

Without DATABASE_URL it reads var/bench/large.sqlite3 when it exists, else var/kaifang.sqlite3
(`make demo-data`, the small city). Each figure is the median of RUNS (default 5): cold clears
the cache before each request, warm repeats it. Pages are requested in-process through
Django's test client (full middleware, view and template).

Baselines from the same run: `/healthz` (the request cycle alone) and the trade overview
(the page the trade tile drills to) for the same user. Then each tile
provider registered with core.tiles (servicedesk, supervision, zones), which the dashboard
caches per user for a minute, is timed on its own, and the figures computed by
`indicators.dashboard._build` (the part a cache hit skips): all of them (after an import), and
with the trade part still cached (after an entered value, a target or an official import).
First, `dashboard.refill()` (what the worker runs after a rollup rebuild) is timed once from an
empty cache, and the dashboard requested right after it for every persona (a refilled hit)."""

from __future__ import annotations

import logging
import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
# A database built by `kaifang` keeps sessions in its side file (decision 0011); one built
# with the test settings has none: "auto" follows the file.
os.environ.setdefault("SQLITE_SIDE_DATABASE", "auto")
_LARGE = ROOT / "var" / "bench" / "large.sqlite3"
_SMALL = ROOT / "var" / "kaifang.sqlite3"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_LARGE if _LARGE.exists() else _SMALL}")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from kaifang.core import tiles  # noqa: E402
from kaifang.core.models import User  # noqa: E402
from kaifang.indicators import dashboard  # noqa: E402
from kaifang.trade.models import CustomsRecord  # noqa: E402

TARGET_MS = 150.0  # issue 17: every page, cold and warm
# leader and division officer: the whole city (rollups); district, park, liaison: scoped
PERSONAS = ("leader", "waimao", "dongcheng", "zongbao", "liaison1")


def median_ms(func: Callable[[], Any], runs: int, *, clear: bool) -> float:
    times = []
    for _ in range(runs):
        if clear:
            cache.clear()
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def page(client: Client, url: str) -> Callable[[], None]:
    def get() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")

    return get


def verdict(*figures: float) -> str:
    return "ok" if max(figures) <= TARGET_MS else "OVER"


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    logging.disable(logging.INFO)  # django-axes logs every force_login
    print(
        f"database: {os.environ['DATABASE_URL'].rsplit('/', 1)[-1]}; "
        f"customs records: {CustomsRecord.objects.count():,}; runs: {runs}; "
        f"target {TARGET_MS:.0f} ms cold and warm"
    )
    factory = RequestFactory()
    for username in PERSONAS:  # compile the templates: a server has done so long before
        user = User.objects.filter(username=username).first()
        if user is not None:
            client = Client()
            client.force_login(user)
            page(client, "/indicators/dashboard/")()
    cache.clear()
    start = time.perf_counter()
    refilled = dashboard.refill()
    took = (time.perf_counter() - start) * 1000
    print(f"refill after a rebuild (the worker): {refilled} dashboards in {took:.0f} ms")
    for username in PERSONAS:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        year, month = dashboard.default_period(user)
        url = f"/indicators/dashboard/?year={year}&month={month}"
        first = median_ms(page(client, url), 1, clear=False)
        again = median_ms(page(client, url), 1, clear=False)
        print(
            f"  {username:10s} first request after the refill {first:8.1f} ms"
            f" (its tiles computed), the next {again:8.1f} ms"
        )
    for username in PERSONAS:
        user = User.objects.filter(username=username).first()
        if user is None:
            print(f"{username}: no such demo user, skipped")
            continue
        client = Client()
        client.force_login(user)
        year, month = dashboard.default_period(user)
        print(f"\n{username} ({user.unit}), report month {year}-{month:02d}")
        health = median_ms(page(client, "/healthz"), runs, clear=False)
        overview_url = f"{reverse('trade:analysis_overview')}?year={year}&month={month}"
        overview_cold = median_ms(page(client, overview_url), runs, clear=True)
        overview_warm = median_ms(page(client, overview_url), runs, clear=False)
        print(f"  {'baseline /healthz':34s} {health:8.1f} ms")
        print(
            f"  {'baseline trade overview':34s} cold {overview_cold:8.1f} ms"
            f"   warm {overview_warm:8.1f} ms"
        )
        for label, url in (
            ("dashboard", f"/indicators/dashboard/?year={year}&month={month}"),
            ("workbench", "/"),
        ):
            cold = median_ms(page(client, url), runs, clear=True)
            warm = median_ms(page(client, url), runs, clear=False)
            print(
                f"  {label:34s} cold {cold:8.1f} ms   warm {warm:8.1f} ms   {verdict(cold, warm)}"
            )
        built = median_ms(partial(dashboard._build, user, year, month), runs, clear=True)
        print(f"  {'  dashboard figures (_build)':34s} {built:8.1f} ms")
        dashboard.trade_figures(user, year, month)
        lines = median_ms(partial(dashboard._build, user, year, month), runs, clear=False)
        print(f"  {'    trade part cached (_build)':34s} {lines:8.1f} ms")
        request = factory.get("/indicators/dashboard/", {"year": year, "month": month})
        request.user = user
        for entry in sorted(tiles._PROVIDERS.values(), key=lambda e: e.order):
            took = median_ms(partial(entry.provider, request), runs, clear=False)
            shown = "shown" if entry.provider(request) is not None else "none"
            print(f"  {'  tile ' + entry.key:34s} {took:8.1f} ms   ({shown})")


if __name__ == "__main__":
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        main()
