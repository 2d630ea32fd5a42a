"""Server time of the analysis pages and of every `trade-stats` breakdown on the large demo
city, against the same aggregation run straight in SQL on the customs records.

Usage (the database must hold `kaifang demo-data --size large`):
    DATABASE_URL=sqlite:///…/large.sqlite3 python bench/bench_analysis.py [RUNS]
    bench/with-postgres bash -c 'kaifang migrate && kaifang load-reference &&
        kaifang demo-data --size large && python bench/bench_analysis.py'

Without DATABASE_URL it reads var/bench/large.sqlite3. `--pages-only` skips the SQL baselines
(minutes on SQLite) while iterating; `--fact-pages` times only the pages beyond the overview
and breakdowns (drill-downs, dynamics, register filters, profile, an export). Each figure is
the median of RUNS (default 5) warm runs, after one cold run (also printed), beside the
median CPU time of this process in the warm runs (on SQLite: the page's cost without the wait
for a core). Pages are requested in-process through Django's test client (full middleware,
view, template), as the demo leader (whole city: rollups), a district user (pair rollups)
and a liaison officer, each beside a hello-world request of the same run (the machine's load
moves every figure).
With `--fact-pages` (or `--first-views` alone) it first times what a user meets on the first
view after an import (issue 17): the process warmed (templates compiled), a real rebuild of
the report month's rollups, then the jobs that rebuild queued run one by one the way the
worker runs them (each timed: trade's refill of the cached figures, the dashboard's refill,
risk's exposure refresh), then the first request of each page per persona. It does this
twice in the same run: "before" drops the queued jobs (no refill: the first viewer computes
the figures), "after" runs them. Then "edit": 20 firms renamed one after another, each its
own commit (a change the pages show, which bumps the rollup version without a rebuild, like
people editing the register); the jobs those commits queued are run the same way, then the
first views again (until session 22 an edit queued nothing, so the first viewer computed; a
burst now queues each refill once). The profile of the largest firm (its trade panel kept per
firm since session 35, the 20 largest of each scope refilled by the worker) is timed there
too, and the profile of the scope's 50th firm (computed on its first view "before"; kept
"after" since session 36, the worker computing the firms last viewed too), and the
largest's once more after the file's pages were dropped from the OS cache (posix_fadvise
DONTNEED: cold disk reads, the other kind of first view).
With `--trickle` (after those, or alone): five firms renamed two seconds apart, the worker
idle between them taking only what is due, as django-q's does; it prints how many rounds of
each refill that made (until session 23 one per edit; now the edits' refills wait 10 s for
the next edit), the worker's CPU, and the first views after it (the chain list too).
When kaifang.trade.selectors or `trade-stats` are missing, it times the rollup table's
GROUP BY queries instead and says so.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
# PostgreSQL as the web service runs it: no parallel workers (README, decision 0026)
os.environ.setdefault("DB_PARALLEL_WORKERS", "0")
# A database built by `kaifang` keeps sessions in its side file (decision 0011); one built
# with the test settings has none: "auto" follows the file.
os.environ.setdefault("SQLITE_SIDE_DATABASE", "auto")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench' / 'large.sqlite3'}")
os.environ.setdefault("BENCH_URLS", "true")  # /bench/hello/: the same-run baseline of a request

import django  # noqa: E402

django.setup()

from django.core.management import call_command, get_commands  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from kaifang.core.models import Industry, Partner, PartnerGroup, User  # noqa: E402
from kaifang.enterprises.models import Enterprise  # noqa: E402
from kaifang.trade.models import CustomsRecord, TradeRollup  # noqa: E402
from kaifang.zones.selectors import parks_visible  # noqa: E402

TARGET_MS = 150.0  # issue 17: every page under 150 ms at 5.6 M records
BYS = ["partner", "partner-group", "industry", "hs2", "hs4", "mode", "district", "enterprise"]
RECORDS = CustomsRecord._meta.db_table
FIRMS = Enterprise._meta.db_table
INDUSTRIES = Industry._meta.db_table
PARTNERS = Partner._meta.db_table
MEMBERS = PartnerGroup.members.through._meta.db_table

# The GROUP BY key and joins of each breakdown, straight on the facts.
_E = f"JOIN {FIRMS} e ON e.id = r.enterprise_id"
SQL_KEYS: dict[str, tuple[str, str]] = {
    "partner": ("r.partner_code", ""),
    "partner-group": (
        "m.partnergroup_id",
        f"JOIN {PARTNERS} p ON p.code = r.partner_code JOIN {MEMBERS} m ON m.partner_id = p.id",
    ),
    "industry": ("i.section_code", f"{_E} LEFT JOIN {INDUSTRIES} i ON i.id = e.industry_id"),
    "hs2": ("substr(r.hs_code, 1, 2)", ""),
    "hs4": ("substr(r.hs_code, 1, 4)", ""),
    "mode": ("r.trade_mode", ""),
    "district": ("e.district_id", _E),
    "park": ("e.park_id", _E),
    "enterprise": ("r.enterprise_id", ""),
}


def timed(func: Callable[[], Any], runs: int) -> tuple[float, float, float]:
    """(cold ms, median warm ms, median warm CPU ms of this process).

    On SQLite the whole page runs in this process, so its CPU time is the page's cost without
    the time spent waiting for a core: on a loaded machine it moves far less than the wall
    time (the 2× growth factors compare it too). On PostgreSQL it leaves out the server's work.
    """
    start = time.perf_counter()
    func()
    cold = (time.perf_counter() - start) * 1000
    warm = []
    cpu = []
    for _ in range(runs):
        start = time.perf_counter()
        start_cpu = time.process_time()
        func()
        cpu.append((time.process_time() - start_cpu) * 1000)
        warm.append((time.perf_counter() - start) * 1000)
    return cold, statistics.median(warm), statistics.median(cpu)


def sql_breakdown(by: str, period: dt.date) -> Callable[[], list[Any]]:
    """当月, 累计 and 上年同期累计 by one key, on the facts, in one statement."""
    key, joins = SQL_KEYS[by]
    year, month = period.year, period.month
    ytd = (dt.date(year, 1, 1).isoformat(), period.isoformat())
    prev = (dt.date(year - 1, 1, 1).isoformat(), dt.date(year - 1, month, 1).isoformat())
    sql = (
        f"SELECT {key}, "
        "SUM(CASE WHEN r.period = %s THEN r.value_usd ELSE 0 END), "
        "SUM(CASE WHEN r.period >= %s AND r.period <= %s THEN r.value_usd ELSE 0 END), "
        "SUM(CASE WHEN r.period >= %s AND r.period <= %s THEN r.value_usd ELSE 0 END) "
        f"FROM {RECORDS} r {joins} "
        "WHERE (r.period >= %s AND r.period <= %s) OR (r.period >= %s AND r.period <= %s) "
        f"GROUP BY {key}"
    )
    params = [period.isoformat(), *ytd, *prev, *ytd, *prev]

    def run() -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    return run


def sql_overview(period: dt.date) -> Callable[[], None]:
    """The overview's numbers on the facts: cards, 36-month trend, five breakdowns."""
    start = dt.date(period.year - 3 + (period.month == 12), period.month % 12 + 1, 1)
    trend = (
        f"SELECT period, flow, SUM(value_usd) FROM {RECORDS} "
        "WHERE period >= %s AND period <= %s GROUP BY period, flow"
    )
    parts = [sql_breakdown(by, period) for by in ("partner-group", "industry", "mode")]
    parts += [sql_breakdown(by, period) for by in ("district", "park", "partner")]

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(trend, [start.isoformat(), period.isoformat()])
            cursor.fetchall()
        for part in parts:
            part()

    return run


def page(client: Client, url: str) -> Callable[[], None]:
    def run() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return run


def page_uncached(client: Client, url: str) -> Callable[[], None]:
    """The page with its figures recomputed: the cache version is bumped before each request."""
    from kaifang.trade.rollups import bump_version

    fetch = page(client, url)

    def run() -> None:
        bump_version()
        fetch()

    return run


def trade_stats(period: dt.date, by: str) -> Callable[[], None]:
    def run() -> None:
        call_command(
            "trade-stats",
            year=period.year,
            month=period.month,
            by=by,
            json=True,
            stdout=io.StringIO(),
        )

    return run


def rollup_query(dimension: str, period: dt.date) -> Callable[[], list[Any]]:
    """Fallback without the analysis selectors: the same three spans on the rollup table."""
    sql = (
        "SELECT key, SUM(CASE WHEN period = %s THEN value_usd ELSE 0 END), "
        "SUM(CASE WHEN period >= %s AND period <= %s THEN value_usd ELSE 0 END) "
        f"FROM {TradeRollup._meta.db_table} WHERE dimension = %s AND period >= %s "
        "AND period <= %s GROUP BY key"
    )
    first = dt.date(period.year - 1, 1, 1).isoformat()
    ytd = dt.date(period.year, 1, 1).isoformat()
    params = [period.isoformat(), ytd, period.isoformat(), dimension, first, period.isoformat()]

    def run() -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    return run


def line(label: str, cold: float, warm: float, cpu: float, base: float | None = None) -> None:
    verdict = "ok" if warm <= TARGET_MS else "OVER TARGET"
    baseline = f"   SQL on facts {base:8.1f} ms" if base is not None else ""
    print(
        f"  {label:<34} cold {cold:8.1f} ms   warm {warm:8.1f} ms   cpu {cpu:8.1f} ms  "
        f"{verdict:<11}{baseline}",
        flush=True,
    )


def database_mb() -> float:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            return float(cursor.fetchone()[0]) / 1e6
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute("PRAGMA page_size")
        return float(pages * cursor.fetchone()[0]) / 1e6


def largest_enterprise(user: User, latest: dt.date, rank: int = 1) -> int | None:
    """The viewer's largest enterprise this year to date (the slowest profile and drill), or
    the one at `rank` (or the last if he sees fewer)."""
    from kaifang.trade.selectors import Query, top_rows

    q = Query(year=latest.year, month=latest.month)
    rows = [r for r in top_rows(viewer=user, by="enterprise", q=q, limit=rank) if r.key.isdigit()]
    return int(rows[-1].key) if rows else None


def fact_pages(client: Client, user: User, latest: dt.date, params: str, runs: int) -> None:
    """Every other page that reads trade: drill-downs, the register's trade filters, the
    dynamics (new exporters, stopped, markets, concentration) and the 一企一档 profile."""
    records = reverse("trade:analysis_records") + params
    line("records, year to date", *timed(page(client, records + "&span=ytd"), runs))
    line("records, ytd, page 20", *timed(page(client, records + "&span=ytd&page=20"), runs))
    line("records, month, export", *timed(page(client, records + "&span=month&flow=export"), runs))
    line("records, ytd, CNY", *timed(page(client, records + "&span=ytd&currency=cny"), runs))
    line("records, ytd, partner 502", *timed(page(client, records + "&span=ytd&partner=502"), runs))
    firm = largest_enterprise(user, latest)
    if firm is not None:
        url = records + f"&span=ytd&enterprise={firm}"
        line("records, ytd, largest firm", *timed(page(client, url), runs))
    for kind in ("new-exporters", "stopped", "markets", "concentration"):
        url = reverse("trade:analysis_dynamic", args=[kind]) + params
        line(f"dynamics {kind}", *timed(page(client, url), runs))
    register = reverse("enterprises:list")
    span = f"&trade_from={latest.year}-01&trade_to={latest:%Y-%m}"
    line("register, traded = yes", *timed(page(client, f"{register}?trading=yes{span}"), runs))
    line("register, traded = no", *timed(page(client, f"{register}?trading=no{span}"), runs))
    line("register, size 10m–100m", *timed(page(client, f"{register}?trade_size=10m-100m"), runs))
    if firm is not None:
        url = reverse("enterprises:detail", args=[firm])
        line("profile, largest firm", *timed(page(client, url), runs))
    url = reverse("trade:analysis_breakdown_export", args=["partner"]) + params
    line("export breakdown partner (xlsx)", *timed(page(client, url), runs))
    # drill-downs from the group, industry and district breakdowns, and the pages of other
    # modules that read trade (found by crawling every link on a 5.6 M city, 2026-12-02)
    district = Enterprise.objects.exclude(district=None).values_list("district_id", flat=True)
    for key in ("group=bri_route", "industry=C", f"district={district.first() or 0}"):
        url = records + f"&span=ytd&{key}"
        line(f"records, ytd, {key.split('=')[0]}", *timed(page(client, url), runs))
    park = parks_visible(user=user).order_by("pk").first()
    if park is not None:
        url = reverse("zones:park_detail", args=[park.pk])
        line("park page (its firms' trade)", *timed(page(client, url), runs))
    line("chain list", *timed(page(client, reverse("zones:chain_list")), runs))
    line("risk: dependence", *timed(page(client, reverse("risk:dependence")), runs))
    line("indicator list", *timed(page(client, reverse("indicators:indicator_list")), runs))


MIDDLE_RANK = 50  # a mid-size firm of the scope, for the profile's first view
FIRST_VIEW_PAGES = ("overview", "concentration", "new-exporters", "stopped")


def _first_view_urls(user: User, latest: dt.date) -> dict[str, str]:
    """The cached pages as a user opens them from the menu (no parameters: the default
    query, the one the worker refills), and the profile of the user's largest firm."""
    urls = {"overview": reverse("trade:analysis_overview")}
    for kind in FIRST_VIEW_PAGES[1:]:
        urls[kind] = reverse("trade:analysis_dynamic", args=[kind])
    firm = largest_enterprise(user, latest)
    if firm is not None:
        urls["profile, largest firm"] = reverse("enterprises:detail", args=[firm])
    # Outside the worker's REFILL_FIRMS largest: computed on its first view ("before"), then
    # kept by the refill after the next import as a firm viewed (`profile.remember_viewed`).
    firm = largest_enterprise(user, latest, rank=MIDDLE_RANK)
    if firm is not None:
        urls[f"profile, {MIDDLE_RANK}th firm"] = reverse("enterprises:detail", args=[firm])
    return urls


def _once(client: Client, url: str) -> tuple[float, float]:
    """(wall ms, CPU ms of this process) of one request."""
    start, start_cpu = time.perf_counter(), time.process_time()
    page(client, url)()
    return (time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000


def _rebuild_and_queue(latest: dt.date) -> tuple[float, list[Any]]:
    """Rebuild the report month's rollups as an import does (committed, listeners deferred to
    the worker); return its time and the tasks it queued for the worker."""
    from django.db import transaction
    from django_q.models import OrmQ

    from kaifang.trade.rollups import rebuild_rollups

    before = OrmQ.objects.aggregate(m=Max("id"))["m"] or 0
    start = time.perf_counter()
    with transaction.atomic():
        rebuild_rollups([latest])
    took = (time.perf_counter() - start) * 1000
    return took, list(OrmQ.objects.filter(id__gt=before).order_by("id"))


EDIT_BURST = 20


def _edit_and_queue() -> tuple[float, list[Any]]:
    """Rename EDIT_BURST firms one after another, each its own commit (people editing the
    register, or an import saving firm after firm): a change the cached pages show, which
    bumps the rollup version without a rebuild. Returns the time of the commits and the
    tasks they queued for the worker; `_restore_names` undoes it."""
    from django.db import transaction
    from django_q.models import OrmQ

    before = OrmQ.objects.aggregate(m=Max("id"))["m"] or 0
    start = time.perf_counter()
    for firm in Enterprise.objects.order_by("-pk")[:EDIT_BURST]:
        with transaction.atomic():
            firm.name = f"{firm.name}·"
            firm.save()
    took = (time.perf_counter() - start) * 1000
    return took, list(OrmQ.objects.filter(id__gt=before).order_by("id"))


def _restore_names() -> None:
    from django_q.models import OrmQ

    for firm in Enterprise.objects.order_by("-pk")[:EDIT_BURST]:
        if firm.name.endswith("·"):
            firm.name = firm.name[:-1]
            firm.save()
    OrmQ.objects.all().delete()


def _run_as_the_worker(tasks: list[Any]) -> None:
    """Pop each queued task and call its function, as django-q's worker does (one by one)."""
    from django.utils.module_loading import import_string

    for row in tasks:
        task = row.task
        start, start_cpu = time.perf_counter(), time.process_time()
        result = import_string(task["func"])(*task["args"], **task["kwargs"])
        took = (time.perf_counter() - start) * 1000
        cpu = (time.process_time() - start_cpu) * 1000
        row.delete()
        print(
            f"    worker: {task['func']}() -> {result!r} in {took:,.0f} ms (CPU {cpu:,.0f} ms)",
            flush=True,
        )


TRICKLE, TRICKLE_GAP = 5, 2.0  # edits, seconds between them


def trickle(personas: list[tuple[str, User]], latest: dt.date) -> None:
    """A trickle of edits (issue 17, session 23): TRICKLE firms renamed TRICKLE_GAP seconds
    apart, each its own commit, the worker idle between them taking what is due (the ORM
    broker's rule: a lock in the past); after the last edit, what is still queued once it is
    due. Prints the rounds of each refill, the worker's CPU, and the first views after it."""
    from django.db import transaction
    from django.utils import timezone
    from django_q.models import OrmQ

    clients, urls = {}, {}
    for username, user in personas:  # a server has compiled its templates long before
        clients[username] = Client()
        clients[username].force_login(user)
        urls[username] = _first_view_urls(user, latest)
        urls[username]["chain list"] = reverse("zones:chain_list")
        for url in urls[username].values():
            page(clients[username], url)()
    OrmQ.objects.all().delete()
    rounds: dict[str, int] = {}
    cpu = 0.0

    def take(rows: list[Any]) -> None:
        nonlocal cpu
        for row in rows:
            rounds[row.task["func"]] = rounds.get(row.task["func"], 0) + 1
        start = time.process_time()
        _run_as_the_worker(rows)
        cpu += time.process_time() - start

    start = time.perf_counter()
    firms = list(Enterprise.objects.order_by("-pk")[:TRICKLE])
    for i, firm in enumerate(firms):
        with transaction.atomic():
            firm.name = f"{firm.name}··"
            firm.save()
        take(list(OrmQ.objects.filter(lock__lt=timezone.now()).order_by("id")))
        if i < len(firms) - 1:
            time.sleep(TRICKLE_GAP)
    waiting = list(OrmQ.objects.order_by("id"))
    if waiting:
        time.sleep(max(0.0, (max(r.lock for r in waiting) - timezone.now()).total_seconds()))
        take(list(OrmQ.objects.order_by("id")))
    took = time.perf_counter() - start
    print(
        f"  trickle: {TRICKLE} edits {TRICKLE_GAP:.0f} s apart, the worker idle between: "
        f"{took:.1f} s until refilled, worker CPU {cpu:.1f} s; rounds: "
        + ", ".join(f"{f.rsplit('.', 1)[-1]} {n}" for f, n in sorted(rounds.items()))
    )
    for username, _user in personas:
        cells = []
        for name in (*FIRST_VIEW_PAGES, "chain list"):
            if name in urls[username]:
                wall, cpu_ms = _once(clients[username], urls[username][name])
                cells.append(f"{name} {wall:.0f} ({cpu_ms:.0f})")
        print(f"    {username}, first views after it, ms (CPU): " + "; ".join(cells))
    for firm in firms:
        firm.name = firm.name.removesuffix("··")
        firm.save()
    OrmQ.objects.all().delete()


def _drop_os_cache() -> bool:
    """Drop the database file's pages from the OS page cache (SQLite only)."""
    name = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite" or not hasattr(os, "posix_fadvise"):
        return False
    connection.close()  # the next query reopens it
    for path in (str(name), f"{name}-wal"):
        if os.path.exists(path):
            fd = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)
    return True


def first_views(personas: list[tuple[str, User]], latest: dt.date) -> None:
    """What a user meets on the first view of each page after an import, without and with
    the worker's refill, in the same run (see the module's docstring)."""
    from kaifang.trade.refill import refill_viewers

    clients = {}
    urls = {}
    for username, user in personas:
        client = Client()
        client.force_login(user)
        clients[username] = client
        urls[username] = _first_view_urls(user, latest)
        for url in urls[username].values():  # a server has compiled its templates long before
            page(client, url)()
    scopes = len(refill_viewers(owners=False))
    # A worker ran whatever was queued long ago (the demo's official import queues a dashboard
    # refill): a call still waiting is not queued again (jobs.defer_once).
    from django_q.models import OrmQ

    OrmQ.objects.all().delete()
    print(
        f"first views after an import (load average {os.getloadavg()[0]:.1f}; the refill "
        f"covers {scopes} scopes × {len(FIRST_VIEW_PAGES)} pages):"
    )
    found: dict[str, dict[str, dict[str, tuple[float, float]]]] = {}
    for label, refill in (("before", False), ("after", True), ("edit", True)):
        if label == "edit":
            took, tasks = _edit_and_queue()
            print(
                f"  {label}: {EDIT_BURST} firms renamed, one commit each, {took:,.0f} ms, "
                f"{len(tasks)} jobs queued"
            )
        else:
            took, tasks = _rebuild_and_queue(latest)
            print(f"  {label}: rebuild of {latest:%Y-%m} {took:,.0f} ms, {len(tasks)} jobs queued")
        if refill:
            _run_as_the_worker(tasks)
        else:
            for row in tasks:
                row.delete()
        for username, _ in personas:
            for name, url in urls[username].items():
                found.setdefault(username, {}).setdefault(name, {})[label] = _once(
                    clients[username], url
                )
    _restore_names()
    if _drop_os_cache():
        for username, _ in personas:
            profile = urls[username].get("profile, largest firm")
            if profile is not None:
                found[username]["profile, largest firm"]["OS cache dropped"] = _once(
                    clients[username], profile
                )
    for username, _ in personas:
        print(f"  {username}: first view, wall ms (CPU ms)")
        for name, by_label in found[username].items():
            cells = "   ".join(
                f"{label} {wall:7.1f} ({cpu:5.1f})" for label, (wall, cpu) in by_label.items()
            )
            verdict = "ok" if by_label["after"][0] <= TARGET_MS else "OVER TARGET"
            print(f"    {name:<24} {cells}   {verdict}", flush=True)
    print(f"  load average {os.getloadavg()[0]:.1f} at the end")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    trickle_only = "--trickle" in sys.argv and "--first-views" not in sys.argv
    first_views_only = trickle_only or "--first-views" in sys.argv
    fact_pages_only = first_views_only or "--fact-pages" in sys.argv  # beyond the breakdowns
    pages_only = fact_pages_only or "--pages-only" in sys.argv  # skip the SQL baselines
    runs = int(args[0]) if args else 5
    rows = CustomsRecord.objects.count()
    latest = CustomsRecord.objects.aggregate(p=Max("period"))["p"]
    if latest is None:
        sys.exit("no customs records: run `kaifang demo-data --size large` first")
    print(
        f"{connection.vendor}: {rows:,} customs records, {TradeRollup.objects.count():,} rollup "
        f"rows, report month {latest:%Y-%m}, database {database_mb():,.0f} MB; "
        f"median of {runs} warm runs (target {TARGET_MS:.0f} ms)"
    )
    if pages_only:
        baselines: dict[str, float | None] = dict.fromkeys(SQL_KEYS)
        overview_sql = None
    else:
        baselines = {by: timed(sql_breakdown(by, latest), runs)[1] for by in SQL_KEYS}
        overview_sql = timed(sql_overview(latest), runs)[1]

    try:
        import kaifang.trade.selectors  # noqa: F401

        has_selectors = "trade-stats" in get_commands()
        overview_url = reverse("trade:analysis_overview")
    except (ImportError, NoReverseMatch):
        has_selectors = False
    if not has_selectors:
        print("kaifang.trade.selectors / trade-stats not present: timing the rollup table only")
        for dimension in ("partner", "hs2", "hs4", "mode", "enterprise"):
            line(f"rollup {dimension}", *timed(rollup_query(dimension, latest), runs))
        return

    params = f"?year={latest.year}&month={latest.month}"
    if fact_pages_only:
        personas = [
            (name, user)
            for name in ("leader", "dongcheng", "liaison1")
            if (user := User.objects.filter(username=name).first()) is not None
        ]
        if not trickle_only:
            first_views(personas, latest)
        if "--trickle" in sys.argv:
            trickle(personas, latest)
        if first_views_only:
            return
    users = (
        ("leader", "leader (whole city)"),
        ("dongcheng", "district user (pair rollups)"),
        ("liaison1", "liaison officer (own enterprises)"),
    )
    for username, who in users:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        print(f"pages as {who}:")
        line("hello-world view (baseline)", *timed(page(client, "/bench/hello/"), runs))
        if fact_pages_only:
            fact_pages(client, user, latest, params, runs)
            continue
        line("overview (cached)", *timed(page(client, overview_url + params), runs), overview_sql)
        line("overview (cache miss)", *timed(page_uncached(client, overview_url + params), runs))
        for by in ("group", "industry", "hs2", "hs4", "mode", "district", "park", "enterprise"):
            url = reverse("trade:analysis_breakdown", args=[by]) + params
            base = baselines["partner-group" if by == "group" else by]
            line(f"breakdown {by}", *timed(page(client, url), runs), base)
        url = reverse("trade:analysis_breakdown", args=["partner"]) + params
        line("breakdown partner", *timed(page(client, url), runs), baselines["partner"])
        fact_pages(client, user, latest, params, runs)
    if fact_pages_only:
        return
    print("trade-stats --json (whole city):")
    for by in BYS:
        line(f"trade-stats --by {by}", *timed(trade_stats(latest, by), runs), baselines[by])


if __name__ == "__main__":
    main()
