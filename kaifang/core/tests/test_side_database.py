"""A login while an import holds the register's write lock (SQLite, decision 0011).

A real server runs on its own SQLite files with the side database on. The test takes the
register's write lock the way an import's commit does (BEGIN IMMEDIATE, held open) and logs
in: the login and the first page must answer while the lock is still held. Without the side
database the session, the lockout's access log and the rate-limit counter all need that lock,
and the login fails with "database is locked" after the busy timeout."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kaifang.core import db_router
from kaifang.core.db_router import SIDE, SideDatabaseRouter

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "Side-db-login-2026"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _kaifang(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603 (our own CLI, fixed arguments)
        [sys.executable, "-m", "kaifang", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    main = tmp_path / "register.sqlite3"
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": f"sqlite:///{main}",
        "SQLITE_SIDE_DATABASE": "",  # the default: register-side.sqlite3 beside it
        "SQLITE_BUSY_TIMEOUT": "2",  # a login that needs the lock fails in 2 s, not 30
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONPATH": str(ROOT),
    }
    _kaifang(env, "migrate", "--noinput", "--verbosity", "0")
    _kaifang(
        env,
        "shell",
        "-c",
        "from kaifang.core.models import User; "
        f"User.objects.create_user('sideuser', password='{PASSWORD}', full_name='边库测试员')",
    )
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "kaifang", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/login/", timeout=5)  # noqa: S310
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        yield base, main, tmp_path / "register-side.sqlite3"
    finally:
        process.terminate()
        process.communicate(timeout=20)


def _login(base: str) -> tuple[int, str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, page[:500]
    data = urllib.parse.urlencode(
        {"username": "sideuser", "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    request = urllib.request.Request(f"{base}/login/", data=data, headers={"Referer": base})  # noqa: S310 (loopback)
    response = opener.open(request, timeout=30)  # follows the redirect to the workbench
    return response.status, response.read().decode()


def _last_login(main: Path) -> str | None:
    with sqlite3.connect(main) as db:
        row = db.execute("SELECT last_login FROM core_user WHERE username='sideuser'").fetchone()
    return row[0]


@pytest.mark.slow
def test_login_answers_while_an_import_holds_the_write_lock(server):
    base, main, side = server
    assert side.is_file()  # `kaifang migrate` migrated the side database too
    with sqlite3.connect(side) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"django_session", "axes_accesslog", "kaifang_cache"} <= tables
    assert "core_user" not in tables

    lock = sqlite3.connect(main, isolation_level=None, timeout=1)
    lock.execute("BEGIN IMMEDIATE")  # what an import's commit holds until it ends
    try:
        status, page = _login(base)
        assert status == 200
        assert "边库测试员" in page  # the workbench, signed in
        # last_login waits for no one: left as it was while the lock is held.
        assert _last_login(main) is None
    finally:
        lock.execute("ROLLBACK")
        lock.close()

    status, page = _login(base)
    assert status == 200
    assert _last_login(main) is not None  # recorded once the register is free


def test_router_sends_sessions_lockout_and_cache_to_the_side_database(monkeypatch):
    from django.contrib.sessions.models import Session

    from kaifang.core.models import User

    router = SideDatabaseRouter()
    assert router.db_for_write(Session) is None  # no side database: Django's default
    monkeypatch.setattr(db_router, "side_enabled", lambda: True)
    assert router.db_for_write(Session) == SIDE
    assert router.db_for_write(User) == "default"
    assert router.allow_migrate(SIDE, "sessions") is True
    assert router.allow_migrate("default", "axes") is False
    assert router.allow_migrate(SIDE, "core") is False
    assert router.allow_migrate("default", "trade") is True
