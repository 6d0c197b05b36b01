"""The retention schedule's own parts: the schedule row and its page for system administrators, the dry run and
the start, `manage.py apply_retention`, the privacy notice that states the schedule, and the audit trail's
controlled purge (on PostgreSQL the table still refuses every other UPDATE and DELETE)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from core.audit import audit_record
from core.models import AuditEvent
from core.retention import AUDIT_RULE as audit_rule
from core.retention import audit_events_purge, cutoff_for, retention_settings, years_before
from core.retention_models import RetentionSettings
from tests.support.clock import TODAY, frozen

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the audit table's trigger and purge function exist on PostgreSQL only"
)


def _event_on(day, action: str = "test.event") -> AuditEvent:
    with frozen(day):
        return audit_record(actor=None, action=action)


def test_the_schedule_starts_from_the_settings(settings):
    settings.RETENTION_CASE_YEARS = 7
    row = retention_settings()
    assert (row.case_years, row.referral_years, row.draft_days, row.audit_years, row.sign_in_days) == (7, 6, 90, 7, 90)
    assert row.started_at is None


def test_audit_events_older_than_the_schedule_are_deleted_with_one_event_for_the_run():
    old = _event_on(years_before(TODAY, 7) - timedelta(days=1))
    kept = _event_on(years_before(TODAY, 7) + timedelta(days=1))
    cutoff = cutoff_for(audit_rule, retention_settings(), today=TODAY)
    assert audit_rule.how_many(cutoff) == 1

    assert audit_events_purge(cutoff) == 1

    assert not AuditEvent.objects.filter(pk=old.pk).exists() and AuditEvent.objects.filter(pk=kept.pk).exists()


@postgresql_only
def test_the_audit_table_refuses_update_and_delete_but_through_the_purge_function():
    old = _event_on(years_before(TODAY, 8))
    recent = _event_on(TODAY)
    for statement, params in (
        ("UPDATE core_auditevent SET detail = 'x' WHERE id = %s", [old.pk]),
        ("DELETE FROM core_auditevent WHERE id = %s", [old.pk]),  # old, but not through the function
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    # Setting the session flag by hand lets no recent row go: the trigger checks each row's age itself.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('portal.audit_purge', 'on', true)")
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [recent.pk])
    # The function refuses a cutoff less than 6 years ago, whatever the schedule says.
    refused = pytest.raises(DatabaseError, match="younger than 6 years")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT core_auditevent_purge(now() - interval '5 years')")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT core_auditevent_purge(now() - interval '7 years')")
        assert cursor.fetchone()[0] == 1
        # ... and leaves the flag off behind it.
        cursor.execute("SELECT current_setting('portal.audit_purge', true)")
        assert cursor.fetchone()[0] == "off"
    assert list(AuditEvent.objects.filter(pk__in=[old.pk, recent.pk]).values_list("pk", flat=True)) == [recent.pk]


def test_the_sysadmin_sees_the_dry_run_and_changes_the_schedule(sysadmin, client_for):
    _event_on(years_before(TODAY, 8))
    client = client_for(sysadmin)
    page = client.get(reverse("retention:page"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "The schedule is not applied yet" in text and "Start applying the schedule" in text
    assert "Audit events" in text and "7 years after the event" in text
    row = page.context["preview"]
    assert {r.key: r.count for r in row}["audit"] == 1

    version = retention_settings().version
    form = {"case_years": 7, "referral_years": 6, "draft_days": 60, "audit_years": 8, "sign_in_days": 30}
    response = client.post(reverse("retention:page"), {**form, "version": version})
    assert response.status_code == 302
    saved = RetentionSettings.objects.get()
    assert (saved.case_years, saved.draft_days, saved.audit_years, saved.sign_in_days) == (7, 60, 8, 30)
    changed = AuditEvent.objects.get(action="retention.schedule_changed")
    assert changed.actor == sysadmin and changed.changes["case_years"] == {"old": 6, "new": 7}

    stale = client.post(reverse("retention:page"), {**form, "case_years": 9, "version": version})
    assert stale.status_code == 200 and "Someone else changed this" in stale.content.decode()
    assert RetentionSettings.objects.get().case_years == 7

    too_short = client.post(reverse("retention:page"), {**form, "audit_years": 2, "version": saved.version})
    assert too_short.status_code == 200 and "govuk-error-summary" in too_short.content.decode()
    assert "<title>Error: " in too_short.content.decode()
    assert RetentionSettings.objects.get().audit_years == 8


def test_starting_the_schedule_is_recorded_once(sysadmin, client_for):
    client = client_for(sysadmin)
    assert client.post(reverse("retention:start")).status_code == 302
    first = RetentionSettings.objects.get().started_at
    client.post(reverse("retention:start"))
    assert RetentionSettings.objects.get().started_at == first is not None
    assert AuditEvent.objects.filter(action="retention.started", actor=sysadmin).count() == 1
    assert "Applied every night since" in client.get(reverse("retention:page")).content.decode()


@pytest.mark.parametrize("role", ["coordinator", "adviser", "panel_chair", "scrutiny"])
def test_only_the_sysadmin_reaches_the_schedule(role, request, client_for):
    client = client_for(request.getfixturevalue(role))
    assert client.get(reverse("retention:page")).status_code == 404
    assert client.post(reverse("retention:start")).status_code == 404
    assert RetentionSettings.objects.filter(started_at__isnull=False).count() == 0


def test_the_privacy_notice_states_the_schedule_as_set(client):
    retention_settings()
    RetentionSettings.objects.update(case_years=7, draft_days=60)
    text = client.get(reverse("core:privacy")).content.decode()
    assert "7 years after the person leaves the programme" in text
    assert "60 days after the last change" in text and "7 years, then deleted" in text


def test_apply_retention_dry_run_counts_and_changes_nothing_then_applies():
    old = _event_on(years_before(TODAY, 8))
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    lines = {line.split()[0]: line for line in out.getvalue().splitlines() if line and not line.startswith("Dry")}
    assert set(lines) == {"cases", "referrals", "drafts", "sign_in", "audit"}
    assert " 1 to be deleted" in lines["audit"] and " 0 to be anonymised" in lines["cases"]
    assert AuditEvent.objects.filter(pk=old.pk).exists() and retention_settings().started_at is None

    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert retention_settings().started_at is not None and retention_settings().last_run_counts["audit"] == 1


def test_beat_runs_the_retention_and_the_housekeeping_every_night(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"core.tasks.retention_nightly_task", "core.tasks.housekeeping_task"} <= tasks


def test_a_leap_day_cutoff_falls_on_the_28th():
    from datetime import date

    assert years_before(date(2028, 2, 29), 7) == date(2021, 2, 28)
    with time_machine.travel("2028-02-29 12:00 +00:00", tick=False):
        assert cutoff_for(audit_rule, retention_settings(), today=date(2028, 2, 29)).day == date(2021, 2, 28)


def test_a_night_stops_taking_records_when_its_time_is_up_and_the_next_goes_on(settings, sysadmin):
    from core.retention import retention_start
    from core.tasks import retention_nightly_task
    from referrals.models import Referral, Status
    from tests.referrals.factories import DraftReferralFactory

    with frozen(TODAY - timedelta(days=100)):
        drafts = [DraftReferralFactory() for _ in range(2)]
    retention_start(actor=sysadmin)
    settings.RETENTION_RUN_SECONDS = -1  # already over: nothing is taken
    assert retention_nightly_task.delay().get()["drafts"] == 0
    settings.RETENTION_RUN_SECONDS = 60
    assert retention_nightly_task.delay().get()["drafts"] == 2
    assert not Referral.objects.filter(pk__in=[d.pk for d in drafts], status=Status.DRAFT).exists()
