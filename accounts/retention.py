"""Sessions and the sign-in log under the retention schedule (core/retention.py): the session keys kept per user
(accounts.UserSession) and django-axes' records of sign-ins and failed attempts, older than the schedule's days.
A housekeeping rule: it runs every night whether or not the schedule has been started. Expired sessions
themselves go by Django's `clearsessions` in the same nightly run (core/housekeeping.py); the audit trail's
sign-in events are audit events, kept for the audit period."""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog

from core.retention import Cutoff, RetentionRule

from .models import UserSession


def _logs(cutoff: Cutoff) -> tuple[object, ...]:
    return (
        UserSession.objects.filter(created_at__lt=cutoff.moment),
        AccessLog.objects.filter(attempt_time__lt=cutoff.moment),
        AccessAttempt.objects.filter(attempt_time__lt=cutoff.moment),
        AccessFailureLog.objects.filter(attempt_time__lt=cutoff.moment),
    )


def sign_in_log_count(cutoff: Cutoff) -> int:
    return sum(qs.count() for qs in _logs(cutoff))  # type: ignore[attr-defined]


def sign_in_log_purge(cutoff: Cutoff) -> int:
    return sum(qs.delete()[0] for qs in _logs(cutoff))  # type: ignore[attr-defined]


RULE = RetentionRule(
    key="sign_in",
    label="Sessions and the sign-in log",
    period_field="sign_in_days",
    unit="days",
    starts="after the sign-in",
    outcome="deleted",
    count=sign_in_log_count,
    purge=sign_in_log_purge,
    order=80,
    housekeeping=True,
)
