"""Decisions that protect the person: the screening first (or a stated reason), and a second coordinator for no
further action or signposting after an escalating 'Yes'. Each rule is called on the service itself."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from referrals.models import Decision, EventKind, ScreeningAnswer, ScreeningQuestion, SignpostService, Status
from referrals.selectors import referral_awaiting_confirmation_by, referral_queue
from referrals.services.triage import (
    referral_decide,
    referral_decision_confirm,
    referral_decision_send_back,
    screening_answers_save,
)
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def _screen(referral, actor, *, escalate: bool) -> None:
    answers = [
        (q, "yes" if q.escalates and escalate else "no", "") for q in ScreeningQuestion.objects.filter(is_active=True)
    ]
    screening_answers_save(referral=referral, actor=actor, answers=answers, expected_version=referral.version)
    referral.refresh_from_db()


@pytest.fixture
def referral(dsl, school, team):
    return ReferralFactory(school=school, created_by=dsl, assigned_team=team)


@pytest.fixture
def second_coordinator(make_user):
    return make_user(Role.COORDINATOR, full_name="Seca Ondcoord")


def test_the_imminent_harm_question_escalates():
    assert ScreeningQuestion.objects.filter(escalates=True, label__icontains="imminent harm").exists()


def test_a_decision_needs_the_screening_or_a_stated_reason(coordinator, referral):
    with pytest.raises(ValidationError, match="screening is not recorded"):
        referral_decide(
            referral=referral, actor=coordinator, choice="nfa", notes="x", expected_version=referral.version
        )
    referral_decide(
        referral=referral, actor=coordinator, choice="nfa", notes="x", expected_version=referral.version,
        unscreened_reason="The person has moved abroad; nothing to screen.",
    )  # fmt: skip
    referral.refresh_from_db()
    assert referral.decision == Decision.NO_FURTHER_ACTION
    assert referral.unscreened_reason.startswith("The person has moved")


def test_a_screened_referral_without_escalation_is_decided_at_once(coordinator, referral):
    _screen(referral, coordinator, escalate=False)
    referral_decide(
        referral=referral, actor=coordinator, choice="nfa", notes="No risk.", expected_version=referral.version
    )
    referral.refresh_from_db()
    assert referral.status == Status.DECIDED and referral.decided_by == coordinator
    assert referral.decision_confirmed_by is None


@pytest.mark.parametrize("choice", ["nfa", "signposted"])
def test_an_escalated_screening_cannot_end_without_a_rationale(coordinator, referral, choice):
    _screen(referral, coordinator, escalate=True)
    with pytest.raises(ValidationError, match="rationale"):
        referral_decide(
            referral=referral, actor=coordinator, choice=choice, notes="  ", expected_version=referral.version,
            services=SignpostService.objects.all()[:1],
        )  # fmt: skip


def test_an_escalated_nfa_waits_for_a_second_coordinator(coordinator, second_coordinator, csc_practitioner, referral):
    _screen(referral, coordinator, escalate=True)
    referral_decide(
        referral=referral, actor=coordinator, choice="nfa", notes="Police have it in hand.",
        expected_version=referral.version,
    )  # fmt: skip
    referral.refresh_from_db()
    # Not in force: no decision, still in the queue, on its own tab
    assert referral.status == Status.AWAITING_CONFIRMATION and referral.decision == ""
    assert referral.is_open
    assert list(referral_queue(user=coordinator, tab="confirmation")) == [referral]
    assert list(referral_awaiting_confirmation_by(user=coordinator)) == []
    assert list(referral_awaiting_confirmation_by(user=second_coordinator)) == [referral]
    # Nobody decides again, and the screening cannot change under it
    with pytest.raises(ValidationError, match="awaiting"):
        referral_decide(
            referral=referral, actor=second_coordinator, choice="police_led", notes="x",
            expected_version=referral.version,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="awaiting confirmation"):
        _screen(referral, coordinator, escalate=False)
    # Not the proposer, not a practitioner
    for someone in (coordinator, csc_practitioner):
        with pytest.raises(ValidationError):
            referral_decision_confirm(referral=referral, actor=someone, expected_version=referral.version)
    referral_decision_confirm(referral=referral, actor=second_coordinator, expected_version=referral.version)
    referral.refresh_from_db()
    assert referral.status == Status.DECIDED and referral.decision == Decision.NO_FURTHER_ACTION
    assert referral.decided_by == coordinator and referral.decision_confirmed_by == second_coordinator
    kinds = list(referral.events.values_list("kind", "actor_id"))
    assert (EventKind.PROPOSED, coordinator.pk) in kinds and (EventKind.DECIDED, second_coordinator.pk) in kinds
    decided = referral.events.get(kind=EventKind.DECIDED)
    assert "Proposed by" in decided.text and f"confirmed by {second_coordinator}" in decided.text


def test_a_practitioners_escalated_signposting_is_confirmed_by_a_coordinator(
    coordinator, csc_practitioner, team, referral
):
    referral.assigned_team = team
    referral.save()
    _screen(referral, coordinator, escalate=True)
    service = SignpostService.objects.first()
    referral_decide(
        referral=referral, actor=csc_practitioner, choice="signposted", notes="CAMHS fits.", services=[service],
        expected_version=referral.version,
    )  # fmt: skip
    referral.refresh_from_db()
    assert referral.status == Status.AWAITING_CONFIRMATION
    referral_decision_confirm(referral=referral, actor=coordinator, expected_version=referral.version)
    referral.refresh_from_db()
    assert referral.decision == Decision.SIGNPOSTED
    assert list(referral.signpost_rows.values_list("label", flat=True)) == [service.label]


def test_a_sent_back_proposal_returns_to_screening(coordinator, second_coordinator, referral):
    _screen(referral, coordinator, escalate=True)
    referral_decide(referral=referral, actor=coordinator, choice="nfa", notes="x", expected_version=referral.version)
    referral.refresh_from_db()
    with pytest.raises(ValidationError, match="why"):
        referral_decision_send_back(
            referral=referral, actor=second_coordinator, reason="", expected_version=referral.version
        )
    referral_decision_send_back(
        referral=referral, actor=second_coordinator, reason="Speak to the police first.",
        expected_version=referral.version,
    )  # fmt: skip
    referral.refresh_from_db()
    assert referral.status == Status.SCREENING and referral.proposed_decision == "" and referral.decision == ""
    assert referral.events.filter(kind=EventKind.SENT_BACK, text__contains="Speak to the police").exists()


def test_an_escalated_panel_decision_needs_no_second_coordinator(coordinator, referral, panel):
    from referrals.models import RoutingSettings
    from referrals.selectors import routing_settings_get

    RoutingSettings.objects.filter(pk=routing_settings_get().pk).update(under_18_panel=panel, adult_panel=panel)
    _screen(referral, coordinator, escalate=True)
    referral_decide(referral=referral, actor=coordinator, choice="panel", notes="", expected_version=referral.version)
    referral.refresh_from_db()
    assert referral.status == Status.AT_PANEL


def test_the_decision_page_shows_a_check_page_before_recording(client_for, coordinator, referral):
    _screen(referral, coordinator, escalate=True)
    client = client_for(coordinator)
    url = reverse("referrals:decide", args=[referral.pk])
    data = {"decision": "nfa", "decision_notes": "Police lead.", "version": referral.version}
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200 and "You are about to propose" in body and "second Prevent coordinator" in body
    assert ScreeningAnswer.objects.filter(referral=referral).exists()
    referral.refresh_from_db()
    assert referral.status == Status.SCREENING  # nothing recorded yet
    # "Change the decision" goes back to the form with the values kept
    back = client.post(url, {**data, "change": "1"}).content.decode()
    assert "Police lead." in back and "You are about to" not in back
    assert client.post(url, {**data, "confirm": "1"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.AWAITING_CONFIRMATION


def test_the_confirm_page_is_for_a_second_coordinator_only(
    client_for, coordinator, second_coordinator, csc_practitioner, team, referral
):
    referral.assigned_team = team
    referral.save()
    _screen(referral, coordinator, escalate=True)
    referral_decide(referral=referral, actor=coordinator, choice="nfa", notes="x", expected_version=referral.version)
    url = reverse("referrals:decision_confirm", args=[referral.pk])
    assert client_for(csc_practitioner).get(url).status_code == 403
    own = client_for(coordinator).get(url).content.decode()
    assert "You proposed this decision" in own and 'value="confirm"' not in own
    second = client_for(second_coordinator)
    assert "You are about to confirm" in second.get(url).content.decode()
    referral.refresh_from_db()
    assert second.post(url, {"version": referral.version, "action": "confirm"}).status_code == 302
    referral.refresh_from_db()
    assert referral.decision == Decision.NO_FURTHER_ACTION
    home = second.get(reverse("core:home")).content.decode()
    assert "decisions awaiting confirmation" in home


def test_a_coordinator_marks_a_screening_question_as_escalating(client_for, coordinator):
    question = ScreeningQuestion.objects.filter(escalates=False).first()
    url = reverse("referrals:list_item_edit", args=["screening-questions", question.pk])
    client = client_for(coordinator)
    assert 'name="escalates"' in client.get(url).content.decode()
    data = {"label": question.label, "hint": "", "order": question.order, "is_active": "on", "escalates": "on"}
    assert client.post(url, {**data, "version": question.version}).status_code == 302
    question.refresh_from_db()
    assert question.escalates
