"""Settings for the test suite: the embedded default unless DATABASE_URL / REDIS_URL point at real servers."""

from __future__ import annotations

import os
import tempfile

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key-0123456789-abcdefghijklmnopqrstuvwxyz"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed: hashing is not under test
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A real Celery worker started by a test (tests/core/test_outbox_outages.py) sends to that test's SMTP server.
if env("TEST_EMAIL_URL", default=""):  # noqa: F405
    vars().update(env.email_url("TEST_EMAIL_URL"))  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "core.storage.DatabaseStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
DEMO_DATA_ALLOWED = True
ALLOWED_HOSTS = ["*"]

# On SQLite the test database is a file, not memory, so that a real Celery worker in another process can open it
# (tests pass `connection.settings_dict["NAME"]` to the worker as its DATABASE_URL). One file per test run.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.environ.get("TEST_SQLITE_NAME", f"{tempfile.gettempdir()}/prevent-test-{os.getpid()}.sqlite3")
    }
