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
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from core.audit import audit_record, changes_between, snapshot
from core.idempotency import create_once
from core.locking import versioned_edit, versioned_update
from schools.models import Contact

from .attendance_lines import AttendanceLine
from .models import Attendance, Attendee, Course, Session

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
            # The version rises, so a school's numbers page opened before this refuses to save over it.
            found.version = F("version") + 1
            changed.append(found)
    Attendance.objects.bulk_create(new)
    Attendance.objects.bulk_update(changed, ["staff", "pupils", "parents", "updated_at", "version"])
    return len(new), len(changed)


# ---- sessions ----


def session_create(
    *,
    actor: User,
    fields: dict[str, Any],
    attendance: Sequence[AttendanceLine] = (),
    request: HttpRequest | None = None,
    form_token: str | None = None,
) -> Session:
    """Records a session with the schools that came; once per `form_token` (a double-clicked Save)."""

    def create() -> Session:
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

    return create_once(token=form_token, actor=actor, model=Session, create=create)


def session_update(
    *,
    actor: User,
    session: Session,
    version: int | None,
    fields: dict[str, Any],
    attendance: Sequence[AttendanceLine] = (),
    request: HttpRequest | None = None,
    form_token: str | None = None,
) -> Session:
    """Changes a session and adds schools or changes their numbers. A stale `version` is refused; the same
    `form_token` twice (a double-clicked Save) writes the schools once."""

    def update() -> Session:
        saved, before = versioned_edit(instance=session, expected_version=version, values=fields, fields=SESSION_FIELDS)
        added, changed = _write_attendance_lines(session=saved, rows=attendance)
        changes = changes_between(before, saved)
        if added or changed:
            changes["attendance"] = {"added": added, "changed": changed}
        audit_record(actor=actor, action="training.session_changed", obj=saved, changes=changes, request=request)
        return saved

    return create_once(token=form_token, actor=actor, model=Session, create=update)


def session_feedback_record(
    *,
    actor: User,
    session: Session,
    version: int | None,
    responses: int,
    better_understanding: int,
    rating: Decimal | None,
    quality_observation: str,
    observed_on: date | None,
    request: HttpRequest | None = None,
) -> Session:
    """Records a session's feedback and quality observation; a stale `version` is refused."""
    if better_understanding > responses:
        raise ValidationError({"better_understanding": "This cannot be more than the number of responses"})
    with transaction.atomic():
        saved = Session.objects.get(pk=session.pk)
        before = snapshot(saved, FEEDBACK_FIELDS)
        saved.responses = responses
        saved.better_understanding = better_understanding
        saved.rating = rating
        if quality_observation != saved.quality_observation or observed_on != saved.observed_on:
            saved.observed_by = actor if quality_observation else None
        saved.quality_observation = quality_observation
        saved.observed_on = observed_on if quality_observation else None
        saved.full_clean()
        versioned_update(instance=saved, expected_version=version, fields=FEEDBACK_FIELDS)
        audit_record(
            actor=actor,
            action="training.feedback_recorded",
            obj=saved,
            changes=changes_between(before, saved),
            request=request,
        )
    return saved


def session_delete(*, actor: User, session: Session, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="training.session_deleted",
            obj=session,
            changes={"course": session.course.code, "held_on": session.held_on.isoformat()},
            request=request,
        )
        session.delete()


def attendance_remove(*, actor: User, attendance: Attendance, request: HttpRequest | None = None) -> None:
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
    *,
    actor: User,
    attendance: Attendance,
    version: int | None,
    staff: int,
    pupils: int,
    parents: int,
    request: HttpRequest | None = None,
) -> Attendance:
    """Sets a school's numbers at a session; a stale `version` is refused."""
    with transaction.atomic():
        saved, before = versioned_edit(
            instance=attendance,
            expected_version=version,
            values={"staff": staff, "pupils": pupils, "parents": parents},
            fields=("staff", "pupils", "parents"),
        )
        audit_record(
            actor=actor,
            action="training.attendance_changed",
            obj=saved,
            changes=changes_between(before, saved),
            request=request,
        )
    return saved


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
    actor: User,
    attendance: Attendance,
    full_name: str,
    email: str,
    role: str,
    contact: Contact | None = None,
    request: HttpRequest | None = None,
    form_token: str | None = None,
) -> Attendee:
    """Names a person who came; once per `form_token` (a double-clicked Add)."""

    def create() -> Attendee:
        found = contact or _matching_contact(school_id=attendance.school_id, full_name=full_name, email=email)
        if found is not None and found.school_id != attendance.school_id:
            raise ValidationError({"contact": "Choose a member of staff of this school"})
        attendee = Attendee(attendance=attendance, full_name=full_name, email=email, role=role, contact=found)
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

    return create_once(token=form_token, actor=actor, model=Attendee, create=create)


def attendee_remove(*, actor: User, attendee: Attendee, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="training.attendee_removed",
            obj=attendee,
            changes={"attendance": attendee.attendance_id},
            request=request,
        )
        attendee.delete()


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


def _refuse_a_code_in_use(course: Course) -> None:
    if Course.objects.filter(code=course.code).exclude(pk=course.pk).exists():
        raise ValidationError({"code": "Another course has this code"})


def course_create(
    *, actor: User, fields: dict[str, Any], request: HttpRequest | None = None, form_token: str | None = None
) -> Course:
    """Adds a course; once per `form_token`."""

    def create() -> Course:
        course = Course(**{k: v for k, v in fields.items() if k in COURSE_FIELDS})
        _refuse_a_code_in_use(course)
        course.full_clean()
        course.save()
        audit_record(
            actor=actor, action="training.course_added", obj=course, changes={"code": course.code}, request=request
        )
        return course

    return create_once(token=form_token, actor=actor, model=Course, create=create)


def course_update(
    *, actor: User, course: Course, version: int | None, fields: dict[str, Any], request: HttpRequest | None = None
) -> Course:
    """Changes a course; a stale `version` is refused. A course with sessions keeps its code, so imports keep
    finding it."""
    with transaction.atomic():
        stored_code = Course.objects.values_list("code", flat=True).get(pk=course.pk)
        if stored_code != fields.get("code", stored_code) and course.sessions.exists():
            raise ValidationError({"code": "This course has sessions, so its code cannot change"})
        _refuse_a_code_in_use(Course(pk=course.pk, code=fields.get("code", stored_code)))
        saved, before = versioned_edit(instance=course, expected_version=version, values=fields, fields=COURSE_FIELDS)
        audit_record(
            actor=actor,
            action="training.course_changed",
            obj=saved,
            changes=changes_between(before, saved),
            request=request,
        )
    return saved


def courses_ensure() -> int:
    """Makes sure every course of the catalogue exists (seed_demo on a database migrated long ago)."""
    from .catalogue import COURSES, course_defaults

    made = 0
    for row in COURSES:
        _, created = Course.objects.get_or_create(code=row[0], defaults=course_defaults(row))
        made += int(created)
    return made
