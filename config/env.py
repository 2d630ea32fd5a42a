"""Typed readers for environment variables.

Settings fail loudly at start-up on a bad value instead of misbehaving later
(the healthchecks habit): every helper raises ImproperlyConfigured with the
variable's name and what was expected.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
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


SQLITE_ENGINE = "django.db.backends.sqlite3"
POSTGRES_ENGINE = "django.db.backends.postgresql"


def database_config(
    url: str,
    *,
    conn_max_age: int = 0,
    sqlite_timeout: int = 30,
    sqlite_test_name: str | None = None,
) -> dict[str, Any]:
    """DATABASES["default"] from DATABASE_URL: SQLite (tuned for several processes) or
    PostgreSQL through psycopg 3; any other scheme is refused at start-up."""
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=conn_max_age))
    except (ValueError, dj_database_url.UnknownSchemeError) as exc:
        raise ImproperlyConfigured(
            f"DATABASE_URL must be sqlite:///… or postgres://…, got {url!r} ({exc})"
        ) from None
    if config["ENGINE"] == SQLITE_ENGINE:
        # WAL lets readers and the worker run beside a writer; IMMEDIATE takes the
        # write lock at BEGIN so two writers queue instead of failing mid-transaction.
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
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
    return config
