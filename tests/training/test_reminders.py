from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from schools.models import Contact, ContactRole, School
from tests.support.clock import TODAY
from tests.training.factories import AttendeeFactory
from training import selectors
from training.reminders import dsl_refresher_reminders_send
from training.tasks import dsl_refresher_reminders_task

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]  # the pages read today
ON = TODAY


@pytest.fixture
def leads(school: School, other_school: School) -> dict[str, Contact]:
    made = {
        "due": Contact.objects.create(
            school=school, full_name="Jodie Stainsby", role=ContactRole.DSL, email="due@a.example"
        ),
        "never": Contact.objects.create(
            school=other_school, full_name="Mason Kettering", role=ContactRole.DEPUTY_DSL, email="never@b.example"
        ),
        "fresh": Contact.objects.create(
            school=school, full_name="Zara Quarry", role=ContactRole.DSL, email="fresh@a.example"
        ),
        "left": Contact.objects.create(
            school=school, full_name="Owen Marlow", role=ContactRole.DSL, email="left@a.example", is_current=False
        ),
        "head": Contact.objects.create(
            school=school, full_name="Esme Whitlock", role=ContactRole.HEAD_TEACHER, email="head@a.example"
        ),
    }
    AttendeeFactory(contact=made["due"], attendance__school=school, attendance__session__held_on=date(2024, 10, 31))
    AttendeeFactory(contact=made["fresh"], attendance__school=school, attendance__session__held_on=date(2025, 1, 10))
    return made


def test_reminders_go_to_each_dsl_due_and_say_only_that_training_is_due(
    leads: dict[str, Contact], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sent = dsl_refresher_reminders_send(on=ON)
    assert sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["due@a.example", "never@b.example"]
    for message in mail.outbox:
        assert len(message.to) == 1 and not message.cc and not message.bcc
        assert message.subject == "Your Prevent training is due"
        assert settings.SITE_URL.rstrip("/") + reverse("training:my_training") in message.body
        for contact in leads.values():
            assert contact.full_name not in message.body
        assert "Larkhill" not in message.body and "Quayside" not in message.body


def test_the_monthly_task_is_scheduled_and_sends_the_reminders(leads: dict[str, Contact]) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["training-dsl-refresher-reminders"]
    assert entry["task"] == "training.tasks.dsl_refresher_reminders_task"
    assert dsl_refresher_reminders_task.delay().get() >= 2


def test_refresher_list_shows_the_dsls_due(leads: dict[str, Contact], coordinator: Any, client_for: Any) -> None:
    text = client_for(coordinator).get(reverse("training:refreshers")).content.decode()
    assert "Jodie Stainsby" in text and "Mason Kettering" in text
    assert "Zara Quarry" not in text and "Owen Marlow" not in text and "Esme Whitlock" not in text
    assert set(selectors.contact_ids_with_overdue_prevent_training(on=ON)) == {leads["due"].pk, leads["never"].pk}


def test_dsl_home_says_whether_their_own_training_is_due(dsl: Any, school: School, client_for: Any) -> None:
    Contact.objects.create(school=school, full_name="Dee Eskay", role=ContactRole.DSL, user=dsl)
    text = client_for(dsl).get(reverse("core:home")).content.decode()
    assert "Your Prevent training is due" in text
    mine = client_for(dsl).get(reverse("training:my_training")).content.decode()
    assert "Prevent training due" in mine


def test_coordinator_home_shows_uptake_and_dsls_due(
    leads: dict[str, Contact], coordinator: Any, client_for: Any
) -> None:
    text = client_for(coordinator).get(reverse("core:home")).content.decode()
    assert "Training uptake" in text and "DSLs and deputies due a refresher" in text


def test_the_command_sends_the_same_reminders_without_celery(
    leads: dict[str, Contact], django_capture_on_commit_callbacks: Any
) -> None:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_training_reminders", "--on", ON.isoformat(), stdout=out)
    assert "Sent 2 reminders." in out.getvalue()
    assert len(mail.outbox) == 2
