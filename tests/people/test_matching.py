"""A second referral about the same person is proposed as a match at triage and, once a coordinator confirms it,
both referrals (and the case) show the person's history. Rejections are kept and not proposed again."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from channel.models.cases import Case
from core.models import AuditEvent
from people.keys import name_key, phonetic_key, soundex
from people.models import MatchDecision, MatchOutcome, Person
from people.selectors import match_candidates, person_history
from people.services import match_confirm, match_reject, person_for_new_referral
from referrals.models import Decision, EventKind, Status
from tests.channel.factories import CaseFactory
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db

BORN = date(2011, 3, 4)


def _referral(first: str, last: str, *, born: date | None = BORN, days_ago: int = 0, **kw):
    day = timezone.localdate() - timedelta(days=days_ago)
    referral = ReferralFactory(first_name=first, last_name=last, date_of_birth=born, submitted_on=day, **kw)
    person_for_new_referral(referral=referral)
    return referral


def test_keys_survive_spelling_and_transliteration():
    assert phonetic_key("Mohammed", "Khan") == phonetic_key("Muhammad", "Kahn") == "M530 K500"
    assert soundex("Aleksandr") == soundex("Alexander")
    assert name_key("  Zoë ", "O'Brien-Smith") == "zoe obriensmith"


def test_a_second_referral_spelt_differently_with_the_same_birthday_is_proposed(school):
    first = _referral("Mohammed", "Khan", school=school, days_ago=200)
    second = _referral("Muhammad", "Kahn", school=school)
    candidates = match_candidates(referral=second)
    assert [c.person.pk for c in candidates] == [first.person_id]
    assert "same date of birth" in candidates[0].reasons and "same school" in candidates[0].reasons


def test_a_namesake_with_nothing_else_in_common_is_not_proposed():
    _referral("Mohammed", "Khan", born=date(1990, 1, 1))
    second = _referral("Muhammad", "Kahn", born=BORN)
    assert match_candidates(referral=second) == []


def test_confirming_joins_the_histories_and_both_pages_show_them(coordinator, client_for, panel):
    case = CaseFactory(panel=panel, referral__first_name="Mohammed", referral__last_name="Khan",
                       referral__date_of_birth=BORN, referral__decision=Decision.PANEL_UNDER_18)  # fmt: skip
    earlier = case.referral
    person_for_new_referral(referral=earlier)
    second = _referral("Muhammad", "Kahn")
    candidate = Person.objects.get(pk=earlier.person_id)

    match_confirm(referral=second, candidate=candidate, actor=coordinator)

    second.refresh_from_db()
    assert second.person_id == earlier.person_id
    assert Person.objects.get(pk=second.person.pk).merged_into_id is None
    assert MatchDecision.objects.get(referral=second).outcome == MatchOutcome.CONFIRMED
    assert AuditEvent.objects.filter(action="people.match_confirmed", object_id=str(second.pk)).exists()
    client = client_for(coordinator)
    page = client.get(reverse("referrals:detail", args=[second.pk])).content.decode()
    assert earlier.reference in page
    assert reverse("referrals:detail", args=[earlier.pk]) in page
    page = client.get(reverse("referrals:detail", args=[earlier.pk])).content.decode()
    assert reverse("referrals:detail", args=[second.pk]) in page
    page = client.get(reverse("channel:case_detail", args=[case.pk])).content.decode()
    assert reverse("referrals:detail", args=[second.pk]) in page
    assert match_candidates(referral=second) == []


def test_rejecting_is_recorded_and_not_proposed_again(coordinator):
    first = _referral("Mohammed", "Khan", days_ago=30)
    second = _referral("Muhammad", "Kahn")
    match_reject(referral=second, candidate=Person.objects.get(pk=first.person_id), actor=coordinator)
    assert MatchDecision.objects.get(referral=second).outcome == MatchOutcome.REJECTED
    assert AuditEvent.objects.filter(action="people.match_rejected").exists()
    assert match_candidates(referral=second) == []
    second.refresh_from_db()
    assert second.person_id != first.person_id


def test_a_third_referral_within_12_months_is_flagged_for_the_panel(coordinator):
    first = _referral("Jo", "Rivers", days_ago=300)
    second = _referral("Joe", "Rivers", days_ago=100)
    match_confirm(referral=second, candidate=Person.objects.get(pk=first.person_id), actor=coordinator)
    third = _referral("Jo", "Rivers")
    assert not person_history(user=coordinator, referral=third).repeat_flag
    match_confirm(referral=third, candidate=Person.objects.get(pk=first.person_id), actor=coordinator)
    third.refresh_from_db()
    assert person_history(user=coordinator, referral=third).repeat_flag
    assert third.events.filter(kind=EventKind.NOTE, text__contains="panel").exists()


def test_history_shows_only_what_the_viewer_may_see(dsl, school, other_school, coordinator):
    mine = _referral("Jo", "Rivers", school=school, days_ago=10)
    theirs = _referral("Jo", "Rivers", school=other_school, days_ago=100)
    match_confirm(referral=mine, candidate=Person.objects.get(pk=theirs.person_id), actor=coordinator)
    mine.refresh_from_db()
    assert [r.pk for r in person_history(user=dsl, referral=mine).referrals] == [mine.pk]
    assert len(person_history(user=coordinator, referral=mine).referrals) == 2


def test_a_match_not_proposed_cannot_be_confirmed(coordinator):
    from django.core.exceptions import ValidationError

    first = _referral("Alex", "Stone", born=date(1980, 1, 1))
    second = _referral("Sam", "Brook")
    with pytest.raises(ValidationError):
        match_confirm(referral=second, candidate=Person.objects.get(pk=first.person_id), actor=coordinator)


def test_submitting_a_referral_gives_it_a_person(dsl, school):
    from referrals.services.making import referral_submit
    from tests.referrals.factories import DraftReferralFactory

    draft = DraftReferralFactory(
        school=school, created_by=dsl, mental_health="no", exploitation="no", online_harm="no",
        family_spoken_to="yes", early_help="no", team_around_child="no",
    )  # fmt: skip
    referral_submit(referral=draft, submitted_by=dsl, expected_version=draft.version)
    draft.refresh_from_db()
    assert draft.status == Status.NEW and draft.person is not None
    assert draft.person.name_key == name_key(draft.first_name, draft.last_name)
    assert not Case.objects.exists()
