"""Under production settings every PostgreSQL connection carries a statement timeout and a lock timeout, so a
runaway query or a long lock wait ends as an error (a 503 page) before gunicorn's worker timeout; the Celery
worker's connections get their own, longer statement timeout for reports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.support.production import database_url, production_env

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="statement and lock timeouts are PostgreSQL's"),
]

SCRIPT = """
import time
from celery.signals import worker_init
from django.db import OperationalError, connection
import prevent_portal.celery  # connects the worker_init receiver, as `celery -A prevent_portal worker` does

def timeouts():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        statement = cursor.fetchone()[0]
        cursor.execute("SHOW lock_timeout")
        return statement, cursor.fetchone()[0]

def run(label, sql):
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
        print(label, "finished")
    except OperationalError as error:
        print(label, type(error.__cause__).__name__, round(time.monotonic() - started, 1))

print("web", *timeouts())
run("sleep", "SELECT pg_sleep(8)")
run("lock", "SELECT count(*) FROM schools_school")
worker_init.send(sender=None)
print("worker", *timeouts())
"""


def test_production_connections_cancel_a_long_statement_and_a_long_lock_wait():
    # The test's own transaction holds a lock the subprocess's query has to wait for.
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE schools_school IN ACCESS EXCLUSIVE MODE")
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "manage.py", "shell", "-c", SCRIPT],
        cwd=Path(settings.BASE_DIR),
        env=production_env(
            DATABASE_URL=database_url(connection.settings_dict),
            DB_STATEMENT_TIMEOUT_SECONDS="3",
            DB_LOCK_TIMEOUT_SECONDS="1",
            DB_WORKER_STATEMENT_TIMEOUT_SECONDS="300",
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines() if line.strip()}
    assert lines["web"] == ["3s", "1s"]
    cancelled, seconds = lines["sleep"]
    assert cancelled == "QueryCanceled" and 3.0 <= float(seconds) < 8
    refused, seconds = lines["lock"]
    assert refused == "LockNotAvailable" and 1.0 <= float(seconds) < 3
    assert lines["worker"] == ["5min", "1s"]
