"""The report pipeline on a real Celery worker and Redis: queued to done; a worker killed part way through a
report and the report finished by the next worker within a minute, exactly once; a queued report whose message
was lost; a message for a report another worker holds the lease on, which waits for the lease; a render error
that ends as failed, shown on the page, and a retry that succeeds.

The worker is a subprocess on its own queue, pointed at the test database (where the files are too)
(tests/support/celery_worker.py)."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.models import StoredFile
from reports.models import Classification, Report, ReportState
from reports.services import report_request
from tests.support import services as support
from tests.support.celery_worker import celery_on_broker, stop_worker
from tests.support.celery_worker import start_beat as start_beat_process
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
        proc = start_worker_process(
            broker_url=broker["url"],
            queue=broker["queue"],
            name=f"{broker['queue']}-{len(workers)}",
            log=tmp_path / f"worker-{len(workers)}.log",
            **env_extra,
        )
        workers.append(proc)
        return proc

    yield start
    for proc in workers:
        stop_worker(proc)


@pytest.fixture
def start_beat(broker: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    beats: list[subprocess.Popen[bytes]] = []

    def start(**env_extra: str) -> subprocess.Popen[bytes]:
        schedule, log = tmp_path / "beat-schedule", tmp_path / "beat.log"
        beats.append(
            start_beat_process(broker_url=broker["url"], queue=broker["queue"], schedule=schedule, log=log, **env_extra)
        )
        return beats[-1]

    yield start
    for proc in beats:
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
        detail = "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(logs.glob("*.log")))
    raise AssertionError(f"report {report_id} stayed {report.state} ({report.progress_note})\n{detail}")


def _request(user: Any) -> Report:
    return report_request(
        requested_by=user,
        title="Prevent duty: delivery update",
        committee="Scrutiny Co-ordination Committee",
        period_start=date(2026, 7, 1),  # a financial quarter that has ended (General Release covers no other)
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
    with default_storage.open(done.file_path) as stored:
        assert stored.read(4) == b"%PDF"


def _made_exactly_once(report: Report) -> None:
    """One done state, one stored file, and the file is the one whose checksum the report holds."""
    files = StoredFile.objects.filter(name__regex=rf"^reports/[0-9]+/report-{report.pk}-")
    assert [f.name for f in files] == [report.file_path]
    with default_storage.open(report.file_path) as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == report.sha256 == files[0].sha256
    assert Report.objects.filter(pk=report.pk, state=ReportState.DONE).count() == 1


def test_a_worker_killed_mid_render_leaves_the_report_to_the_next_worker_within_a_minute(
    coordinator, start_worker, start_beat, tmp_path
):
    """Production timings (a 5-second heartbeat, a 15-second lease, the sweep every 15 seconds under beat)."""
    report = _request(coordinator)
    start_beat()
    first = start_worker(REPORTS_SECTION_PAUSE_SECONDS="3")  # slow on purpose, so it can be killed part way
    _wait_for(report.pk, lambda r: r.state == ReportState.RUNNING and r.progress >= 5, logs=tmp_path)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    stuck = Report.objects.get(pk=report.pk)
    assert (
        stuck.state == ReportState.RUNNING
        and stuck.claimed_until is not None
        and not StoredFile.objects.filter(name__startswith="reports/").exists()
    )

    start_worker()
    started = time.monotonic()
    done = _wait_for(report.pk, lambda r: r.state == ReportState.DONE, timeout=60, logs=tmp_path)
    recovered_in = time.monotonic() - started
    print(f"recovered {recovered_in:.1f}s after the new worker started")  # noqa: T201 - the figure the README gives
    assert recovered_in < 60
    assert done.attempts == 2
    _made_exactly_once(done)


def test_a_queued_report_whose_message_was_lost_is_sent_again_by_the_sweep(
    coordinator, broker, start_worker, start_beat, tmp_path
):
    import redis

    report = _request(coordinator)
    redis.Redis.from_url(broker["url"]).delete(broker["queue"])  # Redis lost the message
    start_worker(REPORTS_REDISPATCH_SECONDS="3")
    start_beat()
    done = _wait_for(report.pk, lambda r: r.state == ReportState.DONE, timeout=60, logs=tmp_path)
    assert done.attempts == 1
    _made_exactly_once(done)
    assert "message lost" in (tmp_path / "worker-0.log").read_text(errors="replace")


def test_a_message_for_a_report_another_worker_holds_waits_for_the_lease_instead_of_being_skipped(
    coordinator, start_worker, tmp_path
):
    """No beat and no sweep: the message alone takes the report up once the other worker's lease runs out."""
    report = _request(coordinator)  # its message waits in the queue
    lease_ends = timezone.now() + timedelta(seconds=6)
    Report.objects.filter(pk=report.pk).update(
        state=ReportState.RUNNING, attempts=1, claimed_by="a worker that died", claimed_until=lease_ends
    )
    start_worker()
    done = _wait_for(report.pk, lambda r: r.state == ReportState.DONE, timeout=60, logs=tmp_path)
    assert done.attempts == 2 and done.finished_at >= lease_ends
    _made_exactly_once(done)
    log = (tmp_path / "worker-0.log").read_text(errors="replace")
    assert "'waiting'" in log and "'skipped'" not in log


def test_a_render_error_on_the_worker_ends_as_failed_with_the_reason_and_a_retry(
    coordinator, start_worker, client_for, tmp_path
):
    report = _request(coordinator)
    broken = start_worker(FILE_STORAGE_CHUNK_BYTES="0")  # a file store that refuses to save
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
