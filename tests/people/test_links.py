"""Family and household links between people: shown only to someone who may see a referral of each person, and
never a trace of a record they may not see. The match and link pages are for coordinators only."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from core.models import AuditEvent
from people.models import MatchDecision, PersonLink, Relationship
from people.selectors import linked_people_visible_to
from people.services import person_for_new_referral, person_link_add
from tests.channel.factories import CaseFactory, PanelFactory
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def _referral(**kw):
    referral = ReferralFactory(**kw)
    person_for_new_referral(referral=referral)
    return referral


@pytest.fixture
def siblings(panel, coordinator, team):
    """Two sisters: Amy's case is at the chair's panel and assigned to the practitioner's team; Beth's case is at
    another panel and with no team."""
    amy = CaseFactory(panel=panel, referral__first_name="Amy", referral__last_name="Vale",
                      referral__assigned_team=team).referral  # fmt: skip
    beth = CaseFactory(panel=PanelFactory(name="Other panel"), referral__first_name="Beth",
                       referral__last_name="Vale").referral  # fmt: skip
    for r in (amy, beth):
        person_for_new_referral(referral=r)
    person_link_add(person=amy.person, other=beth.person, relationship=Relationship.SIBLING, actor=coordinator)
    return amy, beth


def test_the_coordinator_sees_the_link_from_both_sides(siblings, coordinator):
    amy, beth = siblings
    [from_amy] = linked_people_visible_to(user=coordinator, person_id=amy.person_id)
    [from_beth] = linked_people_visible_to(user=coordinator, person_id=beth.person_id)
    assert [r.pk for r in from_amy.referrals] == [beth.pk] and from_amy.relationship == "Brother or sister"
    assert [r.pk for r in from_beth.referrals] == [amy.pk]
    assert AuditEvent.objects.filter(action="people.link_added").exists()


@pytest.mark.parametrize("who", ["panel_chair", "panel_member", "csc_practitioner"])
def test_a_link_to_a_record_the_viewer_may_not_see_is_not_shown_at_all(request, siblings, client_for, who):
    amy, beth = siblings
    user = request.getfixturevalue(who)
    assert linked_people_visible_to(user=user, person_id=amy.person_id) == []
    page = client_for(user).get(reverse("channel:case_detail", args=[amy.case.pk])).content.decode()
    assert beth.reference not in page and "Brother or sister" not in page and "Beth" not in page
    if who == "csc_practitioner":
        page = client_for(user).get(reverse("referrals:detail", args=[amy.pk])).content.decode()
        assert beth.reference not in page and "Brother or sister" not in page


def test_the_link_shows_once_the_viewer_may_see_both(siblings, panel_chair, panel, client_for):
    amy, beth = siblings
    type(beth.case).objects.filter(pk=beth.case.pk).update(panel=panel)
    page = client_for(panel_chair).get(reverse("channel:case_detail", args=[amy.case.pk])).content.decode()
    assert beth.reference in page and "Brother or sister" in page


def test_a_dsl_sees_no_link_even_to_their_own_schools_referral(school, dsl, coordinator, client_for):
    mine = _referral(school=school, first_name="Cal", last_name="Moor")
    theirs = _referral(first_name="Dee", last_name="Moor")
    person_link_add(person=mine.person, other=theirs.person, relationship=Relationship.SIBLING, actor=coordinator)
    page = client_for(dsl).get(reverse("referrals:detail", args=[mine.pk])).content.decode()
    assert theirs.reference not in page and "Brother or sister" not in page


def test_the_link_page_links_by_reference_once(coordinator, client_for):
    amy = _referral(first_name="Amy", last_name="Vale")
    beth = _referral(first_name="Beth", last_name="Vale")
    client = client_for(coordinator)
    token = client.get(reverse("people:link_add", args=[amy.pk])).context["form"]["form_token"].value()
    data = {"reference": beth.reference, "relationship": "sibling", "form_token": token}
    assert client.post(reverse("people:link_add", args=[amy.pk]), data).status_code == 302
    assert client.post(reverse("people:link_add", args=[amy.pk]), data).status_code == 302
    assert PersonLink.objects.count() == 1
    bad = client.post(reverse("people:link_add", args=[amy.pk]), {**data, "reference": "NB-1999-00001",
                                                                    "form_token": "y" * 32})  # fmt: skip
    assert bad.status_code == 200 and "There is a problem" in bad.content.decode()


@pytest.mark.parametrize("who", ["dsl", "csc_practitioner", "panel_chair", "adviser", "sysadmin"])
def test_only_coordinators_may_answer_a_match_or_link_people(request, client_for, who):
    referral = _referral()
    other = _referral()
    client = client_for(request.getfixturevalue(who))
    answer = {"candidate": other.person_id, "answer": "confirm"}
    assert client.post(reverse("people:matches", args=[referral.pk]), answer).status_code == 404
    link = {"reference": other.reference, "relationship": "sibling", "form_token": "z" * 32}
    assert client.post(reverse("people:link_add", args=[referral.pk]), link).status_code == 404
    assert not MatchDecision.objects.exists() and not PersonLink.objects.exists()


def test_the_match_page_confirms_a_proposed_match(coordinator, client_for, school):
    first = _referral(first_name="Mohammed", last_name="Khan", date_of_birth=date(2011, 3, 4), school=school)
    second = _referral(first_name="Muhammad", last_name="Kahn", date_of_birth=date(2011, 3, 4))
    client = client_for(coordinator)
    page = client.get(reverse("people:matches", args=[second.pk])).content.decode()
    assert f"candidate-{first.person_id}" in page and "same date of birth" in page
    response = client.post(reverse("people:matches", args=[second.pk]),
                           {"candidate": first.person_id, "answer": "confirm"})  # fmt: skip
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.person_id == first.person_id
    # A candidate that was never proposed is refused with the error summary, not a 500.
    stranger = _referral(first_name="Zed", last_name="Other", date_of_birth=date(1970, 1, 1))
    refused = client.post(reverse("people:matches", args=[second.pk]),
                          {"candidate": stranger.person_id, "answer": "confirm"})  # fmt: skip
    assert refused.status_code == 200 and "There is a problem" in refused.content.decode()
