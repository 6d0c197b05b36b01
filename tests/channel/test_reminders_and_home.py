from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from channel.models.cases import ExitOutcome
from channel.services.actions import action_add
from channel.services.cases import case_exit
from channel.services.reviews import review_reminders_send
from channel.tasks import review_reminders_task
from tests.channel.factories import CaseFactory, MeetingFactory, adopted

pytestmark = pytest.mark.django_db


def test_the_reminder_task_is_on_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "channel.tasks.review_reminders_task" in tasks


def test_reminders_go_once_to_the_chair_and_case_officer_with_a_link_and_no_case_content(
    panel, panel_chair, coordinator, django_capture_on_commit_callbacks
):
    case = adopted(CaseFactory(panel=panel, case_officer=coordinator, referral__last_name="Zyxwright"))
    today = timezone.localdate()
    case_exit(case=case, outcome=ExitOutcome.CONCERNS_REDUCED, on=today - timedelta(days=175), exited_by=panel_chair)
    with django_capture_on_commit_callbacks(execute=True):
        assert review_reminders_task() == 1  # the 6-month review is due within 14 days; the 12-month one is not
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == {panel_chair.email, coordinator.email}
    assert reverse("channel:case_detail", args=[case.pk]) in message.body
    for secret in ("Zyxwright", case.referral.reference, "concerns reduced", "Concerns reduced"):
        assert secret not in message.body and secret not in message.subject
    assert review_reminders_task() == 0  # not sent twice
    assert len(mail.outbox) == 1


def test_reviews_come_due_by_themselves_on_the_date(panel, panel_chair):
    case = adopted(CaseFactory(panel=panel))
    exit_day = date(2025, 11, 23)
    case_exit(case=case, outcome=ExitOutcome.MOVED_AWAY, on=exit_day, exited_by=panel_chair)
    assert review_reminders_send(today=date(2026, 5, 8)) == 0  # 15 days before the 6-month date
    assert review_reminders_send(today=date(2026, 5, 9)) == 1
    assert review_reminders_send(today=date(2026, 11, 9)) == 1  # the 12-month review


def test_the_chairs_home_shows_the_next_meeting_and_cases_due(client_for, panel_chair, panel):
    meeting = MeetingFactory(panel=panel, held_on=timezone.localdate() + timedelta(days=3))
    case = CaseFactory(panel=panel)
    page = client_for(panel_chair).get(reverse("core:home")).content.decode()
    assert reverse("channel:meeting_detail", args=[meeting.pk]) in page
    assert case.referral.reference in page


def test_the_members_home_shows_their_actions_and_next_meeting(client_for, panel_chair, panel_member, panel):
    meeting = MeetingFactory(panel=panel)
    action_add(
        meeting=meeting,
        description="Visit the college",
        owner=panel_member,
        due_on=meeting.held_on,
        added_by=panel_chair,
    )
    page = client_for(panel_member).get(reverse("core:home")).content.decode()
    assert "Visit the college" in page
    assert reverse("channel:meeting_detail", args=[meeting.pk]) in page


def test_the_coordinators_home_shows_reviews_due(client_for, coordinator, panel_chair, panel):
    case = adopted(CaseFactory(panel=panel))
    case_exit(
        case=case,
        outcome=ExitOutcome.CONCERNS_REDUCED,
        on=timezone.localdate() - timedelta(days=170),
        exited_by=panel_chair,
    )
    page = client_for(coordinator).get(reverse("core:home")).content.decode()
    assert "Case reviews due" in page
    assert case.referral.reference in page


def test_an_overdue_review_is_tagged_overdue_on_the_coordinators_home(client_for, coordinator, panel_chair, panel):
    case = adopted(CaseFactory(panel=panel))
    # The 6-month review of an exit 200 days ago fell due about 20 days ago.
    case_exit(
        case=case,
        outcome=ExitOutcome.CONCERNS_REDUCED,
        on=timezone.localdate() - timedelta(days=200),
        exited_by=panel_chair,
    )
    page = client_for(coordinator).get(reverse("core:home")).content.decode()
    section = page.split("Case reviews due")[1].split("All panel cases")[0]
    assert case.referral.reference in section and "Overdue</strong>" in section
