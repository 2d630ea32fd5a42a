"""DB_PARALLEL_WORKERS (decision 0026): the web service's connections to PostgreSQL run their
queries without parallel workers when it is set; SQLite has no such option and ignores it.
SQLITE_CACHE_MB and SQLITE_MMAP_MB (decision 0027): every SQLite connection's page cache and
memory map. Checked in a fresh process started with the variables, as a gunicorn worker
starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

SHOW = """
import django
django.setup()
from django.conf import settings
from django.db import connection
print("options:", settings.DATABASES["default"].get("OPTIONS", {}).get("options", "none"))
with connection.cursor() as cursor:
    if connection.vendor == "postgresql":
        cursor.execute("SHOW max_parallel_workers_per_gather")
    else:
        cursor.execute("SELECT 'n/a'")
    print("workers:", cursor.fetchone()[0])
    if connection.vendor == "sqlite":
        print("cache:", cursor.execute("PRAGMA cache_size").fetchone()[0])
        print("mmap:", cursor.execute("PRAGMA mmap_size").fetchone()[0])
"""
VARIABLES = ("DB_PARALLEL_WORKERS", "SQLITE_CACHE_MB", "SQLITE_MMAP_MB")


def this_database_url() -> str:
    """The URL of the database the tests run on (the test database, not DATABASE_URL's)."""
    given = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{given['NAME']}"
    user = quote(str(given["USER"] or ""), safe="")
    password = quote(str(given["PASSWORD"] or ""), safe="")
    login = f"{user}:{password}" if password else user
    return f"postgres://{login}@{given['HOST']}:{given['PORT']}/{given['NAME']}"


def started_with(**variables: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": this_database_url(),
        **variables,
    }
    done = subprocess.run(  # noqa: S603 - this interpreter, our own fixed script
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return dict(line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line)


@pytest.mark.django_db
def test_the_web_services_setting_reaches_its_connections():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW max_parallel_workers_per_gather")
            server = cursor.fetchone()[0]
        else:
            server = "n/a"
    web = started_with(DB_PARALLEL_WORKERS="0")
    if connection.vendor != "postgresql":  # nothing to set on SQLite, and it breaks nothing
        assert (web["options"], web["workers"]) == ("none", "n/a")
        return
    assert web == {"options": "-c max_parallel_workers_per_gather=0", "workers": "0"}
    worker = started_with()  # the variable unset: the server's own setting
    assert worker == {"options": "none", "workers": server}


@pytest.mark.django_db
def test_sqlite_connections_get_their_page_cache_and_memory_map():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's pragmas")
    with connection.cursor() as cursor:  # this process: the defaults
        assert cursor.execute("PRAGMA cache_size").fetchone()[0] == -64 * 1024
        build_max = cursor.execute("PRAGMA mmap_size").fetchone()[0]
    assert 0 < build_max <= 2048 * 1024 * 1024  # SQLite caps it at its build's maximum
    given = started_with(SQLITE_CACHE_MB="16", SQLITE_MMAP_MB="256")
    assert (given["cache"], given["mmap"]) == (str(-16 * 1024), str(256 * 1024 * 1024))
    sqlites_own = started_with(SQLITE_CACHE_MB="0", SQLITE_MMAP_MB="0")
    assert (sqlites_own["cache"], sqlites_own["mmap"]) == ("-2000", "0")  # its 2 MB, no map
