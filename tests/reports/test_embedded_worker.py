"""The embedded default as `make run` serves it: no Redis, a task worker beside the server on kombu's filesystem
transport. "Make the report" answers at once and the page shows progress until the worker has made it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from prevent_portal.settings.base import filesystem_broker_options
from reports.models import Report, ReportState
from tests.support.celery_worker import celery_on_broker, start_worker, stop_worker

pytestmark = pytest.mark.browser


@pytest.fixture
def embedded_worker(tmp_path: Path, transactional_db: object) -> Iterator[Path]:
    folder = tmp_path / "tasks"
    queue = f"embedded-{uuid.uuid4().hex[:10]}"
    with celery_on_broker("filesystem://localhost/", queue, filesystem_broker_options(str(folder))):
        worker = start_worker(
            broker_url="filesystem://localhost/",
            queue=queue,
            name=queue,
            log=tmp_path / "worker.log",
            REDIS_URL="",
            TASK_FOLDER=str(folder),
        )
        try:
            yield tmp_path / "worker.log"
        finally:
            stop_worker(worker)


def test_make_the_report_answers_at_once_and_shows_progress(page, live_server, sign_in, coordinator, embedded_worker):
    sign_in(page, coordinator)
    page.goto(f"{live_server.url}/reports/new/")
    page.get_by_label("Committee").fill("Scrutiny Co-ordination Committee")
    page.get_by_label("Reporting period").select_option(index=1)  # the latest ended period (General Release)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Make the report").click()
    page.wait_for_url(f"{live_server.url}/reports/*/")
    # The server's answer to "Make the report": from the request sent to the first byte of the response.
    timing = posted.value.request.timing
    answered = (timing["responseStart"] - timing["requestStart"]) / 1000
    assert answered < 1.0, f"the request took {answered:.2f} s"
    # The progress page, not the finished one: the worker has not had time to make the PDF.
    expect(page.locator("#report-progress-text")).not_to_be_empty()
    assert Report.objects.get().state in (ReportState.QUEUED, ReportState.RUNNING)
    link = page.get_by_role("link", name="Download the report (PDF)")
    try:
        expect(link).to_be_visible(timeout=60_000)
    except AssertionError:
        raise AssertionError(embedded_worker.read_text()[-3000:]) from None
    assert Report.objects.get().state == ReportState.DONE
