"""Leases and the sweep in process (reports/leases.py): a claim is taken once; a lapsed lease can be taken over and
its old holder's file is refused; the sweep puts back a report whose worker died and one whose message was lost,
once however many sweeps run, and leaves live ones alone. On a real worker: test_worker.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from reports.leases import lease_seconds, lease_wait_seconds, report_claim, report_sweep_stale
from reports.models import Report, ReportState
from reports.rendering import RenderedReport, _store, report_mark_done
from tests.support.concurrency import at_once

from .factories import ReportFactory

pytestmark = pytest.mark.django_db


def _running(**kwargs: object) -> Report:
    kwargs.setdefault("attempts", 1)
    return ReportFactory(state=ReportState.RUNNING, claimed_by="worker a", progress=40, **kwargs)


def test_a_report_is_claimed_once_under_a_lease_three_heartbeats_long():
    report = ReportFactory()
    assert report_claim(report_id=report.pk, holder="worker a") is True
    assert report_claim(report_id=report.pk, holder="worker b") is False  # a second worker, or a redelivered message
    report.refresh_from_db()
    assert report.claimed_by == "worker a"
    assert lease_seconds() == 3 * settings.REPORTS_HEARTBEAT_SECONDS
    assert report.claimed_until - report.heartbeat_at == timedelta(seconds=lease_seconds())
    assert 0 < lease_wait_seconds(report_id=report.pk) <= lease_seconds() + 1


def test_a_lapsed_lease_is_taken_over_and_the_old_holder_cannot_record_its_file():
    report = _running(claimed_until=timezone.now() - timedelta(seconds=1))
    assert report_claim(report_id=report.pk, holder="worker b") is True
    report.refresh_from_db()
    rendered = RenderedReport(pdf=b"%PDF-1.7 late", sha256="0" * 64, pages=1, html="")
    late_file = _store(report, rendered.pdf)
    assert report_mark_done(report=report, holder="worker a", name=late_file, rendered=rendered) is False
    assert not default_storage.exists(late_file)
    assert Report.objects.get(pk=report.pk).state == ReportState.RUNNING


def test_the_sweep_puts_back_a_report_whose_lease_expired_and_it_completes(django_capture_on_commit_callbacks):
    dead = _running(claimed_until=timezone.now() - timedelta(seconds=1))
    alive = _running(claimed_until=timezone.now() + timedelta(seconds=10))
    with django_capture_on_commit_callbacks(execute=True):
        assert report_sweep_stale() == [dead.pk]  # eager: the task sent again runs at once
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.state == ReportState.DONE and dead.attempts == 2
    assert alive.state == ReportState.RUNNING


def test_the_sweep_sends_again_a_queued_report_whose_message_was_lost(django_capture_on_commit_callbacks):
    lost = ReportFactory(dispatched_at=timezone.now() - timedelta(seconds=settings.REPORTS_REDISPATCH_SECONDS + 1))
    just_sent = ReportFactory(dispatched_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert report_sweep_stale() == [lost.pk]
    assert Report.objects.get(pk=lost.pk).state == ReportState.DONE
    assert Report.objects.get(pk=just_sent.pk).state == ReportState.QUEUED


def test_a_second_sweep_does_not_send_the_same_report_again(django_capture_on_commit_callbacks):
    _running(claimed_until=timezone.now() - timedelta(seconds=1))
    ReportFactory(dispatched_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks() as sent:
        assert len(report_sweep_stale()) == 2
        assert report_sweep_stale() == []
    assert len(sent) == 2


def test_a_report_that_keeps_killing_its_worker_is_stopped_as_failed():
    report = _running(attempts=3, claimed_until=timezone.now() - timedelta(hours=1))
    assert report_sweep_stale() == []
    report.refresh_from_db()
    assert report.state == ReportState.FAILED
    assert "stopped 3 times" in report.error


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two sweeps at once need PostgreSQL's row locks")
def test_two_sweeps_at_once_put_each_report_back_once():
    for _ in range(5):
        Report.objects.all().delete()
        dead = _running(claimed_until=timezone.now() - timedelta(seconds=1))
        lost = ReportFactory(dispatched_at=timezone.now() - timedelta(hours=1))
        first, second = at_once(report_sweep_stale, report_sweep_stale)
        assert sorted(first + second) == sorted([dead.pk, lost.pk])
