from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from channel.models.assessments import VafFactor
from channel.models.cases import (
    CaseEntry,
    CaseReview,
    ConsentGiver,
    ConsentStatus,
    EntryKind,
    ExitOutcome,
    ReviewKind,
    Stage,
)
from channel.selectors import assessment_comparison, case_stage_by_referral, case_statistics
from channel.services.assessments import assessment_record
from channel.services.cases import case_exit, case_not_adopt, case_note_add, case_open_from_referral, case_stage_change
from channel.services.consent import consent_record, consent_state
from channel.services.reviews import review_record
from channel.services.support import case_support_start
from core.idempotency import form_token_mint
from referrals.models import Status
from tests.channel.factories import CaseFactory, adopted
from tests.referrals.factories import ReferralFactory
from tests.support.clock import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def test_a_referral_decision_opens_one_case_at_information_gathering(panel, coordinator):
    referral = ReferralFactory(status=Status.AT_PANEL, age_at_referral=15)
    case = case_open_from_referral(referral=referral, panel=panel, opened_by=coordinator)
    assert case.stage == Stage.INFORMATION_GATHERING
    assert case.opened_on == TODAY
    assert case.is_under_18
    assert referral.case == case
    again = case_open_from_referral(referral=referral, panel=panel, opened_by=coordinator)
    assert again.pk == case.pk
    assert list(case.entries.values_list("kind", flat=True)) == [EntryKind.OPENED]
    assert case_stage_by_referral(referral_ids=[referral.pk]) == {referral.pk: "Information gathering"}


def test_stage_moves_are_dated_and_refused_out_of_order(panel, panel_chair):
    case = CaseFactory(panel=panel)
    case = case_stage_change(case=case, stage=Stage.PRELIMINARY_ASSESSMENT, on=TODAY, changed_by=panel_chair)
    assert case.preliminary_assessment_on == TODAY
    with pytest.raises(ValidationError):
        case_stage_change(case=case, stage=Stage.SUPPORT, on=TODAY, changed_by=panel_chair)


def test_not_adopted_needs_a_reason(panel, panel_chair):
    case = CaseFactory(panel=panel)
    with pytest.raises(ValidationError):
        case_not_adopt(case=case, reason="  ", on=TODAY, decided_by=panel_chair)
    case = case_not_adopt(case=case, reason="Needs met by early help", on=TODAY, decided_by=panel_chair)
    assert case.stage == Stage.NOT_ADOPTED
    assert case.closed_on == TODAY


def test_support_cannot_start_without_consent(panel, panel_chair):
    case = adopted(CaseFactory(panel=panel))
    with pytest.raises(ValidationError) as refused:
        case_support_start(case=case, on=TODAY, started_by=panel_chair)
    assert "Support cannot start without consent." in refused.value.messages
    case.refresh_from_db()
    assert case.stage == Stage.ADOPTED and case.support_started_on is None
    consent_record(case=case, giver=ConsentGiver.PERSON, status=ConsentStatus.GIVEN, on=TODAY, recorded_by=panel_chair)
    case = case_support_start(case=case, on=TODAY, started_by=panel_chair)
    assert case.stage == Stage.SUPPORT and case.support_started_on == TODAY


def test_support_for_an_under_18_needs_a_parents_consent_too(panel, panel_chair):
    case = adopted(CaseFactory(panel=panel, is_under_18=True))
    consent_record(case=case, giver=ConsentGiver.PERSON, status=ConsentStatus.GIVEN, on=TODAY, recorded_by=panel_chair)
    with pytest.raises(ValidationError) as refused:
        case_support_start(case=case, on=TODAY, started_by=panel_chair)
    assert any("parent" in m for m in refused.value.messages)
    with pytest.raises(ValidationError):  # a parent's consent names the parent or carer
        consent_record(
            case=case, giver=ConsentGiver.PARENT, status=ConsentStatus.GIVEN, on=TODAY, recorded_by=panel_chair
        )
    consent_record(
        case=case, giver=ConsentGiver.PARENT, status=ConsentStatus.GIVEN, on=TODAY, recorded_by=panel_chair,
        given_by_name="Jo Parent",
    )  # fmt: skip
    assert case_support_start(case=case, on=TODAY, started_by=panel_chair).stage == Stage.SUPPORT


def test_a_refusal_after_consent_stops_support_starting_and_a_withdrawal_proposes_exit(panel, panel_chair):
    case = adopted(CaseFactory(panel=panel))
    consent_record(case=case, giver="person", status="given", on=TODAY - timedelta(days=3), recorded_by=panel_chair)
    consent_record(case=case, giver="person", status="refused", on=TODAY, recorded_by=panel_chair)
    assert not consent_state(case=case).allows_support
    consent_record(case=case, giver="person", status="given", on=TODAY, recorded_by=panel_chair)
    case_support_start(case=case, on=TODAY, started_by=panel_chair)
    consent_record(case=case, giver="person", status="withdrawn", on=TODAY, recorded_by=panel_chair)
    case.refresh_from_db()
    assert case.exit_proposed
    assert case.consents.count() == 4  # each answer kept, dated and attributed
    assert set(case.consents.values_list("recorded_by", flat=True)) == {panel_chair.pk}


def test_reviews_fall_due_6_and_12_months_after_exit(panel, panel_chair):
    case = adopted(CaseFactory(panel=panel))
    exit_day = date(2026, 8, 31)
    case_exit(case=case, outcome=ExitOutcome.CONCERNS_REDUCED, on=exit_day, exited_by=panel_chair)
    reviews = {r.kind: r.due_on for r in CaseReview.objects.filter(case=case)}
    assert reviews == {ReviewKind.SIX_MONTHS: date(2027, 2, 28), ReviewKind.TWELVE_MONTHS: date(2027, 8, 31)}
    case.refresh_from_db()
    assert case.stage == Stage.EXITED and case.exited_on == exit_day


def test_each_review_records_whether_concerns_returned_and_the_second_closes_the_case(panel, panel_chair):
    case = adopted(CaseFactory(panel=panel))
    case_exit(case=case, outcome=ExitOutcome.CONCERNS_REDUCED, on=TODAY - timedelta(days=400), exited_by=panel_chair)
    six, twelve = case.reviews.order_by("due_on")
    review_record(review=six, concerns_returned=False, on=TODAY, recorded_by=panel_chair)
    case.refresh_from_db()
    assert case.stage == Stage.REVIEWS
    review_record(review=twelve, concerns_returned=True, on=TODAY, recorded_by=panel_chair, notes="New concerns")
    case.refresh_from_db()
    assert case.stage == Stage.CLOSED and case.closed_on == TODAY
    assert list(case.reviews.values_list("concerns_returned", flat=True)) == [False, True]
    with pytest.raises(ValidationError):
        review_record(review=twelve, concerns_returned=True, on=TODAY, recorded_by=panel_chair)


def test_the_exit_outcome_other_needs_a_note(panel, panel_chair):
    case = adopted(CaseFactory(panel=panel))
    with pytest.raises(ValidationError):
        case_exit(case=case, outcome=ExitOutcome.OTHER, on=TODAY, exited_by=panel_chair)
    assert not case.reviews.exists()


def test_the_chronology_is_append_only_and_an_amendment_points_at_the_entry_it_corrects(panel, panel_chair):
    case = CaseFactory(panel=panel)
    note = case_note_add(case=case, text="Met the family", on=TODAY, author=panel_chair)
    with pytest.raises(PermissionError):
        note.text = "changed"
        note.save()
    with pytest.raises(PermissionError):
        CaseEntry.objects.filter(pk=note.pk).update(text="changed")
    with pytest.raises(PermissionError):
        CaseEntry.objects.filter(pk=note.pk).delete()
    fix = case_note_add(case=case, text="Met the mother only", on=TODAY, author=panel_chair, amends=note)
    assert fix.kind == EntryKind.AMENDMENT and fix.amends_id == note.pk
    assert CaseEntry.objects.get(pk=note.pk).text == "Met the family"


def test_the_case_page_compares_the_latest_assessment_with_the_first(panel, panel_chair):
    case = adopted(CaseFactory(panel=panel))
    factors = list(VafFactor.objects.filter(is_active=True))
    assert len(factors) == 22
    assert {f.dimension for f in factors} == {"engagement", "intent", "capability"}
    assessment_record(
        case=case, assessed_on=TODAY - timedelta(days=60), assessed_by=panel_chair,
        ratings={f.pk: (3, "Strong") for f in factors},
    )  # fmt: skip
    assessment_record(
        case=case, assessed_on=TODAY, assessed_by=panel_chair, ratings={f.pk: (1, "Easing") for f in factors}
    )
    first, latest, dimensions = assessment_comparison(case=case)
    assert first.assessed_on < latest.assessed_on
    engagement = dimensions[0]
    assert engagement.first_total == 13 * 3 and engagement.latest_total == 13
    assert {f.change for d in dimensions for f in d.factors} == {"Lower"}
    with pytest.raises(ValidationError):  # every factor must be rated
        assessment_record(case=case, assessed_on=TODAY, assessed_by=panel_chair, ratings={})


def test_case_statistics_count_people_by_furthest_stage_for_referrals_made_in_the_period(panel, panel_chair):
    in_period = TODAY - timedelta(days=30)
    cases = [CaseFactory(panel=panel, referral__submitted_on=in_period) for _ in range(4)]
    CaseFactory(panel=panel, referral__submitted_on=TODAY - timedelta(days=400))  # outside the period
    case_not_adopt(case=cases[0], reason="Not for panel", on=TODAY, decided_by=panel_chair)
    for case in cases[1:]:
        adopted(case)
    consent_record(case=cases[2], giver="person", status="given", on=TODAY, recorded_by=panel_chair)
    case_support_start(case=cases[2], on=TODAY, started_by=panel_chair)
    case_exit(case=cases[2], outcome=ExitOutcome.CONCERNS_REDUCED, on=TODAY, exited_by=panel_chair)
    case_exit(case=cases[3], outcome=ExitOutcome.WITHDREW_CONSENT, on=TODAY, exited_by=panel_chair)
    stats = case_statistics(start=TODAY - timedelta(days=90), end=TODAY)
    assert stats["cases"] == 4
    assert stats["discussed_at_panel"] == 4
    assert stats["adopted"] == 3
    assert stats["not_adopted"] == 1
    assert stats["supported"] == 1
    assert stats["exited_concerns_reduced"] == 1
    assert stats["withdrew"] == 1
    assert stats["ongoing"] == 1  # adopted and not yet exited
    assert stats["adopted"] == stats["exited"] + stats["ongoing"]
    assert stats["cases"] == stats["adopted"] + stats["not_adopted"] + stats["awaiting_panel_decision"]
    assert sum(stats["outcomes"].values()) == stats["exited"]
    assert stats["outcomes"]["Withdrew consent"] == 1


def test_an_assessment_is_recorded_through_the_page_starting_from_the_last_one(client_for, panel_chair, panel):
    from django.urls import reverse

    case = adopted(CaseFactory(panel=panel))
    factors = list(VafFactor.objects.filter(is_active=True))
    url = reverse("channel:assessment_add", args=[case.pk])
    client = client_for(panel_chair)
    data = {
        "assessed_on_0": "20",
        "assessed_on_1": "11",
        "assessed_on_2": "2026",
        "summary": "",
        "form_token": form_token_mint(),
    }
    incomplete = client.post(url, data)
    assert incomplete.status_code == 200 and "govuk-error-summary" in incomplete.content.decode()
    for f in factors:
        data[f"rating_{f.pk}"] = "2"
        data[f"rationale_{f.pk}"] = "Seen at school"
    assert client.post(url, data).status_code == 302
    assert case.assessments.get().ratings.count() == 22
    again = client.get(url).content.decode()
    assert "The ratings start from the assessment of 20 November 2026" in again
    assert 'value="Seen at school"' in again
