"""Settings for the test suite: production settings with test-safe environment defaults."""

import os

# Never read a developer's local .env: the suite runs on the values below whatever it holds.
os.environ["KAIFANG_ENV_FILE"] = ""

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("JOBS_SYNC", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# One database per test run: the side database (decision 0011) is exercised by its own test,
# which starts a real server with it (core/tests/test_side_database.py).
os.environ.setdefault("SQLITE_SIDE_DATABASE", "off")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
AXES_ENABLED = True
