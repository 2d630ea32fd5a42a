"""The typed environment readers and DATABASE_URL: good values parse, bad ones stop the
start-up with ImproperlyConfigured naming the variable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import database_config, env_bool, env_int, env_list, env_rate, env_str


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("TRUE", True), (" yes ", True), ("on", True),
     ("0", False), ("false", False), ("No", False), ("off", False), ("", False)],
)  # fmt: skip
def test_env_bool_reads_the_usual_spellings(raw, expected):
    assert env_bool("DEBUG", default=not expected, environ={"DEBUG": raw}) is expected


def test_env_bool_default_when_unset():
    assert env_bool("DEBUG", default=True, environ={}) is True
    assert env_bool("DEBUG", default=False, environ={}) is False


@pytest.mark.parametrize("raw", ["maybe", "2", "ture", "y e s"])
def test_env_bool_refuses_anything_else(raw):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_USE_TLS must be a boolean"):
        env_bool("EMAIL_USE_TLS", default=False, environ={"EMAIL_USE_TLS": raw})


def test_env_int():
    assert env_int("EMAIL_PORT", 25, environ={}) == 25
    assert env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": " 465 "}) == 465
    assert env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": ""}) == 25
    assert env_int("DB_CONN_MAX_AGE", 0, minimum=0, environ={"DB_CONN_MAX_AGE": "0"}) == 0


@pytest.mark.parametrize("raw", ["abc", "1.5", "10s", "0x10"])
def test_env_int_refuses_non_integers(raw):
    with pytest.raises(ImproperlyConfigured, match="SESSION_COOKIE_AGE must be an integer"):
        env_int("SESSION_COOKIE_AGE", 3600, environ={"SESSION_COOKIE_AGE": raw})


def test_env_int_enforces_the_minimum():
    with pytest.raises(
        ImproperlyConfigured, match="SESSION_COOKIE_AGE must be at least 300, got 60"
    ):
        env_int("SESSION_COOKIE_AGE", 3600, minimum=300, environ={"SESSION_COOKIE_AGE": "60"})


def test_env_list():
    assert env_list("ALLOWED_HOSTS", ["localhost"], environ={}) == ["localhost"]
    assert env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.gov.cn, b.gov.cn,,"}) == [
        "a.gov.cn",
        "b.gov.cn",
    ]
    assert env_list("ALLOWED_HOSTS", ["localhost"], environ={"ALLOWED_HOSTS": ""}) == []


def test_env_list_default_is_a_copy():
    default = ["localhost"]
    env_list("ALLOWED_HOSTS", default, environ={}).append("evil")
    assert default == ["localhost"]


def test_env_str():
    assert env_str("SITE_URL", "http://127.0.0.1:8000", environ={}) == "http://127.0.0.1:8000"
    assert env_str("SITE_URL", "x", environ={"SITE_URL": "https://k.gov.cn"}) == "https://k.gov.cn"
    assert env_str("WEBHOOK_URL", "x", environ={"WEBHOOK_URL": ""}) == ""


# --- DATABASE_URL ---------------------------------------------------------------


def test_sqlite_is_tuned_for_several_processes(tmp_path):
    config = database_config(
        f"sqlite:///{tmp_path}/kaifang.sqlite3",
        sqlite_timeout=45,
        sqlite_test_name=str(tmp_path / "test.sqlite3"),
    )
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == f"{tmp_path}/kaifang.sqlite3"
    assert "PRAGMA journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert "PRAGMA foreign_keys=ON" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config["OPTIONS"]["timeout"] == 45
    assert config["TEST"] == {"NAME": str(tmp_path / "test.sqlite3")}
    assert "PRAGMA cache_size=-65536;" in config["OPTIONS"]["init_command"]  # 64 MB
    assert "PRAGMA mmap_size=2147483648;" in config["OPTIONS"]["init_command"]


def test_sqlite_cache_and_memory_map_sizes(tmp_path):
    url = f"sqlite:///{tmp_path}/kaifang.sqlite3"
    command = database_config(url, sqlite_cache_mib=8, sqlite_mmap_mib=100)["OPTIONS"]
    assert "PRAGMA cache_size=-8192;" in command["init_command"]
    assert "PRAGMA mmap_size=104857600;" in command["init_command"]
    sqlites_own = database_config(url, sqlite_cache_mib=0, sqlite_mmap_mib=0)["OPTIONS"]
    assert "cache_size" not in sqlites_own["init_command"]  # SQLite's default, 2 MB
    assert "PRAGMA mmap_size=0;" in sqlites_own["init_command"]


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "pgsql"])
def test_postgres_url(scheme):
    config = database_config(f"{scheme}://kaifang:s3cret@db.internal:5433/kaifang", conn_max_age=60)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"]) == ("kaifang", "s3cret")
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 5433, "kaifang")
    assert config["CONN_MAX_AGE"] == 60
    assert "OPTIONS" not in config or "init_command" not in config["OPTIONS"]


def test_postgres_parallel_workers_go_with_the_connection():
    url = "postgres://kaifang@db.internal:5432/kaifang"
    assert "options" not in database_config(url).get("OPTIONS", {})  # the server's setting
    config = database_config(url, parallel_workers=0)
    assert config["OPTIONS"]["options"] == "-c max_parallel_workers_per_gather=0"
    # an `options` already in the URL's query string is kept
    config = database_config(url + "?options=-c%20statement_timeout%3D5000", parallel_workers=2)
    assert config["OPTIONS"]["options"] == (
        "-c statement_timeout=5000 -c max_parallel_workers_per_gather=2"
    )


def test_sqlite_has_no_parallel_workers_option(tmp_path):
    config = database_config(f"sqlite:///{tmp_path}/kaifang.sqlite3", parallel_workers=0)
    assert "options" not in config["OPTIONS"]


@pytest.mark.parametrize(
    "url", ["mysql://u:p@h/db", "oracle://u:p@h/db", "foo://u@h/db", "kaifang.sqlite3"]
)
def test_other_databases_are_refused(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL must be sqlite"):
        database_config(url)


# --- .env.example ---------------------------------------------------------------------


def test_env_example_lists_every_variable_settings_reads():
    root = Path(__file__).resolve().parents[2]
    read = set(
        re.findall(
            r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"',
            (root / "config/settings.py").read_text(),
        )
    )
    listed = set(
        re.findall(r"^(?:# )?([A-Z0-9_]+)=", (root / ".env.example").read_text(), re.MULTILINE)
    )
    assert len(read) > 25
    assert read - listed == set()


def test_env_rate_and_trusted_proxies():
    assert env_rate("API_TRACKING_RATE", "600/h", environ={}) == "600/h"
    assert env_rate("API_TRACKING_RATE", "600/h", environ={"API_TRACKING_RATE": "10/5m"}) == "10/5m"
    for bad in ["600", "600/week", "-1/h", "many/h"]:
        with pytest.raises(ImproperlyConfigured, match="API_TRACKING_RATE"):
            env_rate("API_TRACKING_RATE", "600/h", environ={"API_TRACKING_RATE": bad})
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        env_int("TRUSTED_PROXIES", 0, minimum=0, environ={"TRUSTED_PROXIES": "-1"})
