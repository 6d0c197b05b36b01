"""A real Celery worker for tests: a subprocess (`celery -A prevent_portal worker --pool solo`) on a queue of its
own, pointed at the test database (committed data: transactional_db; on SQLite a file database), and the test
process's Celery app pointed at the same broker with tasks no longer run in process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from prevent_portal.celery import app as celery_app
from tests.support.production import database_url


@contextmanager
def celery_on_broker(url: str, queue: str, transport_options: dict[str, object] | None = None) -> Iterator[None]:
    """The test process publishes to `url` on `queue` instead of running tasks in process."""
    keys = ("broker_url", "task_always_eager", "task_default_queue", "broker_transport_options")
    saved = {k: celery_app.conf.get(k) for k in keys}
    celery_app.conf.update(broker_url=url, task_always_eager=False, task_default_queue=queue)
    if transport_options is not None:
        celery_app.conf.update(broker_transport_options=transport_options)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        celery_app._pool = None
        celery_app.amqp._producer_pool = None


def start_worker(*, broker_url: str, queue: str, name: str, log: Path, **env_extra: str) -> subprocess.Popen[bytes]:
    arguments = ["worker", "--pool", "solo", "-Q", queue, "-n", f"{name}@%h",
                 "--without-gossip", "--without-mingle", "--without-heartbeat"]  # fmt: skip
    return _start_celery(arguments, broker_url=broker_url, queue=queue, log=log, **env_extra)


def start_beat(*, broker_url: str, queue: str, schedule: Path, log: Path, **env_extra: str) -> subprocess.Popen[bytes]:
    """Celery beat as production runs it (its own process), sending the periodic tasks to `queue`."""
    return _start_celery(
        ["beat", "--schedule", str(schedule)], broker_url=broker_url, queue=queue, log=log, **env_extra
    )


def _start_celery(
    arguments: list[str], *, broker_url: str, queue: str, log: Path, **env_extra: str
) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="prevent_portal.settings.test",
        REDIS_URL=broker_url,
        DATABASE_URL=database_url(connection.settings_dict),
        CELERY_QUEUE=queue,
    )
    env.update(env_extra)
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "celery", "-A", "prevent_portal", *arguments, "--loglevel", "INFO"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_worker(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
