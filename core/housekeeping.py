"""Nightly housekeeping: expired sessions (Django's `clearsessions`), the schedule's housekeeping rules (sessions
and the sign-in log, whose rule accounts registers) and uploads nobody confirmed within a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.management import call_command

from .retention import retention_apply
from .uploads import pending_uploads_sweep


@dataclass(frozen=True)
class HousekeepingResult:
    sign_in_rows: int
    stale_uploads: int


def housekeeping_run(*, today: date | None = None) -> HousekeepingResult:
    call_command("clearsessions")  # Django's own, for whichever session engine is configured
    results = retention_apply(today=today, housekeeping_only=True)
    return HousekeepingResult(
        sign_in_rows=sum(r.count for r in results),
        stale_uploads=pending_uploads_sweep(),
    )
