"""A login while an import holds the register's write lock (SQLite, decision 0011).

A real server runs on its own SQLite files with the side database on. The test takes the
register's write lock the way an import's commit does (BEGIN IMMEDIATE, held open) and logs
in: the login and the first page must answer while the lock is still held. Without the side
database the session, the lockout's access log and the rate-limit counter all need that lock,
and the login fails with "database is locked" after the busy timeout."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from kaifang.core import db_router
from kaifang.core.db_router import SIDE, SideDatabaseRouter
from kaifang.core.tests.server import (
    create_user,
    kaifang,
    own_files_env,
    running_server,
    sign_in,
)

PASSWORD = "Side-db-login-2026"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    env = own_files_env(
        tmp_path,
        SQLITE_SIDE_DATABASE="",  # the default: register-side.sqlite3 beside it
        SQLITE_BUSY_TIMEOUT="2",  # a login that needs the lock fails in 2 s, not 30
    )
    kaifang(env, "migrate", "--noinput", "--verbosity", "0")
    create_user(env, "sideuser", PASSWORD, "边库测试员")
    with running_server(env) as base:
        yield base, tmp_path / "register.sqlite3", tmp_path / "register-side.sqlite3"


def _login(base: str) -> tuple[int, str]:
    return sign_in(base, "sideuser", PASSWORD)


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


def test_side_setting_auto_uses_the_side_file_only_where_one_was_made(tmp_path: Path) -> None:
    """The benchmarks open databases built by `kaifang` (sessions in the side file) and by the
    test settings (no side file): "auto" must follow what the database has."""
    from config.env import SQLITE_ENGINE, side_database_config

    main = tmp_path / "city.sqlite3"
    default = {"ENGINE": SQLITE_ENGINE, "NAME": str(main), "OPTIONS": {}}
    assert side_database_config(default, "auto") is None
    (tmp_path / "city-side.sqlite3").touch()
    config = side_database_config(default, "auto")
    assert config is not None
    assert config["NAME"] == str(tmp_path / "city-side.sqlite3")
    assert side_database_config(default, "off") is None
    assert (
        side_database_config({**default, "ENGINE": "django.db.backends.postgresql"}, "auto") is None
    )
