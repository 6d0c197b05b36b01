"""Nightly housekeeping (core.tasks.housekeeping_task): expired sessions, the sign-in log past the schedule's
days and uploads nobody confirmed within a day are removed, whether or not the retention schedule is started."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.models import UserSession
from core.models import AuditEvent, StoredFile
from core.retention import retention_settings
from core.tasks import housekeeping_task
from tests.support.clock import TODAY, frozen

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def _sign_in_rows(user, *, on) -> None:
    with frozen(on):
        UserSession.objects.create(user=user, session_key=f"key-{on.isoformat()}")
        AccessLog.objects.create(username=user.email, ip_address="192.0.2.1", user_agent="test", path_info="/")
        AccessAttempt.objects.create(
            username=user.email, ip_address="192.0.2.1", user_agent=f"test {on}", failures_since_start=1
        )


def test_expired_sessions_and_the_sign_in_log_older_than_the_schedule_go_every_night(coordinator):
    assert retention_settings().started_at is None  # housekeeping needs no start
    _sign_in_rows(coordinator, on=TODAY - timedelta(days=91))
    _sign_in_rows(coordinator, on=TODAY - timedelta(days=89))
    Session.objects.create(session_key="expired", session_data="", expire_date=timezone.now() - timedelta(hours=1))
    Session.objects.create(session_key="alive", session_data="", expire_date=timezone.now() + timedelta(hours=1))

    result = housekeeping_task.delay().get()

    assert result["sign_in_rows"] == 3
    assert list(Session.objects.values_list("session_key", flat=True)) == ["alive"]
    for model in (UserSession, AccessLog, AccessAttempt):
        assert model.objects.count() == 1, model
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [
        f"key-{(TODAY - timedelta(days=89)).isoformat()}"
    ]
    event = AuditEvent.objects.get(action="retention.purged")
    assert event.object_type == "sign_in" and "3 rows" in event.detail


def test_uploads_nobody_confirmed_within_a_day_are_removed():
    """Imports waiting for their confirm step are in the file store under pending/; those older than a day go,
    and nothing outside pending/ is touched."""
    names = {}
    for key, name in [("stale", "pending/gias/old.json"), ("fresh", "pending/gias/new.json"),
                      ("other", "pending/training/old.csv"), ("report", "reports/kept.pdf")]:  # fmt: skip
        names[key] = default_storage.save(name, ContentFile(b"{}"))
    a_day_and_a_bit_ago = timezone.now() - timedelta(hours=25)
    StoredFile.objects.filter(name__in=[names["stale"], names["other"], names["report"]]).update(
        created_at=a_day_and_a_bit_ago
    )

    assert housekeeping_task.delay().get()["stale_uploads"] == 2

    assert sorted(StoredFile.objects.values_list("name", flat=True)) == sorted([names["fresh"], names["report"]])


def test_the_housekeeping_command_does_the_same_for_cron(coordinator):
    from io import StringIO

    from django.core.management import call_command

    _sign_in_rows(coordinator, on=TODAY - timedelta(days=100))
    out = StringIO()
    call_command("housekeeping", stdout=out)
    assert out.getvalue().startswith("3 sign-in log rows") and not UserSession.objects.exists()
