from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from core.idempotency import form_token_mint
from schools.models import ContactRole, School
from tests.schools.factories import ContactFactory
from tests.support.clock import TODAY
from tests.training.factories import course
from training import selectors
from training.models import Attendance, Attendee, Session

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]  # dates typed as on a calendar


def test_dsl_records_e_learning_for_their_staff_and_it_counts_as_prevent_training(
    dsl: Any, school: School, client_for: Any
) -> None:
    lead = ContactFactory(school=school, role=ContactRole.DSL, full_name="Amara Ashdown")
    deputy = ContactFactory(school=school, role=ContactRole.DEPUTY_DSL, full_name="Ben Brightwell")
    url = reverse("training:record_elearning")
    client = client_for(dsl)
    page = client.get(url).content.decode()
    assert "Amara Ashdown" in page and "Ben Brightwell" in page
    data = {
        "school": school.pk,
        "course": course("ELEARN-AWARENESS-REFRESH").pk,
        "completed_on": "2026-11-02",
        "contacts": [lead.pk, deputy.pk],
        "other_staff": "5",
    }
    assert client.post(url, {**data, "form_token": form_token_mint()}).status_code == 302
    # The same people again on the same day are not counted twice.
    again = {**data, "other_staff": "0", "contacts": [lead.pk], "form_token": form_token_mint()}
    assert client.post(url, again).status_code == 302
    attendance = Attendance.objects.get()
    assert attendance.staff == 7 and attendance.school == school
    assert Session.objects.get().delivery == "online"
    assert Attendee.objects.count() == 2
    last = selectors.contact_last_prevent_training(contact_ids=[lead.pk])
    assert last == {lead.pk: date(2026, 11, 2)}
    assert lead.pk not in set(selectors.contact_ids_with_overdue_prevent_training(on=TODAY))


def test_dsl_cannot_record_for_another_school_or_a_classroom_course(
    dsl: Any, school: School, other_school: School, client_for: Any
) -> None:
    stranger = ContactFactory(school=other_school)
    url = reverse("training:record_elearning")
    client = client_for(dsl)
    response = client.post(
        url,
        {
            "school": other_school.pk,
            "course": course("WRAP").pk,
            "completed_on": "2026-11-02",
            "contacts": [stranger.pk],
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text
    assert not Attendance.objects.exists()


def test_future_dates_and_empty_records_are_refused(coordinator: Any, school: School, client_for: Any) -> None:
    response = client_for(coordinator).post(
        reverse("training:record_elearning"),
        {"urn": school.urn, "course": course("ELEARN-AWARENESS").pk, "completed_on": "2099-01-01", "other_staff": "0"},
    )
    text = response.content.decode()
    assert "must be today or in the past" in text
    assert "Choose who completed it" in text
    assert not Session.objects.exists()
