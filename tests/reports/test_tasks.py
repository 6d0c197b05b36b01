"""The report task and its services in process (the embedded default): making, failing with a reason, a
redelivered message for a finished report, schedules. Leases and the sweep: test_leases.py."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from reports.models import Report, ReportState
from reports.tasks import report_render_task, reports_run_schedules_task

from .factories import ReportFactory

pytestmark = pytest.mark.django_db


def test_task_makes_a_queued_report(settings):
    report = ReportFactory()
    assert report_render_task.delay(report.pk).get() == "done"
    report.refresh_from_db()
    assert report.state == ReportState.DONE and report.progress == 100 and report.attempts == 1
    with default_storage.open(report.file_path) as stored:
        assert stored.read(4) == b"%PDF"


def test_a_render_error_ends_as_failed_with_the_reason(settings):
    settings.FILE_STORAGE_CHUNK_BYTES = 0  # a file store that refuses to save
    report = ReportFactory()
    assert report_render_task.delay(report.pk).get() == "failed"
    report.refresh_from_db()
    assert report.state == ReportState.FAILED
    assert report.error.startswith("The file could not be saved")


def test_a_finished_report_is_not_made_again_by_a_redelivered_message():
    report = ReportFactory()
    report_render_task.delay(report.pk)
    sha = Report.objects.get(pk=report.pk).sha256
    assert report_render_task.delay(report.pk).get() == "skipped"
    assert Report.objects.get(pk=report.pk).sha256 == sha


def test_the_schedules_task_runs_due_schedules(coordinator):
    from datetime import date

    from .factories import ReportScheduleFactory

    ReportScheduleFactory(created_by=coordinator, next_run_on=date(2020, 1, 1))
    made = reports_run_schedules_task.delay().get()
    assert len(made) == 1


def test_beat_schedule_runs_the_sweep_and_the_schedules(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"reports.tasks.report_sweep_stale_task", "reports.tasks.reports_run_schedules_task"} <= tasks
