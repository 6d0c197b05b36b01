"""PostgreSQL timeouts set on every connection under production settings: a runaway query or a long lock wait
ends with an error (a 503 page) instead of holding a gunicorn worker and a connection until gunicorn kills both.
The Celery worker renders reports with long aggregates, so its connections get their own statement timeout."""

from __future__ import annotations


def session_options(*, statement_timeout: int, lock_timeout: int) -> str:
    """libpq `options` for a connection: the timeouts, in seconds, set as the session's defaults."""
    return f"-c statement_timeout={statement_timeout}s -c lock_timeout={lock_timeout}s"


def use_worker_statement_timeout() -> None:
    """Switches this process's connections to DB_WORKER_STATEMENT_TIMEOUT_SECONDS (called when a Celery worker
    starts, before its pool forks). Without timeouts configured (local and test settings) it changes nothing."""
    from django.conf import settings
    from django.db import connections

    options = settings.DATABASES["default"].get("OPTIONS", {})
    if "options" not in options:
        return
    # Django reads OPTIONS at each connect, so closing the open connections is enough for the new value to apply.
    options["options"] = session_options(
        statement_timeout=settings.DB_WORKER_STATEMENT_TIMEOUT_SECONDS, lock_timeout=settings.DB_LOCK_TIMEOUT_SECONDS
    )
    connections.close_all()
