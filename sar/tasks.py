"""Background work for subject access requests: fetch by id, call the service, record a failure."""

from __future__ import annotations

import logging

from celery import shared_task

from reports.rendering import describe_error

from .services import sar_build, sar_mark_failed

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=10 * 60, time_limit=12 * 60)
def sar_build_task(sar_id: int) -> str:
    try:
        sar = sar_build(sar_id=sar_id)
    except Exception as exc:  # noqa: BLE001 - any fault ends the request as failed, with its reason
        logger.exception("subject access request %s failed", sar_id)
        sar_mark_failed(sar_id=sar_id, error=describe_error(exc))
        return "failed"
    return "done" if sar is not None else "skipped"
