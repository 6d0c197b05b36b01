"""The report pipeline on a real Celery worker and Redis: queued to done; a worker killed part way through a
report and the report still finished by the next worker; a render error that ends as failed, shown on the
page, and a retry that succeeds.

The worker is a subprocess on its own queue, pointed at the test database and the test's MEDIA_ROOT
(tests/support/celery_worker.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse

from reports.models import Classification, Report, ReportState
from reports.services import report_request
from tests.support import services as support
from tests.support.celery_worker import celery_on_broker, stop_worker
from tests.support.celery_worker import start_worker as start_worker_process

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker() -> Iterator[dict[str, str]]:
    support.require(support.redis_available(), "Redis is not reachable (set REDIS_URL or TEST_REDIS_URL)")
    url = support.test_redis_url()
    queue = f"reports-test-{uuid.uuid4().hex[:10]}"
    with celery_on_broker(url, queue):
        yield {"url": url, "queue": queue}
    import redis

    redis.Redis.from_url(url).delete(queue)


@pytest.fixture
def start_worker(broker: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    workers: list[subprocess.Popen[bytes]] = []

    def start(**env_extra: str) -> subprocess.Popen[bytes]:
        env = {"REPORTS_STALE_SECONDS": "4", "REPORTS_HEARTBEAT_SECONDS": "1", **env_extra}
        proc = start_worker_process(
            broker_url=broker["url"],
            queue=broker["queue"],
            name=f"{broker['queue']}-{len(workers)}",
            log=tmp_path / f"worker-{len(workers)}.log",
            **env,
        )
        workers.append(proc)
        return proc

    yield start
    for proc in workers:
        stop_worker(proc)


def _wait_for(
    report_id: int, condition: Callable[[Report], bool], *, timeout: float = 60, logs: Path | None = None
) -> Report:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report = Report.objects.get(pk=report_id)
        if condition(report):
            return report
        time.sleep(0.2)
    detail = ""
    if logs is not None:
        detail = "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(logs.glob("worker-*.log")))
    raise AssertionError(f"report {report_id} stayed {report.state} ({report.progress_note})\n{detail}")


def _request(user: Any) -> Report:
    return report_request(
        requested_by=user,
        title="Prevent duty: delivery update",
        committee="Scrutiny Co-ordination Committee",
        period_start=date(2026, 4, 1),
        period_end=date(2026, 9, 30),
        classification=Classification.GENERAL_RELEASE,
        sections=["schools", "referrals"],
    )


def test_a_real_worker_takes_a_report_from_queued_to_done(coordinator, start_worker, tmp_path):
    report = _request(coordinator)
    assert Report.objects.get(pk=report.pk).state == ReportState.QUEUED  # nothing runs in process
    start_worker()
    done = _wait_for(report.pk, lambda r: r.state == ReportState.DONE, logs=tmp_path)
    assert done.attempts == 1 and len(done.sha256) == 64
    assert (Path(django_settings.MEDIA_ROOT) / done.file_path).read_bytes()[:4] == b"%PDF"


def test_a_worker_killed_mid_render_leaves_the_report_to_the_next_worker(coordinator, start_worker, tmp_path):
    report = _request(coordinator)
    first = start_worker(REPORTS_SECTION_PAUSE_SECONDS="2")
    _wait_for(report.pk, lambda r: r.state == ReportState.RUNNING and r.progress >= 5, logs=tmp_path)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    stuck = Report.objects.get(pk=report.pk)
    assert stuck.state == ReportState.RUNNING
    time.sleep(5)  # the heartbeat is now older than REPORTS_STALE_SECONDS=4

    start_worker()  # sweeps stale reports as it starts
    done = _wait_for(report.pk, lambda r: r.state == ReportState.DONE, logs=tmp_path)
    assert done.attempts == 2


def test_a_render_error_on_the_worker_ends_as_failed_with_the_reason_and_a_retry(
    coordinator, start_worker, client_for, tmp_path
):
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where the reports folder should be")
    report = _request(coordinator)
    broken = start_worker(MEDIA_ROOT=str(blocker))
    failed = _wait_for(report.pk, lambda r: r.state == ReportState.FAILED, logs=tmp_path)
    assert failed.error.startswith("The file could not be saved")
    os.killpg(broken.pid, signal.SIGKILL)
    broken.wait(timeout=10)

    client = client_for(coordinator)
    page = client.get(reverse("reports:detail", kwargs={"pk": report.pk})).content.decode()
    assert "The file could not be saved" in page and "Try again" in page
    client.post(reverse("reports:retry", kwargs={"pk": report.pk}))
    assert Report.objects.get(pk=report.pk).state == ReportState.QUEUED
    start_worker()
    done = _wait_for(report.pk, lambda r: r.state == ReportState.DONE, logs=tmp_path)
    assert done.attempts == 2


def test_a_database_that_is_away_for_a_moment_is_retried_and_the_report_completes(coordinator, start_worker, tmp_path):
    """SQLite only: the worker's database path goes through a folder that does not exist yet, so its first try
    (the outbox delivery that starts the render) fails with OperationalError; the folder then appears (a link to
    the test database's folder) and the retry makes the report."""
    if connection.vendor != "sqlite":
        pytest.skip("the database is made unreachable through its file path, which only SQLite has")
    real = Path(connection.settings_dict["NAME"])
    later = tmp_path / "later"
    report = _request(coordinator)
    start_worker(DATABASE_URL=f"sqlite:///{later / real.name}", REPORTS_RETRY_SECONDS="1", OUTBOX_RETRY_SECONDS="1")
    log = tmp_path / "worker-0.log"
    deadline = time.monotonic() + 30
    while "transient fault, retrying" not in (log.read_text(errors="replace") if log.exists() else ""):
        assert time.monotonic() < deadline, log.read_text(errors="replace")
        time.sleep(0.2)
    assert Report.objects.get(pk=report.pk).state == ReportState.QUEUED
    later.symlink_to(real.parent, target_is_directory=True)
    done = _wait_for(report.pk, lambda r: r.state == ReportState.DONE, logs=tmp_path)
    assert done.attempts == 1
