"""Run the kaifang CLI and a real `runserver` on SQLite files of their own, for tests and
benchmarks that need a whole process (the side database's login test, bench_login_lock)."""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def own_files_env(directory: Path, **extra: str) -> dict[str, str]:
    """Test settings on a register file in `directory` (its side database beside it)."""
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": f"sqlite:///{directory / 'register.sqlite3'}",
        "MEDIA_ROOT": str(directory / "media"),
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def kaifang(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(  # noqa: S603 (our own CLI, fixed arguments)
        [sys.executable, "-m", "kaifang", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"kaifang {' '.join(args)} failed:\n{result.stdout}{result.stderr}")


def create_user(env: dict[str, str], username: str, password: str, full_name: str = "") -> None:
    kaifang(
        env,
        "shell",
        "-c",
        "from kaifang.core.models import User; "
        f"User.objects.create_user({username!r}, password={password!r}, full_name={full_name!r})",
    )


@contextlib.contextmanager
def running_server(env: dict[str, str]) -> Iterator[str]:
    """`kaifang runserver` on a free port; yields its base URL once it answers."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "kaifang", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/login/", timeout=5)  # noqa: S310 (loopback)
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def sign_in(base: str, username: str, password: str) -> tuple[int, str]:
    """Log in through the form (CSRF token and all); the status and body of the page the
    login redirects to (the workbench)."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = opener.open(f"{base}/login/", timeout=120).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise RuntimeError(f"no login form at {base}/login/: {page[:300]}")
    data = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    request = urllib.request.Request(f"{base}/login/", data=data, headers={"Referer": base})  # noqa: S310 (loopback)
    response = opener.open(request, timeout=120)
    return response.status, response.read().decode()
