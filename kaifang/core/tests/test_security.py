"""The security baseline with DEBUG off: headers, cookies, a CSP with no inline code (and no
template that would need it), and `kaifang check --deploy` clean on production settings."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from conftest import PASSWORD

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)

# What production has; settings_test switches the redirect and secure cookies off for http.
PRODUCTION = {
    "SECURE_SSL_REDIRECT": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
}


def test_debug_is_off_in_the_suite():
    assert settings.DEBUG is False


@override_settings(**PRODUCTION)
def test_security_headers_on_https(city):
    anonymous, client = Client(), Client()
    client.force_login(city.officer)
    for response in [anonymous.get("/login/", secure=True), client.get("/", secure=True)]:
        assert response.status_code == 200
        assert response["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        csp = response["Content-Security-Policy"]
        assert "'unsafe-inline'" not in csp
        assert "'unsafe-eval'" not in csp
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'"


@override_settings(**PRODUCTION)
def test_plain_http_is_redirected_except_the_health_check(db):
    client = Client()
    response = client.get("/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/login/"
    assert client.get("/healthz").status_code == 200


@override_settings(**PRODUCTION)
def test_cookies_are_secure_and_http_only(city):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/login/", secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"]
    response = client.post(
        "/login/",
        {"username": "officer", "password": PASSWORD, "csrfmiddlewaretoken": csrf.value},
        secure=True,
        headers={"referer": "https://testserver/login/"},  # HTTPS CSRF checks the referer
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"


# --- No inline code anywhere, so the CSP never has to allow it ---------------------------

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTR = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style\b", re.IGNORECASE)
EVENT_ATTR = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
JS_URL = re.compile(r"href\s*=\s*[\"']\s*javascript:", re.IGNORECASE)
PATTERNS = {
    "inline <script>": INLINE_SCRIPT,
    "style= attribute": STYLE_ATTR,
    "<style> element": STYLE_TAG,
    "on…= event handler": EVENT_ATTR,
    "javascript: URL": JS_URL,
}


def template_files() -> list[Path]:
    dirs = [ROOT / "templates", *sorted((ROOT / "kaifang").glob("*/templates"))]
    return sorted(path for d in dirs for path in d.rglob("*.html"))


def inline_code(html: str) -> list[str]:
    return [
        f"{name}: {match.group(0).strip()}"
        for name, pattern in PATTERNS.items()
        for match in pattern.finditer(html)
    ]


def test_the_scanner_catches_inline_code():
    assert inline_code('<script>alert(1)</script><p style="color:red" onclick="x()">') == [
        "inline <script>: <script>",
        "style= attribute: style=",
        'on…= event handler: onclick="',
    ]
    assert inline_code('<script src="/static/js/kaifang.js" defer></script>') == []


def test_no_template_contains_inline_script_or_style():
    files = template_files()
    assert len(files) > 10
    problems = [
        f"{path.relative_to(ROOT)}: {problem}"
        for path in files
        for problem in inline_code(path.read_text(encoding="utf-8"))
    ]
    assert problems == []


def test_rendered_pages_contain_no_inline_script_or_style(city):
    client = Client()
    pages = [client.get("/login/").content.decode()]
    client.force_login(city.admin)
    pages += [client.get(url).content.decode() for url in ["/", "/profile/", "/units/"]]
    assert [problem for page in pages for problem in inline_code(page)] == []


# --- check --deploy -----------------------------------------------------------------


def test_check_deploy_is_clean_with_production_environment(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "KAIFANG_ENV_FILE": "",  # production settings alone, whatever a local .env holds
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_COOKIES": "true",
        "SECURE_SSL_REDIRECT": "true",
        "ALLOWED_HOSTS": "kaifang.example.gov.cn",
        "CSRF_TRUSTED_ORIGINS": "https://kaifang.example.gov.cn",
        "SITE_URL": "https://kaifang.example.gov.cn",
        "KAIFANG_VAR_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "kaifang", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "KAIFANG_ENV_FILE": "",  # production settings alone, whatever a local .env holds
        "DEBUG": "false",
        "KAIFANG_VAR_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "kaifang", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
