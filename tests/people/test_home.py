"""The home page names people referred three or more times in 12 months, counting only what the viewer may see."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from people.models import Person
from people.services import match_confirm, person_for_new_referral
from tests.channel.factories import CaseFactory
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def _three_referrals(coordinator, **first_kw):
    today = timezone.localdate()
    first = ReferralFactory(first_name="Jo", last_name="Rivers", submitted_on=today - timedelta(days=200), **first_kw)
    person_for_new_referral(referral=first)
    later = []
    for days in (100, 5):
        r = ReferralFactory(first_name="Jo", last_name="Rivers", submitted_on=today - timedelta(days=days))
        person_for_new_referral(referral=r)
        match_confirm(referral=r, candidate=Person.objects.get(pk=first.person_id), actor=coordinator)
        later.append(r)
    return first, later


def test_the_coordinators_home_page_names_the_person(coordinator, client_for):
    _, (second, third) = _three_referrals(coordinator)
    page = client_for(coordinator).get(reverse("core:home")).content.decode()
    assert "Referred 3 or more times in 12 months" in page and third.reference in page


def test_a_chair_sees_no_repeat_they_could_not_open(coordinator, panel_chair, client_for, panel):
    _, (_, third) = _three_referrals(coordinator)
    page = client_for(panel_chair).get(reverse("core:home")).content.decode()
    assert "Nobody has been referred 3 or more times" in page and third.reference not in page
    # Once all three are cases of the chair's panel, the chair sees the person too.
    for referral in third.person.referrals.all():
        CaseFactory(panel=panel, referral=referral)
    page = client_for(panel_chair).get(reverse("core:home")).content.decode()
    assert third.reference in page
