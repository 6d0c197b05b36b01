"""Nothing is lost on the training pages (issue 12): a double-clicked Save makes one record, and a save over
someone else's newer one is refused with their values and the person's own typed values both on screen."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpResponse
from django.urls import reverse

from core.locking import STALE_MESSAGE
from schools.models import ContactRole, School
from tests.schools.factories import ContactFactory
from tests.support.nothing_lost import assert_same_redirect, post_twice
from tests.training.factories import AttendanceFactory, CourseFactory, SessionFactory, course, session_form
from training.models import Attendance, Attendee, Course, Session

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]  # dates typed as on a calendar


# ---- a double-clicked Save makes one record ----


def test_a_session_with_its_schools_saved_twice_is_entered_once(coordinator: Any, school: School, client_for: Any):
    form = session_form(attendance=f"{school.urn}, 12")
    first, second = post_twice(client_for(coordinator), reverse("training:session_add"), form)
    assert_same_redirect(first, second)
    session = Session.objects.get()
    assert first["Location"] == reverse("training:session_detail", args=[session.pk])
    assert Attendance.objects.get().staff == 12


def test_schools_added_on_the_session_page_and_saved_twice_are_added_once(
    coordinator: Any, school: School, other_school: School, client_for: Any
):
    session = SessionFactory(held_on="2026-10-14")
    form = session_form(attendance=f"{school.urn}, 4\n{other_school.urn}, 6", version=session.version)
    first, second = post_twice(client_for(coordinator), reverse("training:session_edit", args=[session.pk]), form)
    assert_same_redirect(first, second)
    assert sorted(session.attendances.values_list("staff", flat=True)) == [4, 6]
    assert Session.objects.get().version == 2


def test_a_named_attendee_saved_twice_is_named_once(coordinator: Any, client_for: Any):
    attendance = AttendanceFactory()
    form = {"form": "attendee", "full_name": "Idris Pennick", "email": "", "role": "dsl"}
    url = reverse("training:attendance_detail", args=[attendance.pk])
    first, second = post_twice(client_for(coordinator), url, form)
    assert_same_redirect(first, second)
    assert Attendee.objects.count() == 1


def test_e_learning_recorded_twice_is_counted_once(dsl: Any, school: School, client_for: Any):
    lead = ContactFactory(school=school, role=ContactRole.DSL)
    form = {
        "course": course("ELEARN-AWARENESS-REFRESH").pk,
        "completed_on": "2026-11-02",
        "contacts": [lead.pk],
        "other_staff": "5",
    }
    first, second = post_twice(client_for(dsl), reverse("training:record_elearning"), form)
    assert_same_redirect(first, second)
    attendance = Attendance.objects.get()
    assert first["Location"] == reverse("training:attendance_detail", args=[attendance.pk])
    assert attendance.staff == 6 and Attendee.objects.count() == 1


def test_a_course_saved_twice_is_added_once(coordinator: Any, client_for: Any):
    form = {"code": "GOVERNORS", "name": "Prevent for governors", "audience": "all_staff", "order": "95"}
    first, second = post_twice(client_for(coordinator), reverse("training:course_add"), form)
    assert_same_redirect(first, second)
    assert Course.objects.filter(code="GOVERNORS").count() == 1


def test_a_second_course_with_a_code_in_use_is_still_refused(coordinator: Any, client_for: Any):
    CourseFactory(code="GOVERNORS")
    form = {"code": "governors", "name": "Another", "audience": "all_staff", "order": "95"}
    first, _ = post_twice(client_for(coordinator), reverse("training:course_add"), form)
    assert first.status_code == 200 and "Another course has this code" in first.content.decode()


# ---- a save over someone else's newer one is refused, with both values on screen ----


def _assert_stale_page(response: HttpResponse, *, theirs: str, mine: str) -> None:
    html = response.content.decode()
    assert response.status_code == 200
    assert STALE_MESSAGE in html and "What they saved" in html
    assert theirs in html, "their newer value is shown"
    assert mine in html, "the person's own typed value is kept"


def test_a_stale_session_edit_shows_their_venue_and_keeps_mine(coordinator: Any, adviser: Any, client_for: Any):
    session = SessionFactory(held_on="2026-10-14")
    url = reverse("training:session_edit", args=[session.pk])
    form = session_form(version=session.version)
    theirs = client_for(coordinator).post(url, {**form, "venue": "Civic Centre", "form_token": "a" * 32})
    assert theirs.status_code == 302
    response = client_for(adviser).post(url, {**form, "venue": "Town Library", "form_token": "b" * 32})
    _assert_stale_page(response, theirs="Civic Centre", mine='value="Town Library"')
    session.refresh_from_db()
    assert session.venue == "Civic Centre"


def test_stale_feedback_shows_their_observation_and_keeps_mine(coordinator: Any, adviser: Any, client_for: Any):
    session = SessionFactory()
    url = reverse("training:session_feedback", args=[session.pk])
    form = {"responses": "20", "better_understanding": "18", "rating": "4", "version": session.version}
    assert client_for(coordinator).post(url, {**form, "quality_observation": "Well paced"}).status_code == 302
    response = client_for(adviser).post(url, {**form, "quality_observation": "Too long"})
    _assert_stale_page(response, theirs="Well paced", mine=">\nToo long</textarea>")
    session.refresh_from_db()
    assert session.quality_observation == "Well paced"


def test_stale_numbers_show_their_count_and_keep_mine(coordinator: Any, adviser: Any, client_for: Any):
    attendance = AttendanceFactory(staff=3)
    url = reverse("training:attendance_detail", args=[attendance.pk])
    form = {"form": "counts", "pupils": "0", "parents": "0", "version": attendance.version}
    assert client_for(coordinator).post(url, {**form, "staff": "41"}).status_code == 302
    response = client_for(adviser).post(url, {**form, "staff": "17"})
    _assert_stale_page(response, theirs="41", mine='value="17"')
    attendance.refresh_from_db()
    assert attendance.staff == 41


def test_a_stale_course_edit_shows_their_name_and_keeps_mine(coordinator: Any, adviser: Any, client_for: Any):
    made = CourseFactory(code="GOVERNORS", name="Prevent for governors")
    url = reverse("training:course_edit", args=[made.pk])
    form = {"code": "GOVERNORS", "audience": "all_staff", "order": "95", "version": made.version}
    assert client_for(coordinator).post(url, {**form, "name": "Prevent for school governors"}).status_code == 302
    response = client_for(adviser).post(url, {**form, "name": "Prevent for trustees"})
    _assert_stale_page(response, theirs="Prevent for school governors", mine='value="Prevent for trustees"')
    made.refresh_from_db()
    assert made.name == "Prevent for school governors"
