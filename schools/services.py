"""Writes to schools, contacts, the Prevent duty checklist, visits, actions and network meetings. Each runs in one
transaction with its audit event; callers check who may do it (views fetch through schools.selectors first)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership
from accounts.roles import Role
from core.audit import audit_record, changes_between, snapshot

from .gias import ImportPlan, ParsedFile, plan
from .models import (
    ChecklistConfirmation,
    ChecklistItem,
    Contact,
    Institution,
    NetworkMeeting,
    RRSALevelChange,
    School,
    Visit,
    VisitAction,
)

COUNCIL_FIELDS = ("support_tier", "rrsa_level", "notes", "ofsted_notes")
CONTACT_FIELDS = ("full_name", "role", "email", "phone", "is_prevent_spoc", "is_current")
# Names and contact details are personal: the audit trail records that they changed, not their values.
CONTACT_SENSITIVE = ("full_name", "email", "phone")


class StaleEdit(ValidationError):
    """Someone else saved the record after this form was opened."""


# ---- GIAS import ----


def gias_import_apply(*, parsed: ParsedFile, actor: Any = None, request: Any = None, filename: str = "") -> ImportPlan:
    """Applies a parsed GIAS file in one transaction: creates new schools and updates the GIAS fields of changed
    ones (never the council's own fields). Schools missing from the file are left as they are. A file with rows
    in error changes nothing: a ValidationError lists them."""
    with transaction.atomic():
        result = plan(parsed)
        if result.has_errors:
            raise ValidationError(
                [f"Line {line}: {reason}" for line, reason in result.errors[:50]]
                + ([f"and {len(result.errors) - 50} more rows in error"] if len(result.errors) > 50 else [])
            )
        now = timezone.now()
        new = [School(**row, gias_imported_at=now) for row in result.new]
        School.objects.bulk_create(new, batch_size=1000)
        if result.changed:
            by_fields: dict[tuple[str, ...], list[School]] = {}
            for row, fields in result.changed:
                school = School(pk=result.existing_ids[row["urn"]], **row, gias_imported_at=now, updated_at=now)
                by_fields.setdefault(tuple(sorted(fields)), []).append(school)
            for fields, schools in by_fields.items():
                School.objects.bulk_update(schools, [*fields, "gias_imported_at", "updated_at"], batch_size=1000)
        audit_record(
            actor=actor,
            action="schools.gias_imported",
            object_type="schools.school",
            changes={
                "new": [row["urn"] for row in result.new][:500],
                "changed": [row["urn"] for row, _ in result.changed][:500],
                "closed": [row["urn"] for row in result.closed][:500],
            },
            detail=(f"{filename[:80]}: " if filename else "") + result.summary(),
            request=request,
        )
    return result


# ---- schools ----


def _check_version(instance: Any, version: int | None) -> None:
    if version is not None and version != instance.version:
        raise StaleEdit(
            "Someone else changed this school after you opened the page. Your changes were not saved: "
            "check the page again and make them once more."
        )


def school_update(
    *,
    school: School,
    actor: Any,
    version: int | None,
    request: Any = None,
    rrsa_achieved_on: date | None = None,
    **values: Any,
) -> School:
    """Changes the council's own fields of a school. A stale `version` is refused. A new RRSA level is added to
    the school's RRSA history."""
    unknown = set(values) - set(COUNCIL_FIELDS)
    if unknown:
        raise ValueError(f"not council fields: {sorted(unknown)}")
    with transaction.atomic():
        school = School.objects.select_for_update().get(pk=school.pk)
        _check_version(school, version)
        before = snapshot(school, COUNCIL_FIELDS)
        for name, value in values.items():
            setattr(school, name, value)
        school.full_clean()
        changes = changes_between(before, school, sensitive=("notes", "ofsted_notes"))
        if not changes:
            return school
        school.version += 1
        school.save()
        if "rrsa_level" in changes:
            RRSALevelChange.objects.create(
                school=school,
                level=school.rrsa_level,
                achieved_on=rrsa_achieved_on or timezone.localdate(),
                recorded_by=actor,
            )
        audit_record(actor=actor, action="schools.school_updated", obj=school, changes=changes, request=request)
    return school


# ---- contacts ----


def _portal_user_for(*, school: School, email: str) -> Any:
    """The portal account of a contact: a user with the same e-mail address who is a DSL of this school today.
    Nobody else is linked, so a contact cannot be pointed at an unrelated account."""
    if not email:
        return None

    membership = (
        Membership.objects.current()
        .filter(role=Role.DSL, school=school, user__email__iexact=email.strip())
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


def contact_create(*, school: School, actor: Any, request: Any = None, **values: Any) -> Contact:
    with transaction.atomic():
        contact = Contact(school=school, **{k: v for k, v in values.items() if k in CONTACT_FIELDS})
        contact.user = _portal_user_for(school=school, email=contact.email)
        contact.full_clean()
        contact.save()
        audit_record(
            actor=actor,
            action="schools.contact_created",
            obj=contact,
            changes={"school": school.pk, "role": contact.role},
            request=request,
        )
    return contact


def stamp_of(value: Any) -> str:
    """A record's last-change time as the hidden form field carries it, to refuse a save over a newer one."""
    return value.isoformat() if value else ""


def contact_update(
    *, contact: Contact, actor: Any, request: Any = None, stamp: str | None = None, **values: Any
) -> Contact:
    """Changes a contact; with `stamp` (its updated_at when the form was opened), a save over someone else's
    newer change is refused."""
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if stamp is not None and stamp != stamp_of(contact.updated_at):
            raise StaleEdit(
                "Someone else changed this contact after you opened the page. Your changes were not saved: "
                "check the details below and save again."
            )
        before = snapshot(contact, (*CONTACT_FIELDS, "user"))
        for name, value in values.items():
            if name in CONTACT_FIELDS:
                setattr(contact, name, value)
        contact.user = _portal_user_for(school=contact.school, email=contact.email) or (
            contact.user if contact.user and contact.user.email.lower() == contact.email.lower() else None
        )
        contact.full_clean()
        contact.save()
        changes = changes_between(before, contact, sensitive=CONTACT_SENSITIVE)
        if changes:
            audit_record(actor=actor, action="schools.contact_updated", obj=contact, changes=changes, request=request)
    return contact


# ---- Prevent duty checklist ----


@dataclass(frozen=True)
class ChecklistAnswer:
    item: str
    in_place: bool
    confirm: bool
    note: str = ""


def checklist_stamp(rows: Iterable[ChecklistConfirmation]) -> str:
    return stamp_of(max((r.updated_at for r in rows if r.updated_at), default=None))


def checklist_confirm(
    *,
    school: School,
    answers: Sequence[ChecklistAnswer],
    actor: Any,
    on: date | None = None,
    request: Any = None,
    stamp: str | None = None,
) -> list[ChecklistConfirmation]:
    """Records the school's answers. An item marked as confirmed gets today's date and the actor as the last
    confirmation; others keep their last confirmation. With `stamp` (checklist_stamp when the form was opened), a
    save over someone else's newer answers is refused."""
    day = on or timezone.localdate()
    valid = set(ChecklistItem.values)
    with transaction.atomic():
        # The school's row is the lock: a checklist not yet saved has no rows to lock, and two first saves at once
        # would both insert and the second fail on the unique constraint. Now the second waits, then sees the first.
        School.objects.select_for_update().only("pk").get(pk=school.pk)
        current = {c.item: c for c in ChecklistConfirmation.objects.filter(school=school)}
        if stamp is not None and stamp != checklist_stamp(current.values()):
            raise StaleEdit(
                "Someone else changed this checklist after you opened the page. Your answers were not saved: "
                "check them below and save again."
            )
        saved: list[ChecklistConfirmation] = []
        changes: dict[str, Any] = {}
        for answer in answers:
            if answer.item not in valid:
                raise ValidationError(f"Unknown checklist item {answer.item!r}.")
            row = current.get(answer.item) or ChecklistConfirmation(school=school, item=answer.item)
            before = (row.in_place, row.note, row.confirmed_on)
            row.in_place = answer.in_place
            row.note = answer.note
            if answer.confirm:
                row.confirmed_on = day
                row.confirmed_by = actor
            after = (row.in_place, row.note, row.confirmed_on)
            if row.pk is not None and before == after:
                saved.append(row)
                continue
            row.full_clean()
            row.save()
            saved.append(row)
            changes[answer.item] = {"in_place": row.in_place, "confirmed": bool(answer.confirm)}
        if changes:
            audit_record(
                actor=actor, action="schools.checklist_confirmed", obj=school, changes=changes, request=request
            )
    return saved


# ---- visits and actions ----


@dataclass(frozen=True)
class NewAction:
    description: str
    owner: Any
    due_on: date


def _add_actions(*, visit: Visit, actions: Iterable[NewAction]) -> list[VisitAction]:
    made = []
    for action in actions:
        row = VisitAction(
            visit=visit, school_id=visit.school_id, description=action.description, owner=action.owner,
            due_on=action.due_on,
        )  # fmt: skip
        row.full_clean()
        made.append(row)
    return VisitAction.objects.bulk_create(made)


def visit_log(
    *,
    school: School,
    adviser: Any,
    visited_on: date,
    kind: str,
    offer_level: str,
    purpose: str,
    notes: str = "",
    follow_up_on: date | None = None,
    actions: Iterable[NewAction] = (),
    actor: Any,
    request: Any = None,
) -> Visit:
    """Records a visit, call or e-mail with the actions agreed at it."""
    with transaction.atomic():
        visit = Visit(
            school=school,
            adviser=adviser,
            visited_on=visited_on,
            kind=kind,
            offer_level=offer_level,
            purpose=purpose,
            notes=notes,
            follow_up_on=follow_up_on,
        )
        visit.full_clean()
        if follow_up_on and follow_up_on < visited_on:
            raise ValidationError({"follow_up_on": "The follow-up date must be on or after the date of the visit"})
        visit.save()
        made = _add_actions(visit=visit, actions=actions)
        audit_record(
            actor=actor,
            action="schools.visit_logged",
            obj=visit,
            changes={"school": school.pk, "kind": kind, "offer_level": offer_level, "actions": len(made)},
            request=request,
        )
    return visit


VISIT_FIELDS = ("visited_on", "kind", "offer_level", "purpose", "notes", "follow_up_on", "adviser")


def visit_update(
    *, visit: Visit, actor: Any, actions: Iterable[NewAction] = (), request: Any = None, **values: Any
) -> Visit:
    """Corrects a visit's details and adds any further actions agreed."""
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        before = snapshot(visit, VISIT_FIELDS)
        for name in VISIT_FIELDS:
            if name in values:
                setattr(visit, name, values[name])
        visit.full_clean()
        if visit.follow_up_on and visit.follow_up_on < visit.visited_on:
            raise ValidationError({"follow_up_on": "The follow-up date must be on or after the date of the visit"})
        visit.save()
        made = _add_actions(visit=visit, actions=actions)
        changes = changes_between(before, visit, sensitive=("notes",))
        if made:
            changes["actions_added"] = len(made)
        if changes:
            audit_record(actor=actor, action="schools.visit_updated", obj=visit, changes=changes, request=request)
    return visit


def action_complete(*, action: VisitAction, actor: Any, done: bool = True, request: Any = None) -> VisitAction:
    """Marks an action done today (or not done again)."""
    with transaction.atomic():
        action = VisitAction.objects.select_for_update().get(pk=action.pk)
        if done and action.done_on is None:
            action.done_on, action.done_by = timezone.localdate(), actor
        elif not done and action.done_on is not None:
            action.done_on, action.done_by = None, None
        else:
            return action
        action.save(update_fields=["done_on", "done_by", "updated_at"])
        audit_record(
            actor=actor,
            action="schools.action_done" if done else "schools.action_reopened",
            obj=action,
            request=request,
        )
    return action


# ---- network meetings and conferences ----


def meeting_save(
    *,
    meeting: NetworkMeeting | None,
    actor: Any,
    attendees: Iterable[Contact],
    request: Any = None,
    **values: Any,
) -> NetworkMeeting:
    """Creates or changes a network meeting or conference and sets who attended."""
    with transaction.atomic():
        is_new = meeting is None
        meeting = meeting or NetworkMeeting(organiser=actor)
        for name in ("kind", "title", "held_on", "venue", "notes"):
            if name in values:
                setattr(meeting, name, values[name])
        meeting.full_clean()
        meeting.save()
        ids = sorted({c.pk for c in attendees})
        meeting.attendees.set(ids)
        audit_record(
            actor=actor,
            action="schools.meeting_created" if is_new else "schools.meeting_updated",
            obj=meeting,
            changes={"attendees": len(ids)},
            request=request,
        )
    return meeting


# ---- other institutions ----


def institution_save(*, institution: Institution | None, actor: Any, request: Any = None, **values: Any) -> Institution:
    """Creates or changes a body without a URN that receives training (early years, FE, faith setting...)."""
    fields = ("name", "kind", "ward", "postcode", "notes")
    with transaction.atomic():
        is_new = institution is None
        institution = institution or Institution()
        before = snapshot(institution, fields)
        for name in fields:
            if name in values:
                setattr(institution, name, values[name])
        institution.full_clean()
        institution.save()
        audit_record(
            actor=actor,
            action="schools.institution_created" if is_new else "schools.institution_updated",
            obj=institution,
            changes=changes_between(before, institution, sensitive=("notes",)),
            request=request,
        )
    return institution
