"""Start a real `kaifang qcluster` on the test database, for tests that need the worker."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


def test_database_url() -> str:
    """The URL of the database the tests run on, so a subprocess shares it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        if not Path(str(db["NAME"])).is_file():
            pytest.skip("needs the file-based SQLite test database")
        return f"sqlite:///{db['NAME']}"
    auth = f"{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}@" if db["USER"] else ""
    return f"postgres://{auth}{quote(db['HOST'] or '', safe='')}:{db['PORT'] or ''}/{db['NAME']}"


test_database_url.__test__ = False  # type: ignore[attr-defined]  # not a test


@contextlib.contextmanager
def running_worker(*, media_root: object, workers: int = 1) -> Iterator[subprocess.Popen[bytes]]:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": test_database_url(),
        "MEDIA_ROOT": str(media_root),
        "WORKER_PROCESSES": str(workers),
        "PYTHONPATH": str(ROOT),
    }
    cluster = subprocess.Popen(
        [sys.executable, "-m", "kaifang", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield cluster
    finally:
        # SIGTERM to the cluster's main process: it stops its workers and scheduler itself.
        cluster.send_signal(signal.SIGTERM)
        try:
            cluster.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(cluster.pid, signal.SIGKILL)
            cluster.communicate()
