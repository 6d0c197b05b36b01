"""gunicorn settings for production (`gunicorn prevent_portal.wsgi --config gunicorn.conf.py`). Command-line
flags override these. The worker timeout stays above the database statement timeout, so a slow query ends as a
database error and a 503 page rather than a killed worker and a dropped connection."""

from __future__ import annotations

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", int(os.environ.get("DB_STATEMENT_TIMEOUT_SECONDS", "30")) + 30))
graceful_timeout = timeout
accesslog = "-"
