"""The audit trail: searched and exported by coordinators and system administrators only, the export itself
audited, and no event can be changed or deleted through the portal, the ORM or the database."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from core.audit import audit_record
from core.models import AuditEvent
from tests.support.queries import assert_flat_queries

pytestmark = pytest.mark.django_db


def _csv(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


@pytest.fixture
def events(coordinator, dsl, school):
    made = [
        audit_record(
            actor=dsl, action="schools.school_updated", obj=school, changes={"tier": {"old": "u", "new": "s"}}
        ),
        audit_record(
            actor=coordinator, action="referrals.referral_viewed", object_type="referrals.referral", object_id=41
        ),
        audit_record(actor=None, action="auth.sign_in_failed", actor_email='=HYPERLINK("x")'),
    ]
    return made


@pytest.mark.parametrize("fixture", ["adviser", "dsl", "csc_practitioner", "panel_chair", "panel_member", "scrutiny"])
def test_only_coordinators_and_system_administrators_reach_the_audit_trail(request, client_for, fixture, events):
    client = client_for(request.getfixturevalue(fixture))
    assert client.get("/audit/").status_code == 404
    assert client.get("/audit/export.csv").status_code == 404
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_search_by_person_action_record_and_date(client_for, sysadmin, events, school, dsl):
    client = client_for(sysadmin)
    by_person = client.get("/audit/", {"person": "eskay"}).content.decode()
    assert "schools.school_updated" in by_person and "referrals.referral_viewed" not in by_person
    by_action = client.get("/audit/", {"action": "referrals."}).content.decode()
    assert "referrals.referral_viewed" in by_action and "schools.school_updated" not in by_action
    by_record = client.get("/audit/", {"object_type": "referrals.referral", "object_id": "41"}).content.decode()
    assert "referrals.referral_viewed" in by_record and "auth.sign_in_failed" not in by_record
    today = timezone.localdate()
    in_range = client.get("/audit/", {"date_from": today.isoformat(), "date_to": today.isoformat()}).content.decode()
    assert "schools.school_updated" in in_range
    before = client.get("/audit/", {"date_to": (today - timedelta(days=1)).isoformat()}).content.decode()
    assert "0 events" in before
    bad = client.get("/audit/", {"date_from": "31/02/2026"})
    assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()


def test_audit_list_query_count_does_not_grow_with_events(client_for, coordinator, dsl):
    client = client_for(coordinator)

    def grow() -> None:
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    actor=dsl if i % 2 else coordinator,
                    action="schools.school_viewed",
                    object_type="schools.school",
                    object_id=str(i),
                )
                for i in range(4000)
            ]
        )

    AuditEvent.objects.bulk_create(
        [
            AuditEvent(actor=dsl, action="schools.school_viewed", object_type="schools.school", object_id=str(i))
            for i in range(40)
        ]
    )
    count = assert_flat_queries(fetch=lambda: client.get("/audit/"), grow=grow)
    assert count <= 10
    filtered = assert_flat_queries(fetch=lambda: client.get("/audit/", {"person": "eskay", "page": "2"}), grow=grow)
    assert filtered <= 10


def test_export_gives_the_filtered_events_as_csv_and_is_itself_audited(client_for, coordinator, events):
    response = client_for(coordinator).get("/audit/export.csv", {"action": "auth.sign_in"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-events-')
    assert "no-store" in response["Cache-Control"]
    rows = _csv(response)
    assert [r["action"] for r in rows] == ["auth.sign_in_failed"]
    assert rows[0]["actor_email"].startswith("'=")  # a formula is neutralised for spreadsheets
    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.actor == coordinator
    assert exported.detail == "1 rows; filters: action"


def test_export_keeps_changed_values_and_hides_sensitive_ones(client_for, sysadmin, events, school):
    audit_record(actor=sysadmin, action="schools.school_updated", obj=school, changes={"notes": {"sensitive": True}})
    rows = _csv(client_for(sysadmin).get("/audit/export.csv", {"action": "schools."}))
    assert {r["changes"] for r in rows} == {'{"tier": {"new": "s", "old": "u"}}', '{"notes": {"sensitive": true}}'}


def test_an_event_cannot_be_changed_or_deleted_through_the_orm(events):
    event = AuditEvent.objects.get(action="schools.school_updated")
    event.detail = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).detail == ""


def test_no_portal_url_changes_or_deletes_an_event(client_for, coordinator, events):
    from django.urls import get_resolver

    names = [n for n in get_resolver().reverse_dict if isinstance(n, str)]
    assert not [n for n in names if "audit" in n and any(w in n for w in ("edit", "delete", "update", "change"))]
    before = list(AuditEvent.objects.order_by("id").values_list("id", "action", "detail"))
    client = client_for(coordinator)
    for url in ["/audit/", "/audit/export.csv"]:
        client.post(url, {"id": events[0].pk, "detail": "x", "action": "x"})
    after = list(
        AuditEvent.objects.filter(id__in=[b[0] for b in before]).order_by("id").values_list("id", "action", "detail")
    )
    assert before == after


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only")
def test_the_database_refuses_update_and_delete_of_an_event(events):
    from django.db.utils import DatabaseError

    table = AuditEvent._meta.db_table
    pk = events[0].pk
    for statement in (f"UPDATE {table} SET detail = 'x' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [pk])
    assert AuditEvent.objects.get(pk=pk).detail == ""


def test_reads_and_changes_write_events_with_actor_address_and_record(client_for, coordinator, dsl):
    """A change made through a page writes its event: actor, address, record and changed fields."""
    client = client_for(coordinator)
    membership = dsl.memberships.get()
    url = f"/accounts/users/{dsl.pk}/roles/{membership.pk}/end/"
    client.post(url, {"version": dsl.version}, REMOTE_ADDR="192.0.2.10")
    event = AuditEvent.objects.get(action="accounts.role_ended")
    assert (event.actor, event.ip_address, event.object_type, event.object_id) == (
        coordinator,
        "192.0.2.10",
        "accounts.user",
        str(dsl.pk),
    )
    assert set(event.changes) == {"membership", "role", "ended_on"}
    client.get("/audit/export.csv")
    assert AuditEvent.objects.filter(action="audit.exported", actor=coordinator).count() == 1


def test_the_audit_list_pages_by_key_from_newest_to_oldest(client_for, coordinator, dsl):
    AuditEvent.objects.bulk_create(
        AuditEvent(actor=dsl, action="schools.school_viewed", object_type="schools.school", object_id=str(i))
        for i in range(120)
    )
    client = client_for(coordinator)
    first = client.get("/audit/")
    html = first.content.decode()
    assert "Older events" in html and "Newer events" not in html and "Oldest" in html
    second = client.get("/audit/", first.context["page"].older)
    shown = [e.pk for e in first.context["events"]] + [e.pk for e in second.context["events"]]
    assert shown == list(AuditEvent.objects.order_by("-occurred_at", "-id").values_list("pk", flat=True)[:100])
    assert "Newer events" in second.content.decode()
    oldest = client.get("/audit/", {"oldest": "1"})
    assert oldest.context["events"][-1] == AuditEvent.objects.order_by("occurred_at", "id").first()
    assert "Older events" not in oldest.content.decode()
