"""Production: PostgreSQL, Redis, Celery workers and gunicorn behind a TLS-terminating reverse proxy.

Every secret and deployment difference comes from the environment; missing ones stop the start-up.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from prevent_portal.db_timeouts import session_options

from .base import *  # noqa: F403
from .base import DATABASES, DB_LOCK_TIMEOUT_SECONDS, DB_STATEMENT_TIMEOUT_SECONDS, REDIS_URL, env

SECRET_KEY = env("DJANGO_SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters.")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[f"https://{h}" for h in ALLOWED_HOSTS])
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Production needs DATABASE_URL pointing at PostgreSQL.")
# Connections are kept between requests and checked before a request's first query, so one the database or the
# network dropped is replaced instead of failing a page; each carries the statement and lock timeouts.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["options"] = session_options(
    statement_timeout=DB_STATEMENT_TIMEOUT_SECONDS, lock_timeout=DB_LOCK_TIMEOUT_SECONDS
)
if not REDIS_URL:
    raise ImproperlyConfigured("Production needs REDIS_URL for Celery and the cache.")
DEBUG = False
DEMO_DATA_ALLOWED = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=63072000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")
SITE_URL = env("SITE_URL")
EMAIL_URL = env.email_url("EMAIL_URL", default="smtp://localhost:25")
vars().update(EMAIL_URL)
