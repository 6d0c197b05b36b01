"""Home Office e-learning recorded by a school (a DSL for their own school, or the council team): one write, in
one transaction with its audit event, once per form token."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.http import HttpRequest

from accounts.models import User
from core.audit import audit_record
from core.idempotency import create_once
from core.locking import versioned_update
from schools.models import Contact, School

from .models import Attendance, Attendee, Course, Session, SessionSource

ELEARNING_PROVIDER = "Home Office e-learning"


def elearning_record(
    *,
    actor: User,
    school: School,
    course: Course,
    completed_on: date,
    contacts: Sequence[Contact] = (),
    other_staff: int = 0,
    request: HttpRequest | None = None,
    form_token: str | None = None,
) -> Attendance:
    """Records Home Office e-learning completed by a school's staff: named staff (DSLs, deputies) and a number of
    others. Completions of one course on one day share one online session; the school's row adds up, so a
    double-clicked Record would count the staff twice: it runs once per `form_token`."""
    if not course.is_elearning:
        raise ValidationError({"course": "Choose one of the Home Office e-learning courses"})
    if any(c.school_id != school.pk for c in contacts):
        raise ValidationError({"contacts": "Choose staff of this school"})
    if not contacts and other_staff <= 0:
        raise ValidationError({"other_staff": "Choose who completed it, or give the number of other staff"})
    return create_once(
        token=form_token,
        actor=actor,
        model=Attendance,
        create=lambda: _elearning_add(
            actor=actor,
            school=school,
            course=course,
            completed_on=completed_on,
            contacts=contacts,
            other_staff=other_staff,
            request=request,
        ),
    )


def _elearning_add(
    *,
    actor: User,
    school: School,
    course: Course,
    completed_on: date,
    contacts: Sequence[Contact],
    other_staff: int,
    request: HttpRequest | None,
) -> Attendance:
    session = (
        Session.objects.select_for_update()
        .filter(
            course=course,
            held_on=completed_on,
            delivery="online",
            source=SessionSource.ENTERED,
            trainer_name=ELEARNING_PROVIDER,
        )
        .order_by("pk")
        .first()
    )
    if session is None:
        session = Session(course=course, held_on=completed_on, delivery="online", trainer_name=ELEARNING_PROVIDER)
        session.full_clean()
        session.save()
    attendance, _ = Attendance.objects.get_or_create(session=session, school=school)
    known = set(attendance.attendees.filter(contact__isnull=False).values_list("contact_id", flat=True))
    new_people = [c for c in contacts if c.pk not in known]
    attendance.staff += len(new_people) + other_staff
    attendance.full_clean()
    # The session's row lock above keeps two e-learning records apart; the version read here refuses a save
    # over a numbers edit made meanwhile, and raising it makes a numbers page opened before refuse to save.
    versioned_update(instance=attendance, expected_version=attendance.version, fields=("staff",))
    Attendee.objects.bulk_create(
        Attendee(
            attendance=attendance,
            full_name=c.full_name,
            email=c.email,
            role=c.role if c.role in ("dsl", "deputy_dsl", "prevent_lead") else "staff",
            contact=c,
        )
        for c in new_people
    )
    audit_record(
        actor=actor,
        action="training.elearning_recorded",
        obj=attendance,
        changes={
            "course": course.code,
            "completed_on": completed_on.isoformat(),
            "named": len(new_people),
            "other_staff": other_staff,
        },
        request=request,
    )
    return attendance
