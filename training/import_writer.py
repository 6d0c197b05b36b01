"""Writing a checked attendance import (read and planned by training.importer) in one transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from core.audit import audit_record
from schools.models import Contact

from .importer import ImportPlan
from .models import Attendance, Attendee, Session, SessionSource


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
                # The version rises, so a feedback page opened before the import refuses to save over it.
                session.version = F("version") + 1
                feedback_changed.append(session)
        Session.objects.bulk_update(
            feedback_changed, ["responses", "better_understanding", "updated_at", "version"], batch_size=1000
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
                    found.version = F("version") + 1
                    changed_att.append(found)
        Attendance.objects.bulk_create(new_att, batch_size=1000)
        fields = sorted({g.audience_field for g in plan.sessions.values()})
        Attendance.objects.bulk_update(changed_att, [*fields, "updated_at", "version"], batch_size=1000)
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
            school_ids = list({a.school_id for a, _ in named if a.school_id is not None})
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
                contact_id = None
                if attendance.school_id is not None:  # named people of a school are matched to its contacts
                    school_id = attendance.school_id
                    contact_id = contacts_by_email.get((school_id, person.email)) if person.email else None
                    contact_id = contact_id or contacts_by_name.get((school_id, person.full_name.lower()))
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
