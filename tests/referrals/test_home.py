"""Each role's home page shows its part of the referrals."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def test_coordinator_home_counts_new_referrals(client_for, coordinator):
    ReferralFactory()
    body = client_for(coordinator).get(reverse("core:home")).content.decode()
    assert "Open the referrals queue" in body


def test_practitioner_home_lists_their_teams_queue(client_for, csc_practitioner, team):
    mine, other = ReferralFactory(assigned_team=team, status="screening"), ReferralFactory(status="screening")
    body = client_for(csc_practitioner).get(reverse("core:home")).content.decode()
    assert mine.reference in body and other.reference not in body


def test_dsl_home_shows_the_status_of_their_schools_referrals_only(client_for, dsl, school, other_school):
    from tests.referrals.factories import DraftReferralFactory

    mine, other = ReferralFactory(school=school), ReferralFactory(school=other_school)
    DraftReferralFactory(school=school, created_by=dsl)
    body = client_for(dsl).get(reverse("core:home")).content.decode()
    assert "Your school&#x27;s referrals" in body and mine.reference in body and other.reference not in body
    assert "None" not in body and "1 draft referral" in body


def test_adviser_home_lists_referrals_they_made(client_for, adviser):
    mine, other = ReferralFactory(created_by=adviser), ReferralFactory()
    body = client_for(adviser).get(reverse("core:home")).content.decode()
    assert mine.reference in body and other.reference not in body
