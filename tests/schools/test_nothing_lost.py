"""Nothing is lost on the schools pages (issue 12): a double-clicked Save makes one record, and a save over
someone else's newer one is refused with their values and the person's own typed values both on screen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.locking import STALE_MESSAGE, StaleEdit
from schools.models import Contact, Institution, NetworkMeeting, Visit, VisitAction
from schools.services.visits import visit_update
from tests.schools.factories import (
    ContactFactory,
    InstitutionFactory,
    NetworkMeetingFactory,
    VisitActionFactory,
    VisitFactory,
)
from tests.support.concurrency import at_once
from tests.support.nothing_lost import assert_same_redirect, post_twice

pytestmark = pytest.mark.usefixtures("frozen_today")  # dates typed as on a calendar

# ---- a double-clicked Save makes one record ----


def _visit_form(adviser, **extra):
    return {
        "visited_on": timezone.localdate().isoformat(),
        "kind": "visit",
        "offer_level": "universal",
        "purpose": "check_in",
        "adviser": adviser.pk,
        "notes": "Termly check-in",
        "follow_up_on": "",
        **extra,
    }


def test_a_visit_with_its_action_saved_twice_is_logged_once(client_for, adviser, school, db):
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    form = _visit_form(adviser, action_1_description="Send the toolkit", action_1_owner=adviser.pk, action_1_due=due)
    first, second = post_twice(client_for(adviser), reverse("schools:visit_add", args=[school.urn]), form)
    assert_same_redirect(first, second)
    visit = Visit.objects.get()
    assert first["Location"] == reverse("schools:visit_detail", args=[visit.pk])
    assert VisitAction.objects.count() == 1


def test_actions_added_to_a_visit_later_and_saved_twice_are_added_once(client_for, adviser, school, db):
    visit = VisitFactory(school=school, adviser=adviser)
    form = _visit_form(
        adviser,
        visited_on=visit.visited_on.isoformat(),
        version=visit.version,
        action_1_description="Book the WRAP session",
        action_1_owner=adviser.pk,
        action_1_due=(timezone.localdate() + timedelta(days=7)).isoformat(),
    )
    first, second = post_twice(client_for(adviser), reverse("schools:visit_edit", args=[visit.pk]), form)
    assert_same_redirect(first, second)
    assert first["Location"] == reverse("schools:visit_detail", args=[visit.pk])
    assert list(visit.actions.values_list("description", flat=True)) == ["Book the WRAP session"]


def test_a_contact_saved_twice_is_added_once(client_for, dsl, school, db):
    form = {"full_name": "Wren Dunmore", "role": "deputy_dsl", "email": "", "phone": "", "is_current": "on"}
    first, second = post_twice(client_for(dsl), reverse("schools:contact_add", args=[school.urn]), form)
    assert_same_redirect(first, second)
    assert Contact.objects.filter(full_name="Wren Dunmore").count() == 1


def test_a_network_meeting_saved_twice_is_recorded_once(client_for, adviser, school, db):
    dsl = ContactFactory(school=school, role="dsl")
    form = {"kind": "network", "title": "Spring DSL network", "held_on": "2026-03-04", "attendees": [dsl.pk]}
    first, second = post_twice(client_for(adviser), reverse("schools:meeting_add"), form)
    assert_same_redirect(first, second)
    meeting = NetworkMeeting.objects.get()
    assert first["Location"] == reverse("schools:meeting_detail", args=[meeting.pk])
    assert list(meeting.attendees.all()) == [dsl]


def test_an_institution_saved_twice_is_added_once(client_for, adviser, db):
    form = {"name": "Al-Noor Madrassah", "kind": "faith", "ward": "", "postcode": "", "notes": ""}
    first, second = post_twice(client_for(adviser), reverse("schools:institution_add"), form)
    assert_same_redirect(first, second)
    assert Institution.objects.count() == 1


# ---- a save over someone else's newer one is refused, with both values on screen ----


def _assert_stale_page(response, *, theirs: str, mine: str) -> None:
    html = response.content.decode()
    assert response.status_code == 200
    assert STALE_MESSAGE in html and "What they saved" in html
    assert theirs in html, "their newer value is shown"
    assert mine in html, "the person's own typed value is kept"


def test_a_stale_visit_edit_shows_their_notes_and_keeps_mine(client_for, adviser, coordinator, school, db):
    visit = VisitFactory(school=school, adviser=adviser, notes="First notes")
    url = reverse("schools:visit_edit", args=[visit.pk])
    form = _visit_form(adviser, visited_on=visit.visited_on.isoformat(), version=visit.version)
    theirs = client_for(coordinator).post(url, {**form, "notes": "Coordinator's notes", "form_token": "a" * 32})
    assert theirs.status_code == 302
    response = client_for(adviser).post(url, {**form, "notes": "Adviser's typed notes", "form_token": "b" * 32})
    _assert_stale_page(response, theirs="Coordinator&#x27;s notes", mine="Adviser&#x27;s typed notes")
    visit.refresh_from_db()
    assert visit.notes == "Coordinator's notes"
    assert response.context["form"]["version"].value() == str(visit.version)


def test_a_stale_meeting_edit_shows_their_title_and_keeps_mine(client_for, adviser, coordinator, db):
    meeting = NetworkMeetingFactory(title="Autumn network")
    url = reverse("schools:meeting_edit", args=[meeting.pk])
    form = {"kind": "network", "held_on": "2026-10-15", "version": meeting.version}
    assert client_for(coordinator).post(url, {**form, "title": "Autumn DSL network"}).status_code == 302
    response = client_for(adviser).post(url, {**form, "title": "Autumn network, moved online"})
    _assert_stale_page(response, theirs="Autumn DSL network", mine='value="Autumn network, moved online"')
    meeting.refresh_from_db()
    assert meeting.title == "Autumn DSL network"


def test_a_stale_institution_edit_shows_their_name_and_keeps_mine(client_for, adviser, coordinator, db):
    institution = InstitutionFactory(name="Kestrel Nursery", kind="early_years")
    url = reverse("schools:institution_edit", args=[institution.pk])
    form = {"kind": "early_years", "ward": "", "postcode": "", "notes": "", "version": institution.version}
    assert client_for(coordinator).post(url, {**form, "name": "Kestrel Early Years Centre"}).status_code == 302
    response = client_for(adviser).post(url, {**form, "name": "Kestrel Nursery School"})
    _assert_stale_page(response, theirs="Kestrel Early Years Centre", mine='value="Kestrel Nursery School"')
    institution.refresh_from_db()
    assert institution.name == "Kestrel Early Years Centre"


def test_marking_an_action_changed_meanwhile_is_refused_with_a_message(client_for, adviser, coordinator, db):
    action = VisitActionFactory(owner=adviser, visit__adviser=adviser)
    url = reverse("schools:action_done", args=[action.pk])
    opened_at = action.version
    assert client_for(coordinator).post(url, {"done": "yes", "version": opened_at}).status_code == 302
    client_for(coordinator).post(url, {"done": "no", "version": opened_at + 1})
    response = client_for(adviser).post(url, {"done": "yes", "version": opened_at}, follow=True)
    assert STALE_MESSAGE in response.content.decode()
    action.refresh_from_db()
    assert action.done_on is None and action.version == opened_at + 2


# ---- two people saving the same visit at the same moment ----

ROUNDS = 100


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers at once need PostgreSQL (SQLite has one)")
def test_two_people_saving_one_visit_at_once_never_overwrite_each_other_silently(adviser, coordinator, school):
    visit = VisitFactory(school=school, adviser=adviser)
    silent_overwrites = 0
    for round_number in range(ROUNDS):
        opened_at = Visit.objects.get(pk=visit.pk).version

        def save(actor, notes, opened_at=opened_at):
            return visit_update(visit=visit, actor=actor, version=opened_at, notes=notes).notes

        mine, theirs = f"{round_number}: adviser", f"{round_number}: coordinator"
        outcomes = at_once(lambda mine=mine: save(adviser, mine), lambda theirs=theirs: save(coordinator, theirs))
        saved = [o for o in outcomes if isinstance(o, str)]
        refused = [o for o in outcomes if isinstance(o, StaleEdit)]
        stored = Visit.objects.get(pk=visit.pk)
        if len(saved) != 1 or len(refused) != 1 or stored.notes != saved[0] or stored.version != opened_at + 1:
            silent_overwrites += 1
    assert silent_overwrites == 0


def test_a_stale_action_edit_shows_their_description_and_keeps_mine(client_for, adviser, coordinator, db):
    action = VisitActionFactory(description="Send the toolkit", visit__adviser=adviser)
    url = reverse("schools:action_edit", args=[action.pk])
    form = {"owner": adviser.pk, "due_on": "2026-12-01", "version": action.version}
    assert (
        client_for(coordinator).post(url, {**form, "description": "Send the toolkit and the poster"}).status_code == 302
    )
    response = client_for(adviser).post(url, {**form, "description": "Send the toolkit by post"})
    _assert_stale_page(response, theirs="Send the toolkit and the poster", mine='value="Send the toolkit by post"')
    action.refresh_from_db()
    assert action.description == "Send the toolkit and the poster"
