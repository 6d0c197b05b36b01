from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from core.idempotency import form_token_mint
from core.models import AuditEvent
from schools.models import Contact, ContactRole, School
from tests.schools.factories import ContactFactory, SchoolFactory
from tests.support.queries import assert_flat_queries
from tests.training.factories import AttendanceFactory, AttendeeFactory, SessionFactory, course, session_form
from training.models import Attendance, Attendee, Session

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]  # dates typed as on a calendar


def _schools(n: int, start: int = 300000) -> list[School]:
    return School.objects.bulk_create(
        School(urn=start + i, la_code="888", name=f"Ashdown School {start + i}") for i in range(n)
    )


def _form(**overrides: Any) -> dict[str, Any]:
    return session_form(**{"form_token": form_token_mint(), **overrides})


def test_coordinator_enters_a_session_with_thirty_schools_on_one_page(coordinator: Any, client_for: Any) -> None:
    schools = _schools(30)
    lines = "\n".join(f"{s.urn}, {i + 1}" for i, s in enumerate(schools))
    response = client_for(coordinator).post(reverse("training:session_add"), _form(attendance=lines))
    session = Session.objects.get()
    assert response.status_code == 302 and response.url == reverse("training:session_detail", args=[session.pk])
    assert session.attendances.count() == 30
    assert sum(a.staff for a in session.attendances.all()) == sum(range(1, 31))
    assert AuditEvent.objects.filter(action="training.session_created", object_id=str(session.pk)).exists()


def test_bad_attendance_lines_are_reported_with_their_line_numbers_and_nothing_is_saved(
    coordinator: Any, client_for: Any
) -> None:
    good, other = _schools(2)
    lines = f"{good.urn}, 4\n\n999999, 2\n{good.urn}, 3\n{other.urn}, -1\nabc\n{other.urn} 2 30 0"
    response = client_for(coordinator).post(reverse("training:session_add"), _form(attendance=lines))
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text
    assert "Line 3: no school has URN 999999" in text
    assert f"Line 4: URN {good.urn} is already on line 1" in text
    assert "Line 5:" in text and "Line 6:" in text
    assert "Line 7" not in text  # spaces between the numbers are accepted
    assert not Session.objects.exists() and not Attendance.objects.exists()


def test_editing_a_session_adds_schools_and_replaces_the_numbers_of_those_already_there(
    adviser: Any, client_for: Any
) -> None:
    a, b = _schools(2)
    session = SessionFactory(held_on=date(2026, 10, 1))
    AttendanceFactory(session=session, school=a, staff=3)
    response = client_for(adviser).post(
        reverse("training:session_edit", args=[session.pk]),
        _form(held_on="2026-10-01", attendance=f"{a.urn}, 5\n{b.urn}, 1, 30, 2", version=session.version),
    )
    assert response.status_code == 302
    rows = {r.school_id: (r.staff, r.pupils, r.parents) for r in session.attendances.all()}
    assert rows == {a.pk: (5, 0, 0), b.pk: (1, 30, 2)}


def test_feedback_cannot_report_more_better_understanding_than_responses(coordinator: Any, client_for: Any) -> None:
    session = SessionFactory()
    url = reverse("training:session_feedback", args=[session.pk])
    client = client_for(coordinator)
    bad = client.post(
        url,
        {"responses": "10", "better_understanding": "11", "rating": "4", "quality_observation": "", "version": "1"},
    )
    assert bad.status_code == 200 and "cannot be more than" in bad.content.decode()
    good = client.post(
        url,
        {
            "responses": "50",
            "better_understanding": "49",
            "rating": "4.5",
            "quality_observation": "Observed: clear and well paced.",
            "observed_on": "2026-10-01",
            "version": session.version,
        },
    )
    assert good.status_code == 302
    session.refresh_from_db()
    assert (session.responses, session.better_understanding, float(session.rating)) == (50, 49, 4.5)
    assert session.observed_by == coordinator


def test_dsl_names_their_own_staff_but_cannot_change_counts_or_other_schools(
    dsl: Any, school: School, other_school: School, client_for: Any
) -> None:
    own = AttendanceFactory(school=school)
    theirs = AttendanceFactory(session=own.session, school=other_school)
    lead = ContactFactory(school=school, full_name="Hana Northcott", role=ContactRole.DSL)
    client = client_for(dsl)
    url = reverse("training:attendance_detail", args=[own.pk])
    response = client.post(
        url,
        {
            "form": "attendee",
            "contact": lead.pk,
            "full_name": "",
            "email": "",
            "role": "dsl",
            "form_token": form_token_mint(),
        },
    )
    assert response.status_code == 302
    assert Attendee.objects.get(attendance=own).contact == lead
    assert client.post(url, {"form": "counts", "staff": "9", "pupils": "0", "parents": "0"}).status_code == 403
    other_url = reverse("training:attendance_detail", args=[theirs.pk])
    assert client.post(other_url, {"form": "attendee", "full_name": "X", "role": "dsl"}).status_code == 404
    someone = AttendeeFactory(attendance=theirs)
    assert client.post(reverse("training:attendee_remove", args=[someone.pk])).status_code == 404
    assert Attendee.objects.filter(pk=someone.pk).exists()


def test_named_attendee_is_linked_to_the_school_contact_by_email(coordinator: Any, client_for: Any) -> None:
    attendance = AttendanceFactory()
    lead = Contact.objects.create(
        school=attendance.school, full_name="Idris Pennick", role=ContactRole.DSL, email="idris@school.example"
    )
    client_for(coordinator).post(
        reverse("training:attendance_detail", args=[attendance.pk]),
        {
            "form": "attendee",
            "full_name": "I. Pennick",
            "email": "IDRIS@school.example",
            "role": "dsl",
            "form_token": form_token_mint(),
        },
    )
    assert Attendee.objects.get().contact == lead


_grown = [0]


def _grow_sessions(n: int) -> None:
    _grown[0] += 1
    schools = _schools(20, start=500000 + 1000 * _grown[0])
    sessions = Session.objects.bulk_create(
        Session(course=course("WRAP" if i % 2 else "PVE"), held_on=date(2024, 1, 1 + i % 28)) for i in range(n)
    )
    Attendance.objects.bulk_create(
        Attendance(session=s, school=schools[j], staff=2) for s in sessions for j in range(3)
    )


@pytest.mark.parametrize("name", ["training:session_list", "training:session_export"])
def test_session_list_uses_the_same_queries_at_two_sizes(coordinator: Any, client_for: Any, name: str) -> None:
    client = client_for(coordinator)
    _grow_sessions(40)
    params = {"q": "a", "year": "2023", "sort": "-people"}
    assert_flat_queries(fetch=lambda: client.get(reverse("training:session_list")), grow=lambda: _grow_sessions(100))
    assert_flat_queries(fetch=lambda: client.get(reverse(name), params), grow=lambda: _grow_sessions(300))


def test_session_page_uses_the_same_queries_at_two_sizes(coordinator: Any, client_for: Any) -> None:
    session = SessionFactory()
    for s in _schools(10, start=600000):
        AttendeeFactory(attendance__session=session, attendance__school=s)
    client = client_for(coordinator)

    def grow() -> None:
        for s in _schools(90, start=700000):
            AttendeeFactory(attendance__session=session, attendance__school=s)

    assert_flat_queries(fetch=lambda: client.get(reverse("training:session_detail", args=[session.pk])), grow=grow)


def test_dashboard_uses_the_same_queries_at_two_sizes(coordinator: Any, client_for: Any) -> None:
    client = client_for(coordinator)
    _grow_sessions(20)
    count = assert_flat_queries(
        fetch=lambda: client.get(reverse("training:dashboard"), {"on": "2026-11-23"}),
        grow=lambda: (_grow_sessions(300), _schools(200, start=800000)),
    )
    assert count < 40


def test_dsl_dashboard_shows_only_their_school(dsl: Any, school: School, other_school: School, client_for: Any) -> None:
    AttendanceFactory(school=school, session__course=course("PVE"), staff=2)
    AttendanceFactory(school=other_school, session__course=course("TTT"), staff=7)
    text = client_for(dsl).get(reverse("training:dashboard")).content.decode()
    assert "Preventing Violent Extremism" in text
    assert "Accredited train-the-trainer" not in text
    assert "open schools" not in text


def test_dashboard_lists_open_schools_with_no_training(coordinator: Any, client_for: Any) -> None:
    trained = SchoolFactory(name="Trained Primary")
    SchoolFactory(name="Untrained Primary")
    AttendanceFactory(school=trained, session__held_on=date(2026, 1, 5))
    text = client_for(coordinator).get(reverse("training:dashboard"), {"on": "2026-11-23"}).content.decode()
    section = text.split('id="no-training"')[1]
    assert "Untrained Primary" in section and "Trained Primary</a>" not in section
    assert "<svg" in text and "style=" not in text.split("<main")[1]


@pytest.mark.parametrize("name", ["training:refreshers", "training:refreshers_export"])
def test_refresher_list_uses_the_same_queries_at_two_sizes(coordinator: Any, client_for: Any, name: str) -> None:
    client = client_for(coordinator)

    def leads(n: int, start: int) -> None:
        for school in _schools(n, start=start):
            ContactFactory(school=school, role=ContactRole.DSL)
            AttendeeFactory(attendance__school=school, attendance__session__held_on=date(2020, 1, 1))

    leads(5, 900000)
    params = {"q": "school", "role": "dsl", "sort": "-last"}
    assert_flat_queries(fetch=lambda: client.get(reverse(name), params), grow=lambda: leads(60, 910000))


def test_dsl_pages_use_the_same_queries_at_two_sizes(dsl: Any, school: School, client_for: Any) -> None:
    client = client_for(dsl)
    AttendanceFactory(school=school)

    def grow() -> None:
        for code in ("PVE", "TTT", "ELEARN-AWARENESS", "WRAP"):
            for i in range(5):
                AttendeeFactory(
                    attendance__school=school,
                    attendance__session__course=course(code),
                    attendance__session__held_on=date(2025, 1, 1 + i),
                )
        _grow_sessions(50)

    def fetch() -> Any:
        return [client.get(reverse(name)) for name in ("training:dashboard", "training:session_list", "core:home")][-1]

    assert_flat_queries(fetch=fetch, grow=grow)


def test_attendance_page_uses_the_same_queries_at_two_sizes(coordinator: Any, client_for: Any) -> None:
    attendance = AttendanceFactory()
    AttendeeFactory(attendance=attendance)
    client = client_for(coordinator)

    def grow() -> None:
        for _ in range(30):
            AttendeeFactory(attendance=attendance)
            ContactFactory(school=attendance.school)

    assert_flat_queries(
        fetch=lambda: client.get(reverse("training:attendance_detail", args=[attendance.pk])), grow=grow
    )


def test_other_bodies_are_entered_by_name_on_the_same_page(coordinator: Any, client_for: Any) -> None:
    from schools.models import Institution

    (school,) = _schools(1)
    college = Institution.objects.create(name="Northbrook College", kind="fe_he")
    Institution.objects.create(name="St Aidan's Mosque", kind="faith")
    Institution.objects.create(name="St Aidan's Mosque", kind="voluntary")
    lines = f"{school.urn}, 4\nnorthbrook college, 12\nSt Aidan's Mosque, 3\nNowhere Club, 1"
    response = client_for(coordinator).post(reverse("training:session_add"), _form(attendance=lines))
    text = response.content.decode()
    assert "Line 3: more than one body is called" in text
    assert "Line 4: &#x27;Nowhere Club&#x27; is not a URN or the name of a body the portal knows" in text
    assert not Session.objects.exists()
    response = client_for(coordinator).post(
        reverse("training:session_add"), _form(attendance=f"{school.urn}, 4\nnorthbrook college, 12")
    )
    assert response.status_code == 302
    rows = {(a.school_id, a.institution_id): a.staff for a in Attendance.objects.all()}
    assert rows == {(school.pk, None): 4, (None, college.pk): 12}
    assert selectors_reach()["institutions"] == 2


def selectors_reach() -> dict[str, Any]:
    from training.selectors import reach_in_period

    return reach_in_period(start=date(2026, 1, 1), end=date(2026, 12, 31))


def test_coordinator_adds_a_course_and_cannot_recode_one_with_sessions(coordinator: Any, client_for: Any) -> None:
    client = client_for(coordinator)
    data = {"code": "prevent-leaders", "name": "Prevent for governors", "audience": "all_staff", "order": "95"}
    made = {**data, "is_active": "on", "form_token": form_token_mint()}
    assert client.post(reverse("training:course_add"), made).status_code == 302
    from training.models import Course

    made = Course.objects.get(code="PREVENT-LEADERS")
    assert made.is_active and not made.is_commissioned
    wrap = course("WRAP")
    SessionFactory(course=wrap)
    response = client.post(
        reverse("training:course_edit", args=[wrap.pk]), {**data, "code": "WRAP2", "version": wrap.version}
    )
    assert "cannot change" in response.content.decode()
    assert Course.objects.filter(code="WRAP").exists()
    bad = client.post(reverse("training:course_add"), {**data, "code": "no spaces!", "form_token": form_token_mint()})
    assert "capital letters, digits and hyphens" in bad.content.decode()


def test_only_the_council_team_deletes_a_session(
    coordinator: Any, dsl: Any, csc_practitioner: Any, school: School, client_for: Any
) -> None:
    attendance = AttendanceFactory(school=school)
    url = reverse("training:session_delete", args=[attendance.session_id])
    assert client_for(dsl).post(url).status_code == 403
    assert client_for(csc_practitioner).post(url).status_code == 403
    assert client_for(coordinator).post(url).status_code == 302
    assert not Session.objects.exists() and not Attendance.objects.exists()
    assert AuditEvent.objects.filter(action="training.session_deleted").exists()
