"""The real worker: `kaifang qcluster` in a subprocess, on the same SQLite test database, runs a
job queued by the web side and the job row shows its progress and result."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from kaifang.core.jobs import enqueue
from kaifang.core.models import Job, JobStatus
from kaifang.core.tasks import SELFTEST_KIND

ROOT = Path(__file__).resolve().parents[3]


def _test_database_url() -> str:
    """The URL of the database this test runs on, so the worker subprocess shares it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        if not Path(str(db["NAME"])).is_file():
            pytest.skip("needs the file-based SQLite test database")
        return f"sqlite:///{db['NAME']}"
    auth = f"{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}@" if db["USER"] else ""
    return f"postgres://{auth}{quote(db['HOST'] or '', safe='')}:{db['PORT'] or ''}/{db['NAME']}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_qcluster_runs_a_queued_job(city, tmp_path):
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": _test_database_url(),
        "MEDIA_ROOT": str(tmp_path),
        "WORKER_PROCESSES": "1",
        "PYTHONPATH": str(ROOT),
    }
    created = enqueue(
        kind=SELFTEST_KIND,
        owner=city.officer,
        title="系统自检",
        params={"steps": 20, "pause": 0.1},
    )
    cluster = subprocess.Popen(
        [sys.executable, "-m", "kaifang", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        row = Job.objects.get(pk=created.pk)
        while time.monotonic() < deadline and not row.is_finished:
            time.sleep(0.2)
            row = Job.objects.get(pk=created.pk)
            if row.status == JobStatus.RUNNING:
                seen.add(row.percent)
    finally:
        # SIGTERM to the cluster's main process: it stops its workers and scheduler itself.
        cluster.send_signal(signal.SIGTERM)
        try:
            output, _ = cluster.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(cluster.pid, signal.SIGKILL)
            output, _ = cluster.communicate()
    assert row.status == JobStatus.SUCCEEDED, output.decode(errors="replace")[-3000:]
    assert row.percent == 100
    assert any(0 < p < 100 for p in seen), f"no intermediate progress seen: {sorted(seen)}"
    assert (Path(tmp_path) / row.result_file.name).is_file()
    assert row.result == {"steps": 20}
