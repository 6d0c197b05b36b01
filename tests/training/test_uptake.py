from __future__ import annotations

from datetime import date

import pytest

from schools.models import Contact, ContactRole, Phase, School, Status
from tests.support.clock import TODAY
from tests.training.factories import AttendeeFactory, course
from training import selectors
from training.models import Attendance, Session

pytestmark = pytest.mark.django_db

AS_AT = date(2015, 10, 31)


def _schools(n: int, start: int, **fields: object) -> list[School]:
    return School.objects.bulk_create(
        School(urn=start + i, la_code="888", name=f"School {start + i}", **{"ward": "Ward A", **fields})
        for i in range(n)
    )


def _attend(schools: list[School], code: str, held_on: date) -> None:
    session = Session.objects.create(course=course(code), held_on=held_on)
    Attendance.objects.bulk_create(Attendance(session=session, school=s, staff=10) for s in schools)


def test_birmingham_october_2015_reads_71_and_22_per_cent() -> None:
    open_schools = _schools(440, 100000, phase=Phase.PRIMARY, open_date=date(2001, 9, 1))
    # A school that opened after the date and one that closed before it: trained, but not counted.
    later = _schools(1, 200000, open_date=date(2016, 1, 1))
    closed = _schools(1, 200001, status=Status.CLOSED, open_date=date(1990, 9, 1), close_date=date(2015, 7, 31))
    _attend(open_schools[:312] + later + closed, "WRAP", date(2015, 9, 15))
    _attend(open_schools[:97] + closed, "PVE", date(2015, 10, 20))
    # After the date: not yet counted.
    _attend(open_schools[312:330], "WRAP", date(2015, 11, 2))
    # Two sessions for the same school count it once.
    _attend(open_schools[:5], "WRAP", date(2015, 10, 1))

    uptake = selectors.uptake_as_at(on=AS_AT)

    assert uptake["open_schools"] == 440
    assert (uptake["wrap_schools"], uptake["wrap_pct"]) == (312, 71)
    assert (uptake["pve_schools"], uptake["pve_pct"]) == (97, 22)
    assert uptake["any_schools"] == 312
    assert selectors.uptake_as_at(on=date(2015, 11, 30))["wrap_schools"] == 330
    # The later school is counted once open; the closed school no longer is.
    assert selectors.uptake_as_at(on=date(2016, 2, 1))["open_schools"] == 441


def test_uptake_is_one_query(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    schools = _schools(30, 100000, phase=Phase.PRIMARY)
    _attend(schools[:10], "WRAP", date(2015, 9, 15))
    with django_assert_num_queries(1):
        selectors.uptake_as_at(on=AS_AT, ward="Ward A")
    with django_assert_num_queries(1):
        selectors.uptake_by_phase(on=AS_AT)


def test_uptake_by_phase_and_ward() -> None:
    primaries = _schools(10, 100000, phase=Phase.PRIMARY, ward="Ward A")
    secondaries = _schools(4, 100100, phase=Phase.SECONDARY, ward="Ward B")
    _attend(primaries[:5] + secondaries[:1], "WRAP", date(2015, 9, 15))

    rows = {r["phase"]: r for r in selectors.uptake_by_phase(on=AS_AT)}
    assert (rows["primary"]["open_schools"], rows["primary"]["wrap_pct"]) == (10, 50)
    assert (rows["secondary"]["open_schools"], rows["secondary"]["wrap_pct"]) == (4, 25)
    assert rows["secondary"]["phase_label"] == "Secondary"
    assert selectors.uptake_as_at(on=AS_AT, ward="Ward B")["wrap_schools"] == 1
    assert selectors.uptake_as_at(on=AS_AT, phase="primary")["wrap_schools"] == 5


def test_overall_and_by_phase_in_one_query_equal_the_two_measures(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    primaries = _schools(10, 100000, phase=Phase.PRIMARY, ward="Ward A")
    secondaries = _schools(4, 100100, phase=Phase.SECONDARY, ward="Ward B")
    _attend(primaries[:5] + secondaries[:1], "WRAP", date(2015, 9, 15))
    _attend(primaries[:2], "PVE", date(2015, 10, 1))

    with django_assert_num_queries(1):
        overall, by_phase = selectors.uptake_overall_and_by_phase(on=AS_AT)

    assert overall == selectors.uptake_as_at(on=AS_AT)
    assert by_phase == selectors.uptake_by_phase(on=AS_AT)
    assert selectors.uptake_overall_and_by_phase(on=AS_AT, ward="Ward B") == (
        selectors.uptake_as_at(on=AS_AT, ward="Ward B"),
        selectors.uptake_by_phase(on=AS_AT, ward="Ward B"),
    )


def test_commissioned_delivery_is_not_prevent_training() -> None:
    schools = _schools(2, 100000)
    _attend(schools[:1], "PUPIL-WORKSHOP", date(2015, 9, 15))
    assert selectors.uptake_as_at(on=AS_AT)["any_schools"] == 0
    rows = selectors.commissioned_delivery_in_period(start=date(2015, 9, 1), end=AS_AT)
    assert rows == [
        {"programme": "Pupil workshop", "sessions": 1, "people_reached": 10, "schools": 1, "other_institutions": 0}
    ]
    assert list(selectors.schools_without_training(on=AS_AT)) == schools


def test_reach_and_feedback_in_period() -> None:
    schools = _schools(3, 100000)
    session = Session.objects.create(
        course=course("WRAP"), held_on=date(2015, 9, 1), responses=50, better_understanding=49, rating=4.5
    )
    Attendance.objects.create(session=session, school=schools[0], staff=30, parents=2)
    Attendance.objects.create(session=session, school=schools[1], staff=20)
    workshop = Session.objects.create(course=course("PUPIL-WORKSHOP"), held_on=date(2015, 9, 2), sector="pupils")
    Attendance.objects.create(session=workshop, school=schools[0], pupils=120)
    Session.objects.create(course=course("WRAP"), held_on=date(2016, 9, 1), responses=10, better_understanding=1)

    reach = selectors.reach_in_period(start=date(2015, 9, 1), end=date(2016, 8, 31))
    assert (reach["staff"], reach["pupils"], reach["parents"]) == (50, 120, 2)
    assert (reach["schools"], reach["institutions"], reach["sessions"]) == (2, 2, 2)
    assert reach["by_sector"]["Pupils"] == {"sessions": 1, "people": 120}

    feedback = selectors.feedback_in_period(start=date(2015, 9, 1), end=date(2016, 8, 31))
    assert feedback["responses"] == 50
    assert feedback["better_understanding_pct"] == 98
    assert feedback["mean_rating"] == 4.5


def test_dsl_prevent_training_is_due_after_two_years(school: School) -> None:
    recent = Contact.objects.create(school=school, full_name="Recent Lead", role=ContactRole.DSL)
    stale = Contact.objects.create(school=school, full_name="Stale Lead", role=ContactRole.DEPUTY_DSL)
    never = Contact.objects.create(school=school, full_name="Never Lead", role=ContactRole.DSL)
    head = Contact.objects.create(school=school, full_name="Head Teacher", role=ContactRole.HEAD_TEACHER)
    briefing = Contact.objects.create(school=school, full_name="Briefed Lead", role=ContactRole.DSL)
    on = TODAY
    AttendeeFactory(contact=recent, attendance__school=school, attendance__session__held_on=date(2024, 11, 23))
    AttendeeFactory(contact=stale, attendance__school=school, attendance__session__held_on=date(2024, 11, 22))
    # A bespoke briefing does not count as a DSL's Prevent training.
    AttendeeFactory(
        contact=briefing,
        attendance__school=school,
        attendance__session__course=course("BESPOKE-BRIEFING"),
        attendance__session__held_on=date(2026, 1, 10),
    )

    overdue = set(selectors.contact_ids_with_overdue_prevent_training(on=on))
    assert overdue == {stale.pk, never.pk, briefing.pk}
    last = selectors.contact_last_prevent_training(contact_ids=[recent.pk, stale.pk, never.pk, head.pk])
    assert last == {recent.pk: date(2024, 11, 23), stale.pk: date(2024, 11, 22), never.pk: None, head.pk: None}


def test_school_summary_for_the_school_page(school: School) -> None:
    assert selectors.school_training_summary(school=school) == {}
    AttendeeFactory(attendance__school=school, attendance__staff=12, attendance__session__held_on=date(2025, 3, 4))
    summary = selectors.school_training_summary(school=school)
    assert summary["staff_trained"] == 12
    assert summary["courses_accessed"] == {"Workshop to Raise Awareness of Prevent (WRAP)": "last 4 Mar 2025"}


def test_accredited_trainers_per_open_school() -> None:
    open_schools = _schools(4, 100000)
    closed = _schools(1, 200000, close_date=date(2015, 1, 1))
    session = Session.objects.create(course=course("TTT"), held_on=date(2015, 9, 1))
    for school, n in ((open_schools[0], 2), (open_schools[1], 1), (closed[0], 3)):
        attendance = Attendance.objects.create(session=session, school=school, staff=n)
        for i in range(n):
            AttendeeFactory(attendance=attendance, role="accredited_trainer", full_name=f"Trainer {school.pk}-{i}")
    result = selectors.accredited_trainers_per_school(on=AS_AT)
    assert result == {"trainers": 3, "schools_with_trainers": 2, "open_schools": 4, "per_school": 0.75}
