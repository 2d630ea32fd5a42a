"""The local `.env` that `make demo` writes: read when present, never over a real environment
variable, and never by the test settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import load_env_file, read_env_file

REPO = Path(__file__).resolve().parent.parent.parent


def test_read_env_file_parses_comments_quotes_and_export(tmp_path):
    path = tmp_path / ".env"
    path.write_text(
        "# demo\n\nSECRET_KEY=abc-123_x\nexport DEBUG=false\nSITE_URL='http://x:8001'\n"
        'ALLOWED_HOSTS="127.0.0.1,localhost"\nEMPTY=\n',
        encoding="utf-8",
    )
    assert read_env_file(path) == {
        "SECRET_KEY": "abc-123_x",
        "DEBUG": "false",
        "SITE_URL": "http://x:8001",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EMPTY": "",
    }


def test_read_env_file_names_the_bad_line(tmp_path):
    path = tmp_path / ".env"
    path.write_text("DEBUG=false\nthis is not a setting\n", encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match=r"\.env:2"):
        read_env_file(path)


def test_real_environment_wins_over_the_file(tmp_path):
    path = tmp_path / ".env"
    path.write_text("SECRET_KEY=from-file\nDEBUG=false\n", encoding="utf-8")
    environ = {"SECRET_KEY": "from-environment"}
    assert load_env_file(path, environ=environ) == ["DEBUG"]
    assert environ == {"SECRET_KEY": "from-environment", "DEBUG": "false"}


def test_missing_file_changes_nothing(tmp_path):
    environ: dict[str, str] = {}
    assert load_env_file(tmp_path / "absent.env", environ=environ) == []
    assert environ == {}


def _settings_value(settings_module: str, expression: str, env_file: Path) -> str:
    """Import the settings in a fresh interpreter with no SECRET_KEY/DEBUG exported (as a
    newcomer's shell after `make demo`), and print one value."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environ["KAIFANG_ENV_FILE"] = str(env_file)
    code = f"import {settings_module} as s; print({expression})"
    result = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-c", code],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_settings_read_the_env_file_without_exports(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("SECRET_KEY=demo-secret-from-file\nDEBUG=false\n", encoding="utf-8")
    assert _settings_value("config.settings", "s.SECRET_KEY", env_file) == "demo-secret-from-file"


def test_test_settings_never_read_a_local_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(
        "SECRET_KEY=demo-secret-from-file\nDATABASE_URL=postgres://nobody@nowhere/none\n",
        encoding="utf-8",
    )
    value = _settings_value(
        "config.settings_test", "s.SECRET_KEY, s.DATABASES['default']['ENGINE']", env_file
    )
    assert "demo-secret-from-file" not in value
    assert "sqlite3" in value
