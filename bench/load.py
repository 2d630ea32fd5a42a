"""Load test: N logged-in users of mixed personas against gunicorn on loopback, with a
hello-world Django view on the same server as the baseline, in the same run.

Usage (the database must hold the demo city: `make demo-data`, or `kaifang demo-data`):
    DATABASE_URL=sqlite:///…/demo.sqlite3 python bench/load.py --users 50 --duration 45
    DATABASE_URL=postgres://kaifang@127.0.0.1:5499/kaifang_x python bench/load.py --users 20
    (a database loaded under the test settings, as bench/province's: add --set-passwords)

What it does: starts `gunicorn config.wsgi` on 127.0.0.1 (a free port) with BENCH_URLS=true
(adds /bench/hello/, see config/urls_bench.py), logs N sessions in as the demo personas in
turn (leader, division staff, district, park, liaison officer), then

1. baseline: every user requests /bench/hello/ in a closed loop for --baseline seconds;
2. pages: every user requests its persona's pages (workbench, enterprise list, trade overview,
   one breakdown, task list, appeal list) in a closed loop for --duration s.

Think time: none by default (each user asks again as soon as a page arrives; the figures
recorded for issue 17 were taken so). `--think SECONDS` makes each user wait a random
0.5–1.5 × SECONDS after each response, as people read a page, in both phases (the hello phase
then gives the latency floor at the same arrival pattern).

It prints throughput, p50/p95/p99 and errors per phase and per page, and stops the server.
Every request goes to 127.0.0.1 only; each loop ends by itself when its time is up. The load
generator runs on the same machine (threads, http.client keep-alive), so it takes part of the
CPU the server could use: the figures are a floor.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The server's side-database setting as given; the test settings that demo_passwords() loads
# set it to "off" in this process, and the server inherited that: on SQLite every login then
# failed with "no such table: kaifang_cache". Unset: "auto", the side file where one exists
# (like the deployment, decision 0011), else none.
SIDE_DATABASE = os.environ.get("SQLITE_SIDE_DATABASE", "auto")


def demo_passwords() -> dict[str, str]:
    """The demo personas' passwords, from the demo loader (needs Django's settings)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from kaifang.core.demo import DEMO_ACCOUNTS

    return {a.username: a.password for a in DEMO_ACCOUNTS}


PERSONAS = ["leader", "waimao", "dongcheng", "zongbao", "liaison1"]
PAGES = {
    "workbench": "/",
    "enterprise list": "/enterprises/",
    "trade overview": "/trade/analysis/",
    "breakdown by partner": "/trade/analysis/by/partner/",
    "task list": "/supervision/",
    "appeal list": "/servicedesk/",
}
HELLO = "/bench/hello/"
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Session:
    """One logged-in user: a keep-alive connection and its cookies."""

    port: int
    username: str
    cookies: dict[str, str] = field(default_factory=dict)
    conn: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes, str]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            send = {"Host": "127.0.0.1", **(headers or {})}
            if self.cookies:
                send["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            try:
                self.conn.request(method, path, body=body, headers=send)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue
            for raw in response.msg.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(raw).items():
                    self.cookies[name] = morsel.value
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            return response.status, data, response.getheader("Location", "")
        raise RuntimeError("unreachable")

    def login(self, password: str) -> float:
        started = time.perf_counter()
        status, page, _ = self.request("GET", "/login/")
        token = CSRF_INPUT.search(page)
        if status != 200 or token is None:
            raise RuntimeError(f"login page answered {status}")
        body = urlencode(
            {
                "username": self.username,
                "password": password,
                "csrfmiddlewaretoken": token.group(1).decode(),
            }
        )
        status, answer, location = self.request(
            "POST",
            "/login/",
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{self.port}/login/",
            },
        )
        if status != 302 or "/login" in location:
            alert = re.findall(rb'role="alert">([^<]*)', answer)
            said = b" ".join(alert).decode("utf-8", "replace")
            raise RuntimeError(
                f"login as {self.username} failed ({status}: {said}); a database loaded under "
                "the test settings needs --set-passwords"
            )
        return time.perf_counter() - started


def server_env() -> dict[str, str]:
    """The environment gunicorn runs under: production settings on the given database."""
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings",  # production settings, password hashers
        "BENCH_URLS": "true",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
        "LOG_LEVEL": "WARNING",
        "SQLITE_SIDE_DATABASE": SIDE_DATABASE,
    }


def set_passwords() -> None:
    """Hash the demo passwords again under the production settings: a database loaded under
    the test settings (`bench/province`) holds hashes the server's hashers do not read, and
    every login failed (session 27). The demo loader's own account step does it (it sets a
    password wherever `check_password` fails), and changes nothing else on a loaded city."""
    code = "from kaifang.core.demo import run; run(only={'city'})"
    kaifang = [sys.executable, "-m", "kaifang", "shell", "-c", code]
    subprocess.run(kaifang, cwd=ROOT, env=server_env(), check=True)


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    env = server_env()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread" if threads > 1 else "sync",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            probe.request("GET", HELLO, headers={"Host": "127.0.0.1"})
            if probe.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("gunicorn did not answer within 60 s")


def run_phase(
    sessions: list[Session],
    paths: dict[str, list[tuple[str, str]]],
    seconds: float,
    think: float = 0.0,
    seed: int = 9,
) -> tuple[dict[str, list[float]], dict[str, int], float]:
    """Every session requests its paths in turn until the time is up (closed loop), waiting
    a random 0.5–1.5 × `think` seconds after each response."""
    timings: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    start = time.monotonic()
    stop_at = start + seconds

    def user(session: Session, order: list[tuple[str, str]], number: int) -> None:
        local: list[tuple[str, float, bool]] = []
        index = 0
        pause = random.Random(seed * 1000 + number)
        while time.monotonic() < stop_at:
            if think and index:
                time.sleep(
                    max(0.0, min(think * pause.uniform(0.5, 1.5), stop_at - time.monotonic()))
                )
                if time.monotonic() >= stop_at:
                    break
            name, path = order[index % len(order)]
            index += 1
            began = time.perf_counter()
            try:
                status, _, _ = session.request("GET", path)
                ok = status == 200
            except (OSError, http.client.HTTPException):
                ok = False
            local.append((name, time.perf_counter() - began, ok))
        with lock:
            for name, elapsed, ok in local:
                timings[name].append(elapsed)
                if not ok:
                    errors[name] += 1

    workers = [
        threading.Thread(target=user, args=(s, paths[s.username], i), daemon=True)
        for i, s in enumerate(sessions)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return timings, errors, time.monotonic() - start


def percentiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        only = values[0] * 1000 if values else 0.0
        return only, only, only
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


def report(
    title: str, timings: dict[str, list[float]], errors: dict[str, int], elapsed: float
) -> None:
    everything = [t for values in timings.values() for t in values]
    print(f"\n{title}")
    print(
        f"  {'':24}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"
    )
    rows = [(name, timings[name]) for name in sorted(timings)] if len(timings) > 1 else []
    for name, values in [*rows, ("all", everything)]:
        p50, p95, p99 = percentiles(values)
        failed = sum(errors.values()) if name == "all" else errors.get(name, 0)
        print(
            f"  {name:24}{len(values):>9}{len(values) / elapsed:>9.1f}"
            f"{p50:>9.0f}{p95:>9.0f}{p99:>9.0f}{failed:>8}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=45, help="seconds of the pages phase")
    parser.add_argument("--baseline", type=float, default=10, help="seconds of the hello phase")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread)")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="each user waits a random 0.5–1.5 × SECONDS between pages (default 0: none)",
    )
    parser.add_argument(
        "--set-passwords",
        action="store_true",
        help="first set the demo passwords with the production hasher (writes to the database: "
        "for one loaded under the test settings, such as bench/province's)",
    )
    args = parser.parse_args()
    if args.think < 0:
        parser.error("--think must be 0 or more seconds")
    if args.duration > 300 or args.baseline > 120:
        parser.error("keep runs short on a shared machine (pages ≤ 300 s, baseline ≤ 120 s)")
    passwords = demo_passwords()
    database = os.environ.get("DATABASE_URL", "sqlite:///var/kaifang.sqlite3")
    print(
        f"database {re.sub(r'//[^@/]*@', '//', database)}; {args.users} users; "
        f"gunicorn {args.workers} workers × {args.threads} threads; "
        f"baseline {args.baseline:.0f} s, pages {args.duration:.0f} s; "
        f"think {args.think:g} s; {os.cpu_count()} CPUs"
    )
    from kaifang.core.tests.server import free_port

    if args.set_passwords:
        set_passwords()
    port = free_port()
    server = start_server(port, args.workers, args.threads)
    try:
        sessions = [Session(port, PERSONAS[i % len(PERSONAS)]) for i in range(args.users)]
        with ThreadPoolExecutor(max_workers=8) as pool:
            logins = list(pool.map(lambda s: s.login(passwords[s.username]), sessions))
        p50, p95, _ = percentiles(logins)
        print(f"logged in {len(sessions)} sessions: login p50 {p50:.0f} ms, p95 {p95:.0f} ms")
        rng = random.Random(args.seed)
        hello = {s.username: [("hello (baseline)", HELLO)] for s in sessions}
        report(
            "baseline: hello-world view",
            *run_phase(sessions, hello, args.baseline, args.think, args.seed),
        )
        orders: dict[str, list[tuple[str, str]]] = {}
        for persona in PERSONAS:
            order = list(PAGES.items())
            rng.shuffle(order)
            orders[persona] = order
        report(
            "pages: mixed personas",
            *run_phase(sessions, orders, args.duration, args.think, args.seed),
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
