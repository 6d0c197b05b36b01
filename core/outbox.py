"""The outbox: the portal's one way to send an e-mail or start a background task (ENGINEERING.md, "Side effects
after commit").

A service calls `outbox_email(...)` or `outbox_task(...)` inside the transaction of its change: a row is written,
so the side effect happens if and only if the change commits. After commit the row is delivered:

- with Redis (REDIS_URL set), `core.tasks.outbox_deliver_task` is queued for it; if Redis is away the row simply
  waits, nothing is raised into the request;
- under the embedded default (tasks in process) it is delivered in process; a failure (the mail server is down)
  is written on the row, never raised.

A failed attempt waits OUTBOX_RETRY_SECONDS, doubled with each attempt, and the row is marked failed after
OUTBOX_MAX_ATTEMPTS. `outbox_sweep` (Celery beat, every minute; `manage.py outbox_sweep` without beat) delivers
every row that is due. A row is claimed with a conditional UPDATE before it is delivered, so two workers never
send the same message; a worker that dies mid-delivery leaves its claim to lapse after OUTBOX_CLAIM_SECONDS.

Rows hold ids, addresses and template or task names only. An e-mail's subject and body are rendered when it is
delivered from `<template>_subject.txt` and `<template>_body.txt`, with `ids` (the row's context ids), `site_url`,
`service_name`, `council_name` and `support_email`: notifications say that something needs attention and link to
it, never what it is about.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from celery import Task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from prevent_portal.celery import app as celery_app

from .audit import audit_record
from .models import OutboxMessage

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status


def max_attempts() -> int:
    return int(getattr(settings, "OUTBOX_MAX_ATTEMPTS", 8))


def retry_seconds(attempts: int) -> float:
    """The wait after the `attempts`-th failed attempt: OUTBOX_RETRY_SECONDS, doubled with each attempt."""
    base = float(getattr(settings, "OUTBOX_RETRY_SECONDS", 60))
    return base * float(2 ** max(attempts - 1, 0))


def claim_seconds() -> int:
    return int(getattr(settings, "OUTBOX_CLAIM_SECONDS", 300))


# ---- writing ------------------------------------------------------------------------------------------------


def outbox_email(*, to: Iterable[str], template: str, context_ids: Mapping[str, int] | None = None) -> None:
    """An e-mail to `to`, rendered from `template` when it is delivered. Call it inside the change's transaction.
    Nothing is written when there is nobody to send to."""
    recipients = sorted({address.strip() for address in to if address and address.strip()})
    if not recipients:
        return
    _write(
        OutboxMessage(
            kind=OutboxMessage.Kind.EMAIL,
            template=template,
            recipients=recipients,
            context_ids=dict(context_ids or {}),
        )
    )


def outbox_task(*, task: Task[Any, Any], args: Iterable[int] = ()) -> None:
    """Start the Celery `task` with `args` (ids only) after the change commits."""
    _write(OutboxMessage(kind=OutboxMessage.Kind.TASK, task=task.name, task_args=list(args)))


def _write(message: OutboxMessage) -> None:
    message.full_clean()
    message.save()
    message_id = message.pk
    transaction.on_commit(lambda: _deliver_after_commit(message_id))


def _deliver_after_commit(message_id: int) -> None:
    """Never raises: the change has committed, and a side effect that cannot go now goes with a later sweep."""
    from .tasks import outbox_deliver_task

    try:
        if celery_app.conf.task_always_eager:
            outbox_deliver(message_id=message_id)
        else:
            # One try only: the request does not wait for a broker that is away; the sweep sends the row later.
            outbox_deliver_task.apply_async(args=(message_id,), retry=False)
    except Exception as exc:  # noqa: BLE001 - whatever the fault (broker, database), the row waits for the sweep
        logger.warning("outbox %s: not delivered now, left for the sweep: %s", message_id, _describe(exc))


# ---- delivering ---------------------------------------------------------------------------------------------


def _claimable(now: Any) -> Q:
    return Q(status=Status.PENDING, next_attempt_at__lte=now) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def _claim(message_id: int) -> bool:
    """Take the row for one delivery attempt. The conditional UPDATE repeats the test, so of two workers racing
    for a row exactly one gets it (on PostgreSQL the second waits for the first's row lock, then sees the claim)."""
    now = timezone.now()
    return bool(
        OutboxMessage.objects.filter(_claimable(now), pk=message_id).update(
            claimed_until=now + timedelta(seconds=claim_seconds()), attempts=F("attempts") + 1
        )
    )


def _claim_due(*, limit: int) -> list[int]:
    """Claim up to `limit` rows that are due. On PostgreSQL rows another sweep holds are skipped, not waited for."""
    with transaction.atomic():
        due = OutboxMessage.objects.filter(_claimable(timezone.now())).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        candidates = list(due.values_list("pk", flat=True)[:limit])
        return [message_id for message_id in candidates if _claim(message_id)]


def outbox_deliver(*, message_id: int) -> str | None:
    """One delivery attempt of one row, if it is due and not claimed by someone else. Returns the row's status
    afterwards, or None when the row was not ours to deliver. Never raises: a failure is written on the row."""
    if not _claim(message_id):
        return None
    return _deliver_claimed(message_id)


def outbox_sweep(*, limit: int = 200) -> int:
    """Deliver every row that is due (left behind by a broker or mail server that was away). Returns how many
    were attempted."""
    claimed = _claim_due(limit=limit)
    for message_id in claimed:
        _deliver_claimed(message_id)
    return len(claimed)


def _deliver_claimed(message_id: int) -> str:
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        if message.kind == OutboxMessage.Kind.EMAIL:
            _send_email(message)
        else:
            _start_task(message)
    except Exception as exc:  # noqa: BLE001 - any fault is this attempt's failure, recorded on the row
        return _record_failure(message, exc)
    OutboxMessage.objects.filter(pk=message_id).update(
        status=Status.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    return Status.SENT


def _send_email(message: OutboxMessage) -> None:
    context = {
        "ids": message.context_ids,
        "site_url": settings.SITE_URL.rstrip("/"),
        "service_name": settings.SERVICE_NAME,
        "council_name": settings.COUNCIL_NAME,
        "support_email": settings.SUPPORT_EMAIL,
    }
    subject = " ".join(render_to_string(f"{message.template}_subject.txt", context).split())
    body = render_to_string(f"{message.template}_body.txt", context).strip() + "\n"
    EmailMessage(subject=subject, body=body, to=message.recipients).send(fail_silently=False)


def _start_task(message: OutboxMessage) -> None:
    # Celery's own registry of the tasks it knows: the row holds the name, as a Celery message does.
    task = celery_app.tasks[message.task]
    task.apply_async(args=message.task_args)


def _record_failure(message: OutboxMessage, exc: BaseException) -> str:
    attempts = OutboxMessage.objects.filter(pk=message.pk).values_list("attempts", flat=True).get()
    error = _describe(exc)
    if attempts >= max_attempts():
        logger.error("outbox %s failed after %s attempts: %s", message.pk, attempts, error)
        status = Status.FAILED
        next_attempt_at = timezone.now()
    else:
        logger.warning("outbox %s: attempt %s failed, will try again: %s", message.pk, attempts, error)
        status = Status.PENDING
        next_attempt_at = timezone.now() + timedelta(seconds=retry_seconds(attempts))
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=status, next_attempt_at=next_attempt_at, claimed_until=None, last_error=error
    )
    return status


def _describe(exc: BaseException) -> str:
    """The fault's kind and first line, for the system administrators' page (never a message's words)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return (f"{type(exc).__name__}: {text}" if text else type(exc).__name__)[:500]


# ---- the system administrators' page ------------------------------------------------------------------------


@transaction.atomic
def outbox_retry(*, message: OutboxMessage, actor: Any, request: Any = None) -> bool:
    """ "Retry now": a pending or failed row that nobody is delivering is made due at once and delivered after
    commit. One more attempt: if it fails, a row that had used its attempts is failed again."""
    now = timezone.now()
    updated = (
        OutboxMessage.objects.filter(pk=message.pk, status__in=[Status.PENDING, Status.FAILED])
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(status=Status.PENDING, next_attempt_at=now)
    )
    if not updated:
        return False
    audit_record(actor=actor, action="core.outbox_retry", obj=message, request=request)
    transaction.on_commit(lambda: _deliver_after_commit(message.pk))
    return True
