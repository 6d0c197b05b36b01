from __future__ import annotations

from typing import Any

import factory

from tests.schools.factories import SchoolFactory
from tests.support.clock import from_today
from training.models import Attendance, Attendee, AttendeeRole, Audience, Course, Session


def course(code: str) -> Course:
    """A course seeded by the data migration (put back first if a transactional test emptied the table)."""
    found = Course.objects.filter(code=code).first()
    if found is None:
        from training.services import courses_ensure

        courses_ensure()
        found = Course.objects.get(code=code)
    return found


def session_form(**overrides: Any) -> dict[str, Any]:
    """What the session page posts for a WRAP session on 14 October 2026 with no schools yet."""
    return {
        "course": course("WRAP").pk,
        "held_on": "2026-10-14",
        "sector": "schools",
        "delivery": "venue",
        "venue": "Council House",
        "capacity": "",
        "trainer": "",
        "trainer_contact": "",
        "trainer_name": "",
        "attendance": "",
        **overrides,
    }


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    course = factory.LazyFunction(lambda: course("WRAP"))
    held_on = factory.LazyFunction(lambda: from_today(-53))  # 1 October 2026 when frozen
    venue = "Council House, Committee Room 2"


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(SessionFactory)
    school = factory.SubFactory(SchoolFactory)
    staff = 3


class AttendeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendee

    attendance = factory.SubFactory(AttendanceFactory)
    full_name = factory.Sequence(lambda n: f"Attendee {n}")
    email = factory.Sequence(lambda n: f"attendee{n}@school.example")
    role = AttendeeRole.DSL


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    code = factory.Sequence(lambda n: f"TEST-COURSE-{n}")
    name = factory.Sequence(lambda n: f"Test course {n}")
    audience = Audience.ALL_STAFF
