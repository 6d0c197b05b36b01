from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.permissions import access_for
from channel.models import Case, Meeting
from channel.selectors import case_list_visible_to, next_meeting
from core.management.commands.seed_demo import DEMO_TODAY
from tests.support.clock import frozen

pytestmark = pytest.mark.django_db


def test_the_demo_chair_and_member_see_cases_and_a_next_meeting(settings):
    settings.DEMO_DATA_ALLOWED = True
    # The demo is seeded around its own fixed day; its next meeting is next as seen from that day.
    with frozen(DEMO_TODAY):
        call_command("seed_demo", scale="small", verbosity=0)  # cases are detailed in seed_demo's finish phase
        users = {u.email: u for u in User.objects.filter(email__endswith="@northbrook.example")}
        assert Case.objects.exists()
        assert not Case.objects.filter(case_officer__isnull=True).exists()  # every case detailed
        for email in ("chair@northbrook.example", "member@northbrook.example"):
            user = users[email]
            assert case_list_visible_to(user=user).exists()
            assert next_meeting(panel_ids=access_for(user).panel_ids) is not None
        assert Meeting.objects.filter(signed_off_at__isnull=False).exists()
