from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from referrals.models import Decision, Gender, Sector
from referrals.selectors import referral_count_for_school, referral_statistics
from tests.referrals.factories import DraftReferralFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def _at(day: date) -> dict:
    return {"submitted_on": day, "submitted_at": timezone.make_aware(datetime(day.year, day.month, day.day, 10))}


def test_statistics_count_referrals_made_in_the_period_by_every_breakdown():
    ReferralFactory(age_at_referral=10, gender=Gender.FEMALE, decision=Decision.SIGNPOSTED, **_at(date(2026, 4, 2)))
    ReferralFactory(age_at_referral=11, referrer_sector=Sector.POLICE, **_at(date(2026, 5, 2)))
    ReferralFactory(age_at_referral=17, decision=Decision.PANEL_UNDER_18, **_at(date(2026, 6, 2)))
    ReferralFactory(age_at_referral=18, **_at(date(2026, 6, 3)))
    ReferralFactory(age_at_referral=41, decision=Decision.NO_FURTHER_ACTION, **_at(date(2026, 6, 4)))
    ReferralFactory(age_at_referral=None, **_at(date(2026, 6, 5)))
    ReferralFactory(age_at_referral=30, **_at(date(2025, 12, 31)))  # before the period
    DraftReferralFactory()

    stats = referral_statistics(start=date(2026, 1, 1), end=date(2026, 12, 31))

    assert stats["total"] == 6
    assert stats["by_sector"]["Education"] == 5
    assert stats["by_sector"]["Police"] == 1
    assert stats["by_sector"]["Prisons"] == 0
    assert stats["by_age_band"] == {
        "10 or under": 1, "11 to 15": 1, "16 to 17": 1, "18 to 20": 1, "21 to 30": 0, "31 to 40": 0,
        "41 and over": 1, "Not known": 1,
    }  # fmt: skip
    assert stats["by_gender"]["Female"] == 1
    assert stats["by_gender"]["Male"] == 5
    assert stats["by_outcome"]["Signposted to other services"] == 1
    assert stats["by_outcome"]["No further action"] == 1
    assert stats["by_outcome"]["Ongoing"] == 3
    assert stats["discussed_at_panel"] == 1
    assert stats["by_concern_type"]["Islamist"] == 6
    assert stats["by_concern_type"]["Incel"] == 0


def test_statistics_keep_the_wording_a_referral_was_answered_with():
    ReferralFactory(concern_type_label="An old wording", **_at(date(2026, 3, 1)))
    stats = referral_statistics(start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert stats["by_concern_type"]["An old wording"] == 1


def test_statistics_use_a_fixed_number_of_queries(django_assert_max_num_queries):
    for _ in range(5):
        ReferralFactory()
    with django_assert_max_num_queries(8):
        referral_statistics(start=date(2026, 1, 1), end=date(2026, 12, 31))


def test_count_for_school_counts_submitted_referrals_only(school, other_school):
    ReferralFactory(school=school)
    ReferralFactory(school=school)
    ReferralFactory(school=other_school)
    DraftReferralFactory(school=school)
    assert referral_count_for_school(school=school) == 2
