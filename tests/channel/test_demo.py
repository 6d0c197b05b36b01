from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.permissions import access_for
from channel.models.cases import Case
from channel.models.meetings import Meeting
from channel.selectors import case_list_visible_to, next_meeting

pytestmark = pytest.mark.django_db


def test_the_demo_chair_and_member_see_cases_and_a_next_meeting(settings):
    settings.DEMO_DATA_ALLOWED = True
    # The demo is built around the day it is loaded, so its next meeting is ahead of today whatever day that is.
    call_command("seed_demo", scale="small", verbosity=0)  # cases are detailed in seed_demo's finish phase
    users = {u.email: u for u in User.objects.filter(email__endswith="@northbrook.example")}
    assert Case.objects.exists()
    assert not Case.objects.filter(case_officer__isnull=True).exists()  # every case detailed
    for email in ("chair@northbrook.example", "member@northbrook.example"):
        user = users[email]
        assert case_list_visible_to(user=user).exists()
        assert next_meeting(panel_ids=access_for(user).panel_ids) is not None
    assert Meeting.objects.filter(signed_off_at__isnull=False).exists()


def test_the_demo_is_built_around_the_day_asked_for(settings):
    settings.DEMO_DATA_ALLOWED = True
    call_command("seed_demo", scale="small", today=date(2031, 5, 6), verbosity=0)
    assert Meeting.objects.filter(held_on__gt=date(2031, 5, 6)).exists()
    assert not Meeting.objects.filter(held_on__gt=date(2031, 5, 6) + timedelta(days=400)).exists()


def test_the_demo_shows_decisions_to_confirm_and_cases_that_need_attention(settings):
    from channel.models.cases import SupportContact
    from channel.selectors import flagged_cases_of_panels
    from referrals.models import Status
    from referrals.selectors import referral_awaiting_confirmation_by

    settings.DEMO_DATA_ALLOWED = True
    call_command("seed_demo", scale="city", verbosity=0)  # the small council may have no case in support
    coordinator = User.objects.get(email="coordinator@northbrook.example")
    chair = User.objects.get(email="chair@northbrook.example")
    waiting = list(referral_awaiting_confirmation_by(user=coordinator))
    assert len(waiting) == 1 and waiting[0].status == Status.AWAITING_CONFIRMATION
    assert SupportContact.objects.exists()
    flags = {f.key for _, fs in flagged_cases_of_panels(panel_ids=access_for(chair).chaired_panel_ids) for f in fs}
    assert "no_contact" in flags  # consent withdrawn falls on whichever panel the oldest supported case is
    assert Case.objects.filter(consent_withdrawn_on__isnull=False).exists()
