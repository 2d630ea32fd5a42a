"""Kaifang settings: one module, every value from an environment variable.

The README lists every variable; `.env.example` is the same list with defaults.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.env import (
    SIDE_DATABASE,
    SQLITE_CACHE_MIB,
    SQLITE_MMAP_MIB,
    database_config,
    env_bool,
    env_int,
    env_list,
    env_rate,
    env_str,
    load_env_file,
    side_database_config,
)

BASE_DIR = Path(__file__).resolve().parent.parent
# A local `.env` (written by `make demo`, or copied from `.env.example`) fills in variables
# the environment does not set; real environment variables always win. KAIFANG_ENV_FILE
# names another file; set it empty to read none (the test settings do, so a developer's
# `.env` never reaches the suite).
_ENV_FILE = os.environ.get("KAIFANG_ENV_FILE", str(BASE_DIR / ".env"))
if _ENV_FILE:
    load_env_file(Path(_ENV_FILE))
VAR_DIR = Path(env_str("KAIFANG_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_q",
    "kaifang.core.thirdparty_apps.AxesConfig",  # django-axes under a Chinese name
    "kaifang.core",
    "kaifang.enterprises",
    "kaifang.trade",
    "kaifang.servicedesk",
    "kaifang.supervision",
    "kaifang.library",
    "kaifang.indicators",
    "kaifang.reports",
    "kaifang.zones",
    "kaifang.risk",
    "kaifang.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Values several parts of one page read, computed once per request (core/lib/request_memo).
    "kaifang.core.lib.request_memo.RequestMemoMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kaifang.core.middleware.SessionTouchMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

# bench/load.py adds a hello-world baseline view (config/urls_bench.py); off by default.
# The garbage collector's full passes after a response, not within one (config/wsgi.py,
# kaifang/core/lib/collector.py, decision 0047).
GC_AFTER_RESPONSE = env_bool("GC_AFTER_RESPONSE", default=True)
# Figures computed on a page view reach the shared cache after its response (config/wsgi.py,
# kaifang/core/lib/local_cache.py, decision 0055).
CACHE_WRITE_AFTER_RESPONSE = env_bool("CACHE_WRITE_AFTER_RESPONSE", default=True)
ROOT_URLCONF = "config.urls_bench" if env_bool("BENCH_URLS", default=False) else "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kaifang.core.context_processors.shell",
            ],
        },
    },
]

# Django's form renderer, with <select> and <input> written out in Python (same HTML).
FORM_RENDERER = "kaifang.core.lib.form_renderer.FormRenderer"

# --- Database -----------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kaifang.sqlite3'}")
# PostgreSQL only: parallel workers per query for this process's connections (unset: the
# server's setting). The web service sets 0 (decision 0026): a page's query is bounded by its
# page, and parallel workers read past it and take the cores other requests wait for; the
# worker process keeps the server's setting for the rollup rebuilds.
_parallel_workers = env_int("DB_PARALLEL_WORKERS", -1, minimum=0)
DATABASES = {
    "default": database_config(
        DATABASE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0, minimum=0),
        sqlite_timeout=env_int("SQLITE_BUSY_TIMEOUT", 30, minimum=1),
        sqlite_test_name=str(VAR_DIR / "test.sqlite3"),
        parallel_workers=None if _parallel_workers < 0 else _parallel_workers,
        sqlite_cache_mib=env_int("SQLITE_CACHE_MB", SQLITE_CACHE_MIB, minimum=0),
        sqlite_mmap_mib=env_int("SQLITE_MMAP_MB", SQLITE_MMAP_MIB, minimum=0),
    )
}
# On SQLite, sessions, the login lockout and the cache live in a second file (decision 0011).
_side = side_database_config(DATABASES["default"], env_str("SQLITE_SIDE_DATABASE", ""))
if _side is not None:
    DATABASES[SIDE_DATABASE] = _side
DATABASE_ROUTERS = ["kaifang.core.db_router.SideDatabaseRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    # The database cache is shared by every process (web, worker) with no extra server.
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "kaifang_cache",
        # Django's default (300) culls a third of the entries, those whose keys sort first,
        # whenever it is exceeded: the pages' figures are keyed per rollup version and the
        # superseded versions' entries wait out their day, so at 300 the worker's refill of
        # the city's and units' figures was culled before anyone read it (issue 17). A
        # rebuild leaves scopes × pages entries of tens of kB each behind.
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
}

# --- Auth -----------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, with the user's unit read in the same query (the shell shows it).
    "kaifang.core.backends.UnitModelBackend",
    # Sessions signed in before the line above existed name this one.
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:workbench"
LOGOUT_REDIRECT_URL = "core:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "kaifang.core.passwords.MinimumLengthValidator",  # Chinese message
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "kaifang.core.passwords.CharacterClassValidator"},
]
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Idle expiry: the age counts from the last request, refreshed at most once a minute by
# kaifang.core.middleware.SessionTouchMiddleware (not on every request: see its docstring).
SESSION_SAVE_EVERY_REQUEST = False

AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "core/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Behind N reverse proxies (nginx: 1) the client address is taken from X-Forwarded-For, for
# the login lockout and every rate limit; 0 ignores the header (gunicorn reached directly).
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "kaifang.core.lib.client_ip.client_ip"
RATELIMIT_IP_META_KEY = "kaifang.core.lib.client_ip.client_ip"
# Password spraying: failed logins from one address, whatever the accounts, per hour.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30, minimum=1)
# Tracking-code lookups through the public API, per channel token.
API_TRACKING_RATE = env_rate("API_TRACKING_RATE", "600/h")

# --- i18n -------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
# Chinese for third-party apps without a zh-hans catalogue (django-axes' admin pages).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"

# --- Static and media --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
UPLOAD_MAX_MB = env_int("UPLOAD_MAX_MB", 200, minimum=1)
# An Excel export of more cells (rows × columns) is written by the worker, the user taken to
# its job page (kaifang.core.exports.written_in_request): about 150 ms of a web thread.
EXPORT_SYNC_CELLS = env_int("EXPORT_SYNC_CELLS", 8_000, minimum=0)
# A breakdown table (or its chart) whose reads take longer is computed by the worker while the
# page shows its progress (kaifang.trade.long_tables); 0: always in the request.
PAGE_READ_LIMIT_MS = env_int("PAGE_READ_LIMIT_MS", 1_000, minimum=0)

# --- E-mail and notifications ------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "kaifang@localhost")
EMAIL_ENABLED = env_bool("EMAIL_ENABLED", default=False)
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 5, minimum=1)

# --- Background jobs (django-q2 with the database as broker) ----------------------------
# See docs/decisions/0002-background-jobs.md. `kaifang qcluster` runs the workers and the
# scheduler; `kaifang setup-schedules` writes the periodic work into its table.
JOB_TIMEOUT_SECONDS = env_int("JOB_TIMEOUT_SECONDS", 3600, minimum=10)
Q_CLUSTER = {
    "name": "kaifang",
    "orm": "default",
    "workers": env_int("WORKER_PROCESSES", 2, minimum=1),
    "timeout": JOB_TIMEOUT_SECONDS,
    "retry": JOB_TIMEOUT_SECONDS + 60,
    "max_attempts": 1,
    "catch_up": False,
    "poll": 1,
    "save_limit": 500,
    "label": "后台任务队列",
    "sync": env_bool("JOBS_SYNC", default=False),
}

# --- Security -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if env_bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

NINJA_PAGINATION_PER_PAGE = 50

# --- Supervision (督查督办) -------------------------------------------------------------
# A task turns yellow this many working days before its deadline; reminders go out then too.
SUPERVISION_WARN_WORKDAYS = env_int("SUPERVISION_WARN_WORKDAYS", 3, minimum=0)
SUPERVISION_ATTACHMENT_MAX_MB = env_int("SUPERVISION_ATTACHMENT_MAX_MB", 20, minimum=1)

# --- Library (政策库) ----------------------------------------------------------------------
# Largest uploaded policy document (.docx, .pdf, .txt), in MB.
LIBRARY_UPLOAD_MAX_MB = env_int("LIBRARY_UPLOAD_MAX_MB", 20, minimum=1)
