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
import os
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kaifang.core.tests.server import (  # noqa: E402 (after the path)
    create_user,
    kaifang,
    own_files_env,
    running_server,
    sign_in,
)

PASSWORD = "Bench-login-2026"  # noqa: S105 (a throwaway user on temporary files)


def login(base: str) -> float:
    start = time.perf_counter()
    status, _ = sign_in(base, "bench", PASSWORD)
    assert status == 200
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
        env = own_files_env(Path(tmp), SQLITE_SIDE_DATABASE=side, SQLITE_BUSY_TIMEOUT="30")
        kaifang(env, "migrate", "--noinput", "--verbosity", "0")
        create_user(env, "bench", PASSWORD)
        with running_server(env) as base:
            login(base)  # warm-up
            free = [login(base) for _ in range(logins)]
            locked = []
            for _ in range(logins):
                started = threading.Event()
                holder = threading.Thread(
                    target=hold_lock, args=(Path(tmp) / "register.sqlite3", hold, started)
                )
                holder.start()
                started.wait()
                time.sleep(0.5)
                locked.append(login(base))
                holder.join()
        return statistics.median(free), statistics.median(locked)


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
