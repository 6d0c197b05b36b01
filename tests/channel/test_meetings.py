from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from channel.models.cases import Stage
from channel.models.meetings import AgendaReason, Decision
from channel.selectors import cases_due_for_meeting
from channel.services.actions import action_add
from channel.services.cases import case_update
from channel.services.meetings import agenda_item_record
from core.idempotency import form_token_mint
from tests.channel.factories import CaseFactory, MeetingFactory, adopted

pytestmark = pytest.mark.django_db


def _date(prefix: str, day) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def test_the_agenda_is_built_from_new_cases_reviews_due_and_exits_proposed(client_for, panel_chair, panel):
    today = timezone.localdate()
    meeting = MeetingFactory(panel=panel, held_on=today + timedelta(days=10))
    new = CaseFactory(panel=panel)
    review_due = adopted(CaseFactory(panel=panel))
    review_due.__class__.objects.filter(pk=review_due.pk).update(review_due_on=today + timedelta(days=5))
    not_yet = adopted(CaseFactory(panel=panel))
    not_yet.__class__.objects.filter(pk=not_yet.pk).update(review_due_on=today + timedelta(days=40))
    exit_proposed = adopted(CaseFactory(panel=panel))
    exit_proposed.__class__.objects.filter(pk=exit_proposed.pk).update(
        exit_proposed=True, review_due_on=today + timedelta(days=40)
    )
    other_panel_case = CaseFactory()
    due = {c.pk for c in cases_due_for_meeting(meeting=meeting)}
    assert due == {new.pk, review_due.pk, exit_proposed.pk}
    assert other_panel_case.pk not in due and not_yet.pk not in due

    client = client_for(panel_chair)
    page = client.get(reverse("channel:agenda_build", args=[meeting.pk]))
    assert page.status_code == 200
    response = client.post(reverse("channel:agenda_build", args=[meeting.pk]), {"cases": [str(pk) for pk in due]})
    assert response.status_code == 302
    reasons = dict(meeting.items.values_list("case_id", "reason"))
    assert reasons == {
        new.pk: AgendaReason.NEW,
        review_due.pk: AgendaReason.REVIEW,
        exit_proposed.pk: AgendaReason.EXIT_PROPOSED,
    }
    assert cases_due_for_meeting(meeting=meeting) == []


def test_a_decision_to_adopt_is_the_panels_and_moves_the_case(client_for, panel_chair, panel):
    meeting = MeetingFactory(panel=panel, held_on=timezone.localdate())
    case = CaseFactory(panel=panel)
    item = meeting.items.create(case=case, reason=AgendaReason.NEW)
    url = reverse("channel:agenda_item_record", args=[meeting.pk, item.pk])
    client = client_for(panel_chair)
    bad = client.post(url, {"minutes": "Discussed", "decision": Decision.NOT_ADOPT})
    assert bad.status_code == 200 and "Enter the reason the case was not adopted" in bad.content.decode()
    data = {"minutes": "Agreed support is needed.", "decision": Decision.ADOPT, "decision_notes": ""}
    check = client.post(url, data)  # the check page first: nothing recorded yet
    assert "You are about to record" in check.content.decode() and not case.entries.filter(kind="decision").exists()
    response = client.post(url, {**data, "confirm": "1"})
    assert response.status_code == 302
    case.refresh_from_db()
    item.refresh_from_db()
    assert case.stage == Stage.ADOPTED and case.adopted_on == meeting.held_on and case.discussed_on == meeting.held_on
    assert item.decided_by_consensus and item.decision_recorded_by == panel_chair
    assert case.entries.filter(kind="decision").exists()


def test_the_chair_signs_off_and_then_minutes_are_locked(client_for, panel_chair, panel_member, panel):
    meeting = MeetingFactory(panel=panel, held_on=timezone.localdate())
    item = meeting.items.create(case=CaseFactory(panel=panel), reason=AgendaReason.NEW)
    url = reverse("channel:meeting_sign_off", args=[meeting.pk])
    assert client_for(panel_member).post(url).status_code == 403
    chair = client_for(panel_chair)
    undecided = chair.post(url)
    assert "Record the panel" in undecided.content.decode()
    agenda_item_record(item=item, minutes="", decision=Decision.ADOPT, decision_notes="", recorded_by=panel_chair)
    assert chair.post(url).status_code == 302
    meeting.refresh_from_db()
    assert meeting.signed_off_by == panel_chair
    assert chair.get(reverse("channel:meeting_notes", args=[meeting.pk])).status_code == 403


def test_attendance_is_recorded_for_the_panels_members(client_for, panel_chair, panel_member, panel):
    meeting = MeetingFactory(panel=panel, held_on=timezone.localdate())
    response = client_for(panel_chair).post(
        reverse("channel:attendance_edit", args=[meeting.pk]),
        {f"user_{panel_chair.pk}": "present", f"user_{panel_member.pk}": "apologies"},
    )
    assert response.status_code == 302
    assert dict(meeting.attendance.values_list("user_id", "status")) == {
        panel_chair.pk: "present",
        panel_member.pk: "apologies",
    }
    assert meeting.attendance.get(user=panel_member).agency == "Police"


def test_a_member_closes_their_own_action_but_not_anothers(client_for, make_user, panel_chair, panel_member, panel):
    meeting = MeetingFactory(panel=panel)
    colleague = make_user(Role.PANEL_MEMBER, panel=panel, agency="Health")
    own = action_add(
        meeting=meeting, description="Call school", owner=panel_member, due_on=meeting.held_on, added_by=panel_chair
    )
    theirs = action_add(
        meeting=meeting, description="Check GP", owner=colleague, due_on=meeting.held_on, added_by=panel_chair
    )
    client = client_for(panel_member)
    assert client.post(reverse("channel:action_done", args=[own.pk])).status_code == 302
    assert client.post(reverse("channel:action_done", args=[theirs.pk])).status_code == 403
    own.refresh_from_db()
    theirs.refresh_from_db()
    assert own.done_on is not None and theirs.done_on is None


def test_an_action_owner_must_sit_on_the_panel(panel_chair, make_user, panel):
    from django.core.exceptions import ValidationError

    meeting = MeetingFactory(panel=panel)
    with pytest.raises(ValidationError):
        action_add(
            meeting=meeting,
            description="x",
            owner=make_user(Role.ADVISER),
            due_on=meeting.held_on,
            added_by=panel_chair,
        )


def test_a_chair_schedules_monthly_meetings(client_for, panel_chair, panel):
    day = timezone.localdate() + timedelta(days=3)
    response = client_for(panel_chair).post(
        reverse("channel:meeting_create", args=[panel.pk]),
        {**_date("held_on", day), "months": "3", "starts_at": "14:00", "form_token": form_token_mint()},
    )
    assert response.status_code == 302
    assert panel.meetings.count() == 3
    assert len({m.held_on.month for m in panel.meetings.all()}) == 3


def test_the_start_support_page_says_why_support_cannot_start_without_consent(client_for, panel_chair, panel):
    case = adopted(CaseFactory(panel=panel, is_under_18=True))
    url = reverse("channel:support_start", args=[case.pk])
    client = client_for(panel_chair)
    page = client.get(url).content.decode()
    assert "Support cannot start without consent." in page
    assert "The person&#x27;s informed consent has not been recorded." in page
    assert "parent" in page
    response = client.post(url, _date("on", timezone.localdate()))
    assert response.status_code == 200
    assert "Support cannot start without consent." in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == Stage.ADOPTED
    assert (
        "Support cannot start without consent."
        in client.get(reverse("channel:case_detail", args=[case.pk])).content.decode()
    )


def test_a_bad_date_gives_the_error_summary_not_a_500(client_for, panel_chair, panel):
    case = adopted(CaseFactory(panel=panel))
    response = client_for(panel_chair).post(
        reverse("channel:case_exit", args=[case.pk]),
        {"outcome": "moved_away", "on_0": "31", "on_1": "2", "on_2": "2026"},
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == Stage.ADOPTED


def test_a_stale_save_of_the_case_details_is_refused_and_keeps_the_users_input(
    client_for, panel_chair, coordinator, panel
):
    case = adopted(CaseFactory(panel=panel))
    url = reverse("channel:case_edit", args=[case.pk])
    opened_version = case.version
    case_update(case=case, changed_by=coordinator, case_officer=coordinator, review_due_on=None, exit_proposed=False)
    response = client_for(panel_chair).post(
        url, {"case_officer": str(panel_chair.pk), "version": str(opened_version), "exit_proposed": "on"}
    )
    assert response.status_code == 200
    assert "Someone else changed this" in response.content.decode()
    case.refresh_from_db()
    assert case.case_officer == coordinator and not case.exit_proposed


def test_the_case_edit_page_carries_the_version_it_was_opened_at(client_for, panel_chair, panel):
    case = adopted(CaseFactory(panel=panel))
    page = client_for(panel_chair).get(reverse("channel:case_edit", args=[case.pk])).content.decode()
    assert f'name="version" value="{case.version}"' in page
