"""Background work for the outbox (core/outbox.py). Thin: each task calls one service with ids."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from . import outbox
from .downloads import download_mark_failed, download_prepare, downloads_purge_expired
from .housekeeping import housekeeping_run
from .models import OutboxMessage
from .retention import retention_nightly

logger = logging.getLogger(__name__)

# The database went away or was locked for a moment: the row cannot even be claimed, so the task tries again.
TRANSIENT = (OperationalError, InterfaceError)


@shared_task(bind=True, acks_late=True, max_retries=None, soft_time_limit=120, time_limit=180)
def outbox_deliver_task(self, message_id: int) -> str | None:  # type: ignore[no-untyped-def]
    """One delivery attempt; after a failure, another when the row's doubled wait is over (until the row is sent
    or failed: the row counts the attempts, so this task needs no limit of its own)."""
    try:
        status = outbox.outbox_deliver(message_id=message_id)
    except TRANSIENT as exc:
        if self.request.is_eager or self.request.retries >= outbox.max_attempts():
            raise  # the row is still pending: the sweep delivers it when the database is back
        logger.warning("outbox %s: transient fault, retrying: %s", message_id, type(exc).__name__)
        raise self.retry(exc=exc, countdown=outbox.retry_seconds(self.request.retries + 1)) from exc
    if status == OutboxMessage.Status.PENDING and not self.request.is_eager:
        retry_at = OutboxMessage.objects.values_list("next_attempt_at", flat=True).get(pk=message_id)
        raise self.retry(countdown=max((retry_at - timezone.now()).total_seconds(), 0))
    return status


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def outbox_sweep_task() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): deliver every row that is due, whatever left it behind."""
    return outbox.outbox_sweep()


@shared_task(acks_late=True, soft_time_limit=10 * 60, time_limit=12 * 60)
def download_prepare_task(download_id: int) -> str:
    """Makes a long list's CSV (core.downloads). A fault ends the download as failed, with a reason that names
    no row: the person sees it on the download's page and may ask again."""
    try:
        download = download_prepare(download_id=download_id)
    except Exception:  # noqa: BLE001 - any fault ends the download as failed; the log keeps the traceback
        logger.exception("download %s failed", download_id)
        download_mark_failed(download_id=download_id, error="The file could not be made. Download the list again.")
        return "failed"
    return download.state if download is not None else "skipped"


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def downloads_purge_task() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE): downloads past DOWNLOAD_KEEP_HOURS, files and all."""
    return downloads_purge_expired()


@shared_task(acks_late=True, soft_time_limit=55 * 60, time_limit=60 * 60)
def retention_nightly_task() -> dict[str, int]:
    """Nightly (CELERY_BEAT_SCHEDULE): the retention schedule once started; its housekeeping rules before."""
    return {result.key: result.count for result in retention_nightly()}


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def housekeeping_task() -> dict[str, int]:
    """Nightly: expired sessions, the sign-in log past its days, uploads nobody confirmed within a day."""
    result = housekeeping_run()
    return {"sign_in_rows": result.sign_in_rows, "stale_uploads": result.stale_uploads}
