"""Background work for reports. Thin: each task fetches by id and calls one service; it owns its retries and
the failed state. JSON arguments only (ids)."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_ready
from django.db import InterfaceError, OperationalError, connections

from .leases import lease_seconds, report_sweep_stale
from .rendering import LeaseHeld, describe_error, report_mark_failed, report_mark_queued, report_render
from .services import retry_seconds, schedules_run_due

logger = logging.getLogger(__name__)

# Faults worth another try: the database went away or was locked for a moment.
TRANSIENT = (OperationalError, InterfaceError)
SOFT_LIMIT = 10 * 60
HARD_LIMIT = 12 * 60


def max_lease_waits() -> int:
    """A live lease is renewed only while its worker makes the report, which the time limit ends: waiting longer
    than that means something else is wrong, and the sweep is still there."""
    return int(HARD_LIMIT // lease_seconds()) + 2


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
    soft_time_limit=SOFT_LIMIT,
    time_limit=HARD_LIMIT,
)
def report_render_task(self, report_id: int, waits: int = 0) -> str:  # type: ignore[no-untyped-def]
    try:
        report = report_render(report_id=report_id)
    except LeaseHeld as held:
        # A redelivered message, or one the sweep sent again, for a report another worker holds a live lease on.
        # Acknowledging it as skipped would leave the report to the sweep if that worker dies; instead a fresh
        # message waits out the lease and tries the claim again. Not `self.retry`: that spends the retries meant
        # for database faults.
        if self.request.is_eager or waits >= max_lease_waits():
            logger.info("report %s: %s; not waiting any longer", report_id, held)
            return "held elsewhere"
        report_render_task.apply_async((report_id,), {"waits": waits + 1}, countdown=held.seconds)
        return "waiting"
    except SoftTimeLimitExceeded:
        report_mark_failed(
            report_id=report_id, error=f"The report took longer than {SOFT_LIMIT // 60} minutes and was stopped."
        )
        return "failed"
    except TRANSIENT as exc:
        if not self.request.is_eager and self.request.retries < self.max_retries:
            logger.warning("report %s: transient fault, retrying: %s", report_id, type(exc).__name__)
            _quietly(report_mark_queued, report_id=report_id, note="Waiting to try again")
            countdown = retry_seconds() * 2**self.request.retries
            raise self.retry(exc=exc, countdown=countdown) from exc
        _quietly(report_mark_failed, report_id=report_id, error=describe_error(exc))
        return "failed"
    except Exception as exc:  # noqa: BLE001 - any other fault ends the report as failed, with its reason
        logger.exception("report %s failed", report_id)
        report_mark_failed(report_id=report_id, error=describe_error(exc))
        return "failed"
    return "done" if report is not None else "skipped"


def _quietly(write: object, **kwargs: object) -> None:
    """A state write after a database fault may fail too (the database is still away): the retry, or the stale
    sweep, puts things right later."""
    try:
        write(**kwargs)  # type: ignore[operator]
    except TRANSIENT:
        logger.warning("report %s: could not record the state yet", kwargs.get("report_id"))


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def report_sweep_stale_task() -> list[int]:
    return report_sweep_stale()


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def reports_run_schedules_task() -> list[int]:
    return [report.pk for report in schedules_run_due()]


@worker_ready.connect
def sweep_on_worker_start(**kwargs: object) -> None:
    """A worker that starts picks up reports left running by a worker that died."""
    try:
        report_sweep_stale()
    except Exception:  # noqa: BLE001 - never stop a worker from starting
        logger.exception("stale report sweep at worker start failed")
    finally:
        connections.close_all()  # do not hand the parent's connection to forked pool processes
