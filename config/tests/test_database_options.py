"""DB_PARALLEL_WORKERS (decision 0026): the web service's connections to PostgreSQL run their
queries without parallel workers when it is set; SQLite has no such option and ignores it.
Checked in a fresh process started with the variable, as a gunicorn worker starts."""

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
"""


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
    env = {k: v for k, v in os.environ.items() if k != "DB_PARALLEL_WORKERS"}
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
        assert web == {"options": "none", "workers": "n/a"}
        return
    assert web == {"options": "-c max_parallel_workers_per_gather=0", "workers": "0"}
    worker = started_with()  # the variable unset: the server's own setting
    assert worker == {"options": "none", "workers": server}
