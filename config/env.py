"""Typed readers for environment variables.

Settings fail loudly at start-up on a bad value instead of misbehaving later
(the healthchecks habit): every helper raises ImproperlyConfigured with the
variable's name and what was expected.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    source = os.environ if environ is None else environ
    return source.get(name)


def env_str(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    return default if value is None else value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:  # noqa: FBT001
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false, 1/0), got {value!r}")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    value = _raw(name, environ)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}")
    return number


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] | None = None
) -> list[str]:
    value = _raw(name, environ)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_rate(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    """A rate as django-ratelimit writes it: a count per unit, e.g. `600/h`, `10/m`, `5/30s`."""
    value = env_str(name, default, environ=environ).strip()
    if not re.fullmatch(r"[1-9][0-9]*/[1-9]?[0-9]*[smhd]", value):
        raise ImproperlyConfigured(f"{name} must be a rate like 600/h or 10/m, got {value!r}")
    return value


def read_env_file(path: Path) -> dict[str, str]:
    """The KEY=VALUE lines of a local `.env` file (the subset `make demo` writes and
    `.env.example` shows): blank lines and `#` comments skipped, an optional `export `
    prefix, values optionally in single or double quotes. A line without `=` or with a
    name that is not an identifier stops the start-up, naming the file and the line."""
    values: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        name, sep, value = line.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise ImproperlyConfigured(f"{path}:{number}: expected NAME=value, got {raw!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in {"'", '"'}:
            value = value[1:-1]
        values[name] = value
    return values


def load_env_file(path: Path, *, environ: MutableMapping[str, str] | None = None) -> list[str]:
    """Put the values of `path` into the environment where a variable is not already set
    (a real environment variable always wins). Returns the names it set; nothing when the
    file does not exist."""
    target = os.environ if environ is None else environ
    if not path.is_file():
        return []
    loaded = []
    for name, value in read_env_file(path).items():
        if name not in target:
            target[name] = value
            loaded.append(name)
    return loaded


SQLITE_ENGINE = "django.db.backends.sqlite3"
POSTGRES_ENGINE = "django.db.backends.postgresql"
SQLITE_CACHE_MIB = 64  # per connection, taken as pages are read; 0: SQLite's 2 MB (decision 0027)
SQLITE_MMAP_MIB = 2048  # address space, not memory: the OS's page cache backs it


def database_config(
    url: str,
    *,
    conn_max_age: int = 0,
    sqlite_timeout: int = 30,
    sqlite_test_name: str | None = None,
    parallel_workers: int | None = None,
    sqlite_cache_mib: int = SQLITE_CACHE_MIB,
    sqlite_mmap_mib: int = SQLITE_MMAP_MIB,
) -> dict[str, Any]:
    """DATABASES["default"] from DATABASE_URL: SQLite (tuned for several processes) or
    PostgreSQL through psycopg 3; any other scheme is refused at start-up. On PostgreSQL,
    `parallel_workers` (None: the server's own setting) is the session's
    max_parallel_workers_per_gather, sent with the connection (libpq's `options`). On
    SQLite, each connection's page cache and memory map (decision 0027)."""
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=conn_max_age))
    except (ValueError, dj_database_url.UnknownSchemeError) as exc:
        raise ImproperlyConfigured(
            f"DATABASE_URL must be sqlite:///… or postgres://…, got {url!r} ({exc})"
        ) from None
    if config["ENGINE"] == SQLITE_ENGINE:
        # WAL lets readers and the worker run beside a writer; IMMEDIATE takes the
        # write lock at BEGIN so two writers queue instead of failing mid-transaction.
        # A page cache of SQLite's 2 MB default loses a B-tree's inner pages between the
        # lookups of one query, and every page read is a system call and a copy: a larger
        # cache and a memory map (which SQLite caps at its build's maximum, 2 GB in Debian's)
        # make a walk's lookups cheaper and stay so as the file grows (decision 0027).
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                + (f" PRAGMA cache_size=-{sqlite_cache_mib * 1024};" if sqlite_cache_mib else "")
                + f" PRAGMA mmap_size={sqlite_mmap_mib * 1024 * 1024};"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": sqlite_timeout,
        }
        if sqlite_test_name:
            config["TEST"] = {"NAME": sqlite_test_name}
    elif config["ENGINE"] != POSTGRES_ENGINE:
        raise ImproperlyConfigured(
            f"DATABASE_URL must be sqlite:///… or postgres://…, got engine {config['ENGINE']}"
        )
    elif parallel_workers is not None:
        options = config.setdefault("OPTIONS", {})
        given = str(options.get("options", "")).strip()
        workers = f"-c max_parallel_workers_per_gather={parallel_workers}"
        options["options"] = f"{given} {workers}".strip()
    return config


SIDE_DATABASE = "side"


def side_database_config(default: Mapping[str, Any], setting: str) -> dict[str, Any] | None:
    """DATABASES["side"]: a second SQLite file for what a login and a page view write
    (sessions, the login lockout, the cache), so they never queue behind an import that holds
    the register's one write lock (decision 0011). None on PostgreSQL, whose writers do not
    block each other, or when SQLITE_SIDE_DATABASE is "off".

    The setting is a path, "off", or empty for the default: the register's file name with
    "-side" before the suffix (var/kaifang.sqlite3 → var/kaifang-side.sqlite3). "auto" (the
    benchmarks, which open databases built either way) is the default file when it exists,
    else off."""
    choice = setting.strip().lower()
    if default["ENGINE"] != SQLITE_ENGINE or choice == "off":
        return None
    main = Path(str(default["NAME"]))
    beside = main.with_name(f"{main.stem}-side{main.suffix}")
    if choice == "auto":
        if not beside.exists():
            return None
        setting = ""
    path = Path(setting) if setting.strip() else beside
    config = dict(default)
    config["NAME"] = str(path)
    config["OPTIONS"] = dict(default["OPTIONS"])
    test_name = default.get("TEST", {}).get("NAME")
    if test_name:
        test = Path(str(test_name))
        config["TEST"] = {"NAME": str(test.with_name(f"{test.stem}-side{test.suffix}"))}
    return config
