"""bench/bench_import.py runs end to end on a small file (it once failed on a database
without the cache table, and nobody noticed until the benchmark was needed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_import_benchmark_runs_and_prints_its_baseline(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
    }
    done = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, str(ROOT / "bench" / "bench_import.py"), "3000", "300"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "csv (GB18030): 3,000 rows" in out
    assert "xlsx: 300 rows" in out
    assert out.count("<- baseline") == 2
    assert "pipeline / raw insert" in out
