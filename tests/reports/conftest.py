from __future__ import annotations

from collections.abc import Iterator

import pytest

from prevent_portal.celery import app as celery_app


@pytest.fixture(autouse=True)
def _tasks_in_process() -> Iterator[None]:
    """Report tasks run in process in these tests even when REDIS_URL is set (CI's PostgreSQL and Redis pass),
    so that no test message reaches a shared queue. The real-worker tests (test_worker.py) switch to Redis on a
    queue of their own."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved
