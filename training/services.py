"""Writes to training records. Each runs in one transaction with its audit event; views check who may do it
(they fetch through training.selectors first). Attendee names and e-mails are personal: the audit trail records
that they changed, never their values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_record, changes_between, snapshot
from schools.models import Contact, Institution, School

from .importer import ImportPlan
from .models import Attendance, Attendee, Course, Session, SessionSource
from .selectors import overdue_dsl_contacts

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


# ---- attendance lines: "URN, staff[, pupils, parents]" or "Body name, staff[, ...]" ----


@dataclass
class AttendanceLine:
    line: int
    urn: int
    school_id: int | None
    school_name: str
    staff: int
    pupils: int = 0
    parents: int = 0
    institution_id: int | None = None


def _split_line(line: str) -> list[str]:
    """Commas, tabs or semicolons separate the values; a line without them may use spaces (`103456 12`)."""
    text = line.replace("\t", ",").replace(";", ",")
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) == 1 and parts[0].replace(" ", "").isdigit():
        parts = parts[0].split()
    return parts


def parse_attendance_lines(text: str) -> tuple[list[AttendanceLine], list[str]]:
    """Reads one school or other body a line: `URN, staff` or `URN, staff, pupils, parents`, or a body without a
    URN by its name (`Northbrook College, 12`). Returns the rows and the problems, each naming its line. Two
    queries whatever the number of lines."""
    raw: list[tuple[int, str, list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = _split_line(line)
        if parts:
            # Trailing numbers are the counts; what comes before them is the URN or the body's name.
            split = len(parts)
            while split > 1 and parts[split - 1].lstrip("-").isdigit() and len(parts) - split < 3:
                split -= 1
            raw.append((number, ", ".join(parts[:split]), parts[split:]))
    urns = {int(key) for _, key, _ in raw if key.isdigit()}
    schools = {u: (pk, name) for u, pk, name in School.objects.filter(urn__in=urns).values_list("urn", "pk", "name")}
    names = {key.lower() for _, key, _ in raw if not key.isdigit()}
    bodies: dict[str, list[tuple[int, str]]] = {}
    if names:
        for pk, name in (
            Institution.objects.annotate(lname=Lower("name")).filter(lname__in=names).values_list("pk", "name")
        ):
            bodies.setdefault(name.lower(), []).append((pk, name))
    rows: list[AttendanceLine] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for number, key, counts_text in raw:
        problems = []
        school = body = None
        if key.isdigit():
            school = schools.get(int(key))
            if school is None:
                problems.append(f"no school has URN {key}")
        else:
            found = bodies.get(key.lower(), [])
            if not found:
                problems.append(f"'{key[:60]}' is not a URN or the name of a body the portal knows")
            elif len(found) > 1:
                problems.append(f"more than one body is called '{key[:60]}'")
            else:
                body = found[0]
        if key.lower() in seen:
            problems.append(f"{'URN ' + key if key.isdigit() else key[:60]} is already on line {seen[key.lower()]}")
        if len(counts_text) not in (1, 3):
            problems.append("give the number of staff, or the numbers of staff, pupils and parents")
        counts = []
        for label, value in zip(("staff", "pupils", "parents"), counts_text, strict=False):
            if not value.isdigit():
                problems.append(f"the number of {label} '{value[:20]}' is not a whole number of 0 or more")
            else:
                counts.append(int(value))
        if problems:
            errors.append(f"Line {number}: " + "; ".join(problems))
            continue
        seen[key.lower()] = number
        if school is not None:
            rows.append(AttendanceLine(number, int(key), school[0], school[1], *counts))
        elif body is not None:
            rows.append(AttendanceLine(number, 0, None, body[1], *counts, institution_id=body[0]))  # type: ignore[misc]
    return rows, errors


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


# ---- CSV import ----


def attendance_import_apply(
    *, plan: ImportPlan, actor: Any = None, request: Any = None, filename: str = ""
) -> dict[str, int]:
    """Writes a checked import in one transaction. A plan with errors writes nothing (ValidationError).

    Natural keys: one imported session per course and date; one attendance per school of a session, whose count
    is set to the file's (not added); a named attendee is added once per attendance (same name and e-mail).
    So importing the same file again changes nothing."""
    if plan.has_errors:
        raise ValidationError([f"Line {line}: {reason}" for line, reason in plan.errors[:50]])
    counts = {"sessions_new": 0, "attendances_new": 0, "attendances_changed": 0, "attendees_new": 0}
    with transaction.atomic():
        keys = list(plan.sessions)
        dates = {d for _, d in keys}
        existing = {
            (s.course_id, s.held_on): s
            for s in Session.objects.filter(source=SessionSource.IMPORTED, held_on__in=dates)
        }
        new_sessions = []
        for key, group in plan.sessions.items():
            if key not in existing:
                new_sessions.append(
                    Session(
                        course_id=group.course_id,
                        held_on=group.held_on,
                        source=SessionSource.IMPORTED,
                        responses=group.responses,
                        better_understanding=group.better_understanding,
                    )
                )
        Session.objects.bulk_create(new_sessions, batch_size=1000)
        counts["sessions_new"] = len(new_sessions)
        if new_sessions and new_sessions[0].pk is None:  # backends that do not return ids
            existing = {
                (s.course_id, s.held_on): s
                for s in Session.objects.filter(source=SessionSource.IMPORTED, held_on__in=dates)
            }
        else:
            existing.update({(s.course_id, s.held_on): s for s in new_sessions})
        feedback_changed = []
        for key, group in plan.sessions.items():
            session = existing[key]
            if group.has_feedback and (session.responses, session.better_understanding) != (
                group.responses,
                group.better_understanding,
            ):
                session.responses, session.better_understanding = group.responses, group.better_understanding
                feedback_changed.append(session)
        Session.objects.bulk_update(
            feedback_changed, ["responses", "better_understanding", "updated_at"], batch_size=1000
        )

        session_ids = [s.pk for s in existing.values()]
        have: dict[tuple[int, int], Attendance] = {}
        for chunk in _chunks(session_ids, 500):
            for a in Attendance.objects.filter(session_id__in=chunk, school__isnull=False):
                have[(a.session_id, a.school_id)] = a  # type: ignore[index]
        new_att, changed_att = [], []
        for key, group in plan.sessions.items():
            session = existing[key]
            for school_id, sg in group.schools.items():
                found = have.get((session.pk, school_id))
                if found is None:
                    a = Attendance(session=session, school_id=school_id)
                    setattr(a, group.audience_field, sg.count)
                    new_att.append(a)
                elif getattr(found, group.audience_field) != sg.count:
                    setattr(found, group.audience_field, sg.count)
                    changed_att.append(found)
        Attendance.objects.bulk_create(new_att, batch_size=1000)
        fields = sorted({g.audience_field for g in plan.sessions.values()})
        Attendance.objects.bulk_update(changed_att, [*fields, "updated_at"], batch_size=1000)
        counts["attendances_new"], counts["attendances_changed"] = len(new_att), len(changed_att)
        if new_att and new_att[0].pk is None:
            new_att = []
            for chunk in _chunks(session_ids, 500):
                for a in Attendance.objects.filter(session_id__in=chunk, school__isnull=False):
                    have[(a.session_id, a.school_id)] = a  # type: ignore[index]
        for a in new_att:
            have[(a.session_id, a.school_id)] = a  # type: ignore[index]

        named = [
            (have[(existing[key].pk, school_id)], person)
            for key, group in plan.sessions.items()
            for school_id, sg in group.schools.items()
            for person in sg.attendees
        ]
        if named:
            attendance_ids = list({a.pk for a, _ in named})
            known: set[tuple[int, str, str]] = set()
            for chunk in _chunks(attendance_ids, 500):
                for att_id, name, email in Attendee.objects.filter(attendance_id__in=chunk).values_list(
                    "attendance_id", "full_name", "email"
                ):
                    known.add((att_id, name.lower(), email.lower()))
            school_ids = list({a.school_id for a, _ in named})
            contacts_by_email: dict[tuple[int, str], int] = {}
            contacts_by_name: dict[tuple[int, str], int] = {}
            for chunk in _chunks(school_ids, 500):
                for pk, school_id, name, email in Contact.objects.filter(school_id__in=chunk).values_list(
                    "pk", "school_id", "full_name", "email"
                ):
                    if email:
                        contacts_by_email.setdefault((school_id, email.lower()), pk)
                    contacts_by_name.setdefault((school_id, name.lower()), pk)
            new_people = []
            for attendance, person in named:
                key3 = (attendance.pk, person.full_name.lower(), person.email.lower())
                if key3 in known:
                    continue
                known.add(key3)
                contact_id = contacts_by_email.get((attendance.school_id, person.email)) if person.email else None
                contact_id = contact_id or contacts_by_name.get((attendance.school_id, person.full_name.lower()))
                new_people.append(
                    Attendee(
                        attendance=attendance,
                        full_name=person.full_name,
                        email=person.email,
                        role=person.role,
                        contact_id=contact_id,
                    )
                )
            Attendee.objects.bulk_create(new_people, batch_size=1000)
            counts["attendees_new"] = len(new_people)
        audit_record(
            actor=actor,
            action="training.attendance_imported",
            object_type="training.session",
            changes=dict(counts),
            detail=(f"{filename[:80]}: " if filename else "") + plan.summary(),
            request=request,
        )
    return counts


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


# ---- DSL refresher reminders ----

REMINDER_SUBJECT = "Your Prevent training is due"
REMINDER_BODY = (
    "Your Prevent training is due. Designated safeguarding leads refresh their Prevent training at least every "
    "two years.\n\nSee the training available and how to book:\n{link}\n\nThis is an automatic message from the "
    "Prevent Portal."
)


def dsl_refresher_reminders_send(*, on: date) -> int:
    """E-mails each DSL or deputy whose Prevent training is due a reminder that says only that, with a link.
    One message each, to their own address only. Returns the number sent."""
    link = settings.SITE_URL.rstrip("/") + reverse("training:my_training")
    addresses = set()
    for contact_email, user_email in overdue_dsl_contacts(on=on).values_list("email", "user__email"):
        address = (user_email or contact_email or "").strip().lower()
        if address:
            addresses.add(address)
    sent = 0
    for address in sorted(addresses):
        sent += send_mail(REMINDER_SUBJECT, REMINDER_BODY.format(link=link), None, [address], fail_silently=False)
    audit_record(
        actor=None,
        action="training.refresher_reminders_sent",
        object_type="schools.contact",
        changes={"sent": sent},
        detail=f"Prevent training reminders as at {on.isoformat()}",
    )
    return sent


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
