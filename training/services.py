"""Writes to training records. Each runs in one transaction with its audit event; views check who may do it
(they fetch through training.selectors first). Attendee names and e-mails are personal: the audit trail records
that they changed, never their values."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.audit import audit_record, changes_between, snapshot
from schools.models import Contact, School

from .attendance_lines import AttendanceLine
from .models import Attendance, Attendee, Course, Session, SessionSource

SESSION_FIELDS = (
    "course",
    "held_on",
    "trainer",
    "trainer_contact",
    "trainer_name",
    "delivery",
    "venue",
    "sector",
    "capacity",
)
FEEDBACK_FIELDS = ("responses", "better_understanding", "rating", "quality_observation", "observed_on", "observed_by")


# ---- attendance lines (read by training.attendance_lines) ----


def _write_attendance_lines(*, session: Session, rows: Sequence[AttendanceLine]) -> tuple[int, int]:
    """Adds schools and bodies not yet at the session and sets the counts of those that are."""
    existing: dict[tuple[str, int], Attendance] = {}
    for a in session.attendances.all() if rows else []:
        existing[("s", a.school_id) if a.school_id else ("i", a.institution_id)] = a  # type: ignore[index]
    now = timezone.now()
    new, changed = [], []
    for row in rows:
        key = ("s", row.school_id) if row.school_id else ("i", row.institution_id)
        found = existing.get(key)  # type: ignore[arg-type]
        if found is None:
            new.append(
                Attendance(
                    session=session,
                    school_id=row.school_id,
                    institution_id=row.institution_id,
                    staff=row.staff,
                    pupils=row.pupils,
                    parents=row.parents,
                )
            )
        elif (found.staff, found.pupils, found.parents) != (row.staff, row.pupils, row.parents):
            found.staff, found.pupils, found.parents, found.updated_at = row.staff, row.pupils, row.parents, now
            changed.append(found)
    Attendance.objects.bulk_create(new)
    Attendance.objects.bulk_update(changed, ["staff", "pupils", "parents", "updated_at"])
    return len(new), len(changed)


# ---- sessions ----


def session_create(
    *, actor: Any, fields: dict[str, Any], attendance: Sequence[AttendanceLine] = (), request: Any = None
) -> Session:
    with transaction.atomic():
        session = Session(**fields)
        session.full_clean()
        session.save()
        added, _ = _write_attendance_lines(session=session, rows=attendance)
        audit_record(
            actor=actor,
            action="training.session_created",
            obj=session,
            changes={"course": session.course.code, "held_on": session.held_on.isoformat(), "schools": added},
            request=request,
        )
    return session


def session_update(
    *,
    actor: Any,
    session: Session,
    fields: dict[str, Any],
    attendance: Sequence[AttendanceLine] = (),
    request: Any = None,
) -> Session:
    with transaction.atomic():
        before = snapshot(session, SESSION_FIELDS)
        for name, value in fields.items():
            setattr(session, name, value)
        session.full_clean()
        session.save()
        added, changed = _write_attendance_lines(session=session, rows=attendance)
        changes = changes_between(before, session)
        if added or changed:
            changes["attendance"] = {"added": added, "changed": changed}
        audit_record(actor=actor, action="training.session_changed", obj=session, changes=changes, request=request)
    return session


def session_feedback_record(
    *,
    actor: Any,
    session: Session,
    responses: int,
    better_understanding: int,
    rating: Decimal | None,
    quality_observation: str,
    observed_on: date | None,
    request: Any = None,
) -> Session:
    if better_understanding > responses:
        raise ValidationError({"better_understanding": "This cannot be more than the number of responses"})
    with transaction.atomic():
        before = snapshot(session, FEEDBACK_FIELDS)
        session.responses = responses
        session.better_understanding = better_understanding
        session.rating = rating
        if quality_observation != session.quality_observation or observed_on != session.observed_on:
            session.observed_by = actor if quality_observation else None
        session.quality_observation = quality_observation
        session.observed_on = observed_on if quality_observation else None
        session.full_clean()
        session.save()
        audit_record(
            actor=actor,
            action="training.feedback_recorded",
            obj=session,
            changes=changes_between(before, session),
            request=request,
        )
    return session


def session_delete(*, actor: Any, session: Session, request: Any = None) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="training.session_deleted",
            obj=session,
            changes={"course": session.course.code, "held_on": session.held_on.isoformat()},
            request=request,
        )
        session.delete()


def attendance_remove(*, actor: Any, attendance: Attendance, request: Any = None) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="training.attendance_removed",
            obj=attendance,
            changes={"session": attendance.session_id, "school": attendance.school_id},
            request=request,
        )
        attendance.delete()


def attendance_counts_update(
    *, actor: Any, attendance: Attendance, staff: int, pupils: int, parents: int, request: Any = None
) -> Attendance:
    with transaction.atomic():
        before = snapshot(attendance, ("staff", "pupils", "parents"))
        attendance.staff, attendance.pupils, attendance.parents = staff, pupils, parents
        attendance.full_clean()
        attendance.save()
        audit_record(
            actor=actor,
            action="training.attendance_changed",
            obj=attendance,
            changes=changes_between(before, attendance),
            request=request,
        )
    return attendance


# ---- named attendees ----


def _matching_contact(*, school_id: int | None, full_name: str, email: str) -> Contact | None:
    """The school's contact record for a named attendee: by e-mail, else by name."""
    if school_id is None:
        return None
    query = Q(full_name__iexact=full_name)
    if email:
        query = Q(email__iexact=email) | query
    return Contact.objects.filter(query, school_id=school_id).order_by("-is_current", "pk").first()


def attendee_add(
    *,
    actor: Any,
    attendance: Attendance,
    full_name: str,
    email: str,
    role: str,
    contact: Contact | None = None,
    request: Any = None,
) -> Attendee:
    with transaction.atomic():
        if contact is None:
            contact = _matching_contact(school_id=attendance.school_id, full_name=full_name, email=email)
        if contact is not None and contact.school_id != attendance.school_id:
            raise ValidationError({"contact": "Choose a member of staff of this school"})
        attendee = Attendee(attendance=attendance, full_name=full_name, email=email, role=role, contact=contact)
        attendee.full_clean()
        attendee.save()
        audit_record(
            actor=actor,
            action="training.attendee_added",
            obj=attendee,
            changes={"attendance": attendance.pk, "role": role, "full_name": {"sensitive": True}},
            request=request,
        )
    return attendee


def attendee_remove(*, actor: Any, attendee: Attendee, request: Any = None) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="training.attendee_removed",
            obj=attendee,
            changes={"attendance": attendee.attendance_id},
            request=request,
        )
        attendee.delete()


# ---- e-learning recorded by a school ----

ELEARNING_PROVIDER = "Home Office e-learning"


def elearning_record(
    *,
    actor: Any,
    school: School,
    course: Course,
    completed_on: date,
    contacts: Sequence[Contact] = (),
    other_staff: int = 0,
    request: Any = None,
) -> Attendance:
    """Records Home Office e-learning completed by a school's staff: named staff (DSLs, deputies) and a number of
    others. Completions of one course on one day share one online session; the school's row adds up."""
    if not course.is_elearning:
        raise ValidationError({"course": "Choose one of the Home Office e-learning courses"})
    if any(c.school_id != school.pk for c in contacts):
        raise ValidationError({"contacts": "Choose staff of this school"})
    if not contacts and other_staff <= 0:
        raise ValidationError({"other_staff": "Choose who completed it, or give the number of other staff"})
    with transaction.atomic():
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
        attendance.save()
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


COURSE_FIELDS = (
    "code",
    "name",
    "audience",
    "counts_as_prevent_training_for_dsl",
    "is_commissioned",
    "is_elearning",
    "is_refresher",
    "is_active",
    "order",
    "description",
)


def course_save(*, actor: Any, course: Course | None, fields: dict[str, Any], request: Any = None) -> Course:
    """Adds a course or changes one. A course with sessions keeps its code, so imports keep finding it."""
    with transaction.atomic():
        creating = course is None
        course = course or Course()
        before = snapshot(course, COURSE_FIELDS) if not creating else {}
        stored_code = Course.objects.filter(pk=course.pk).values_list("code", flat=True).first()
        if not creating and stored_code != fields.get("code", stored_code) and course.sessions.exists():
            raise ValidationError({"code": "This course has sessions, so its code cannot change"})
        for name, value in fields.items():
            setattr(course, name, value)
        course.full_clean()
        course.save()
        audit_record(
            actor=actor,
            action="training.course_added" if creating else "training.course_changed",
            obj=course,
            changes={"code": course.code} if creating else changes_between(before, course),
            request=request,
        )
    return course


def courses_ensure() -> int:
    """Makes sure every course of the catalogue exists (seed_demo on a database migrated long ago)."""
    from .catalogue import COURSES, course_defaults

    made = 0
    for row in COURSES:
        _, created = Course.objects.get_or_create(code=row[0], defaults=course_defaults(row))
        made += int(created)
    return made
