"""A login while an import holds SQLite's write lock: with and without the side database.

Usage: .venv/bin/python bench/bench_login_lock.py [--hold 5] [--logins 5]

For each setting (side database on, the default; and SQLITE_SIDE_DATABASE=off) it migrates
fresh SQLite files in a temporary directory, creates one user, starts `kaifang runserver`, and
times a login (GET the form, POST it, follow the redirect to the workbench):

1. baseline: --logins logins with the register free (median);
2. locked: another connection holds BEGIN IMMEDIATE on the register for --hold seconds, as an
   import's commit does, and a login starts 0.5 s into it (median of --logins rounds).

The busy timeout is the default 30 s, so a login that needs the lock waits for the holder.
Test settings (MD5 password hashing), so the figures are the database waits, not PBKDF2.
Decision 0011 explains the side database.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Bench-login-2026"  # noqa: S105 (a throwaway user on temporary files)


def kaifang(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "kaifang", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def login(base: str) -> float:
    start = time.perf_counter()
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = opener.open(f"{base}/login/", timeout=120).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token
    data = urllib.parse.urlencode(
        {"username": "bench", "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    request = urllib.request.Request(f"{base}/login/", data=data, headers={"Referer": base})  # noqa: S310
    body = opener.open(request, timeout=120).read().decode()
    assert "bench" in body or "工作台" in body
    return (time.perf_counter() - start) * 1000


def hold_lock(path: Path, seconds: float, started: threading.Event) -> None:
    db = sqlite3.connect(path, isolation_level=None, timeout=60)
    db.execute("BEGIN IMMEDIATE")
    started.set()
    time.sleep(seconds)
    db.execute("ROLLBACK")
    db.close()


def run(side: str, hold: float, logins: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        main = Path(tmp) / "register.sqlite3"
        env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": f"sqlite:///{main}",
            "SQLITE_SIDE_DATABASE": side,
            "SQLITE_BUSY_TIMEOUT": "30",
            "MEDIA_ROOT": str(Path(tmp) / "media"),
            "PYTHONPATH": str(ROOT),
        }
        kaifang(env, "migrate", "--noinput", "--verbosity", "0")
        kaifang(
            env,
            "shell",
            "-c",
            "from kaifang.core.models import User; "
            f"User.objects.create_user('bench', password='{PASSWORD}')",
        )
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "kaifang", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(f"{base}/login/", timeout=5)  # noqa: S310 (loopback)
                    break
                except (urllib.error.URLError, ConnectionError):
                    time.sleep(0.2)
            login(base)  # warm-up
            free = [login(base) for _ in range(logins)]
            locked = []
            for _ in range(logins):
                started = threading.Event()
                holder = threading.Thread(target=hold_lock, args=(main, hold, started))
                holder.start()
                started.wait()
                time.sleep(0.5)
                locked.append(login(base))
                holder.join()
            return statistics.median(free), statistics.median(locked)
        finally:
            server.terminate()
            server.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hold", type=float, default=5.0)
    parser.add_argument("--logins", type=int, default=5)
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()[0]:.1f}; lock held {args.hold:.1f} s, login at 0.5 s")
    print(f"{'setting':<28}{'register free (ms)':>20}{'register locked (ms)':>22}")
    for label, side in [("side database (default)", ""), ("SQLITE_SIDE_DATABASE=off", "off")]:
        free, locked = run(side, args.hold, args.logins)
        print(f"{label:<28}{free:>20.0f}{locked:>22.0f}")


if __name__ == "__main__":
    main()
