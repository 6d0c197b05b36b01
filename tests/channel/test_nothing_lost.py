"""Issue 12 on the panel pages: every edit page refuses a stale save the same way (their newer value shown, the
typed value kept), and every create form posted twice with one token makes one record and redirects to it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from accounts.roles import Role
from channel.models.assessments import Assessment, VafFactor
from channel.models.cases import CaseEntry, ConsentRecord, SupportItem
from channel.models.meetings import Action, Meeting
from channel.services.actions import action_update
from channel.services.meetings import meeting_notes_save
from channel.services.support import support_item_update
from tests.channel.factories import ActionFactory, CaseFactory, MeetingFactory, SupportItemFactory, adopted
from tests.support.nothing_lost import assert_stale_page, posted_twice

pytestmark = pytest.mark.django_db


def _date(prefix: str, day) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


# --- Stale edits -------------------------------------------------------------------------------------------------


def test_a_stale_support_item_save_shows_their_description_and_keeps_mine(client_for, panel_chair, coordinator, panel):
    item = SupportItemFactory(case=adopted(CaseFactory(panel=panel)), description="")
    opened = item.version
    support_item_update(
        item=item, description="Theirs: weekly mentoring", ends_on=None, changed_by=coordinator, expected_version=opened
    )
    url = reverse("channel:support_item_end", args=[item.case_id, item.pk])
    response = client_for(panel_chair).post(url, {"description": "Mine: fortnightly", "version": opened})
    assert_stale_page(response, theirs="Theirs: weekly mentoring", typed="Mine: fortnightly")
    assert SupportItem.objects.get(pk=item.pk).description == "Theirs: weekly mentoring"


def test_a_stale_minutes_save_shows_their_minutes_and_keeps_mine(client_for, panel_chair, coordinator, panel):
    meeting = MeetingFactory(panel=panel)
    opened = meeting.version
    meeting_notes_save(meeting=meeting, notes="Their minutes", saved_by=coordinator, expected_version=opened)
    response = client_for(panel_chair).post(
        reverse("channel:meeting_notes", args=[meeting.pk]), {"notes": "My minutes", "version": opened}
    )
    assert_stale_page(response, theirs="Their minutes", typed="My minutes")
    assert Meeting.objects.get(pk=meeting.pk).notes == "Their minutes"


def test_a_stale_action_save_shows_their_wording_and_keeps_mine(client_for, panel_chair, coordinator, panel):
    action = ActionFactory(meeting=MeetingFactory(panel=panel), owner=panel_chair)
    opened = action.version
    action_update(
        action=action, description="Their wording", owner=panel_chair, due_on=action.due_on, changed_by=coordinator,
        expected_version=opened,
    )  # fmt: skip
    data = {"description": "My wording", "owner": panel_chair.pk, **_date("due_on", action.due_on), "version": opened}
    response = client_for(panel_chair).post(reverse("channel:action_edit", args=[action.pk]), data)
    assert_stale_page(response, theirs="Their wording", typed="My wording")
    assert Action.objects.get(pk=action.pk).description == "Their wording"


def test_a_stale_case_details_save_shows_their_note_field_and_keeps_mine(client_for, panel_chair, coordinator, panel):
    case = adopted(CaseFactory(panel=panel))
    url = reverse("channel:case_edit", args=[case.pk])
    opened = case.version
    client_for(coordinator).post(url, {"case_officer": coordinator.pk, "version": opened, "note": "Theirs"})
    response = client_for(panel_chair).post(url, {"case_officer": "", "version": opened, "note": "My reason kept"})
    assert_stale_page(response, theirs=coordinator.full_name, typed="My reason kept")


# --- Double submits ----------------------------------------------------------------------------------------------


@pytest.fixture
def case(panel):
    return adopted(CaseFactory(panel=panel))


TODAY_FIELDS: Callable[[str], dict[str, str]] = lambda prefix: _date(prefix, timezone.localdate())  # noqa: E731

CREATE_FORMS = {
    "consent": (
        "channel:consent_add", ConsentRecord, lambda c: [c.pk],
        lambda c: {"giver": "person", "status": "given", **TODAY_FIELDS("on"), "notes": "", "given_by_name": ""},
    ),
    "support item": (
        "channel:support_item_add", SupportItem, lambda c: [c.pk],
        lambda c: {
            "kind": "mainstream", "provider": "Mentor", "description": "", "planned_frequency": "weekly",
            **TODAY_FIELDS("starts_on"),
        },
    ),
    "case note": ("channel:note_add", CaseEntry, lambda c: [c.pk], lambda c: {"text": "Met", **TODAY_FIELDS("on")}),
    "progress note": (
        "channel:progress_note_add", CaseEntry, lambda c: [c.pk, SupportItemFactory(case=c).pk],
        lambda c: {"text": "Going well", **TODAY_FIELDS("on")},
    ),
    "assessment": (
        "channel:assessment_add", Assessment, lambda c: [c.pk],
        lambda c: {
            **TODAY_FIELDS("assessed_on"), "summary": "",
            **{f"rating_{f.pk}": "1" for f in VafFactor.objects.filter(is_active=True)},
        },
    ),
}  # fmt: skip


@pytest.mark.parametrize("form", list(CREATE_FORMS))
def test_a_case_create_form_posted_twice_makes_one_record(client_for, panel_chair, case, form):
    url_name, model, args, data = CREATE_FORMS[form]
    url = reverse(url_name, args=args(case))
    posted_twice(client_for(panel_chair), url, data(case), model)


def test_a_correction_posted_twice_makes_one_amendment(client_for, panel_chair, case):
    entry = case.entries.first() or CaseEntry.objects.create(
        case=case, kind="note", actor=panel_chair, on=case.opened_on
    )
    url = reverse("channel:note_add", args=[case.pk]) + f"?amends={entry.pk}"
    posted_twice(client_for(panel_chair), url, {"text": "Fixed", **TODAY_FIELDS("on")}, CaseEntry)


def test_scheduling_posted_twice_schedules_once(client_for, panel_chair, panel):
    day = timezone.localdate() + timedelta(days=3)
    url = reverse("channel:meeting_create", args=[panel.pk])
    data = {**_date("held_on", day), "months": "1", "starts_at": "14:00"}
    posted_twice(client_for(panel_chair), url, data, Meeting)


def test_an_action_posted_twice_is_added_once(client_for, panel_chair, panel):
    meeting = MeetingFactory(panel=panel)
    assert Membership.objects.filter(user=panel_chair, panel=panel, role=Role.PANEL_CHAIR).exists()
    data = {"description": "Call the school", "owner": panel_chair.pk, "case": "", **_date("due_on", meeting.held_on)}
    posted_twice(client_for(panel_chair), reverse("channel:action_create", args=[meeting.pk]), data, Action)
