"""Who is making a report, for how long, and putting back the ones nobody is making.

A worker that claims a report takes a lease (`claimed_until`) in the same conditional UPDATE and renews it with its
heartbeat; the lease is three heartbeats long, so a worker that is killed loses it within `lease_seconds()`. The
sweep (`report_sweep_stale`, every `REPORTS_SWEEP_SECONDS` under beat, when a worker starts and when a coordinator
opens the list) puts back in the queue:
- a running report whose lease has expired (its worker died), and
- a queued report whose task was sent more than `REPORTS_REDISPATCH_SECONDS` ago and never taken (the message
  was lost).
Each put-back is a conditional UPDATE, so two sweeps at once put a report back once; and whatever number of
messages arrive for one report, `report_claim` lets one worker make it and `report_mark_done` accepts only the
lease holder's file.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Report, ReportState
from .services import MAX_ATTEMPTS, report_enqueue

logger = logging.getLogger(__name__)


def heartbeat_seconds() -> float:
    return float(settings.REPORTS_HEARTBEAT_SECONDS)


def lease_seconds() -> float:
    """Three heartbeats: one late heartbeat (a slow database) never loses the lease; a dead worker loses it fast."""
    return 3 * heartbeat_seconds()


def redispatch_after() -> timedelta:
    return timedelta(seconds=settings.REPORTS_REDISPATCH_SECONDS)


def claim_holder() -> str:
    """Names one claim: the host and process for people reading the admin, a random part so that a retry in the
    same process is a different holder from the attempt before it."""
    return f"{socket.gethostname()[:60]} {os.getpid()} {uuid.uuid4().hex[:12]}"


def _lease_end() -> timedelta:
    return timedelta(seconds=lease_seconds())


def report_claim(*, report_id: int, holder: str) -> bool:
    """Mark a queued report (or a running one whose lease expired) as running under `holder`'s lease, once: False
    if another worker holds a live lease or the report is finished. One conditional UPDATE, so it is safe with
    several workers, a redelivered message and a message the sweep sent again."""
    now = timezone.now()
    claimable = Q(state=ReportState.QUEUED) | Q(state=ReportState.RUNNING, claimed_until__lt=now)
    return bool(
        Report.objects.filter(claimable, pk=report_id).update(
            state=ReportState.RUNNING,
            attempts=F("attempts") + 1,
            started_at=now,
            heartbeat_at=now,
            claimed_by=holder,
            claimed_until=now + _lease_end(),
            progress=1,
            progress_note="Starting",
            error="",
        )
    )


def lease_renew(*, report_id: int, holder: str, **changes: object) -> bool:
    """Renews `holder`'s lease (with any progress `changes`); False when the lease is no longer theirs."""
    now = timezone.now()
    return bool(
        Report.objects.filter(pk=report_id, state=ReportState.RUNNING, claimed_by=holder).update(
            heartbeat_at=now, claimed_until=now + _lease_end(), **changes
        )
    )


def lease_wait_seconds(*, report_id: int) -> float | None:
    """How long until a live lease held by someone else could expire; None when there is nothing to wait for (the
    report is finished or gone, or it can be claimed now)."""
    report = Report.objects.filter(pk=report_id).values("state", "claimed_until").first()
    if report is None or report["state"] in (ReportState.DONE, ReportState.FAILED):
        return None
    if report["state"] == ReportState.RUNNING and report["claimed_until"] is not None:
        remaining = (report["claimed_until"] - timezone.now()).total_seconds()
        return max(remaining, 0.0) + 1.0
    return 1.0  # queued: someone claimed and released it between our claim and this read; try again soon


def report_sweep_stale() -> list[int]:
    """Puts back in the queue the running reports whose lease expired and the queued reports whose message was
    lost; returns their ids. A report that has lost its worker MAX_ATTEMPTS times (out of time or memory) would do
    it again: it is stopped as failed instead."""
    now = timezone.now()
    Report.objects.lease_expired(now=now).filter(attempts__gte=MAX_ATTEMPTS).update(
        state=ReportState.FAILED,
        error=f"The report stopped {MAX_ATTEMPTS} times before it was finished: its worker ran out of time or "
        "memory. Try a shorter period or fewer sections.",
        finished_at=now,
        progress_note="Failed",
        claimed_until=None,
    )
    putback = [
        ("lease expired", Report.objects.lease_expired(now=now), "Starting again: the previous attempt stopped"),
        ("message lost", Report.objects.dispatch_lost(older_than=redispatch_after(), now=now), "Waiting to start"),
    ]
    requeued = []
    for reason, stale, note in putback:
        for report_id in list(stale.values_list("pk", flat=True)):
            # The UPDATE repeats the condition, so of two sweeps at once only one puts the report back and sends
            # its task; the send is part of the same transaction.
            with transaction.atomic():
                if stale.filter(pk=report_id).update(
                    state=ReportState.QUEUED, progress_note=note, claimed_until=None, dispatched_at=now
                ):
                    logger.warning("report %s: put back in the queue (%s)", report_id, reason)
                    requeued.append(report_id)
                    report_enqueue(report_id)
    return requeued
