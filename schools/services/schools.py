"""Writes to schools (the GIAS import and the council's own fields), their contacts and their Prevent duty
checklist. Each runs in one transaction with its audit event; callers check who may do it (views fetch through
schools.selectors first). Edits refuse a stale version (core.locking); creates are idempotent (core.idempotency)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Membership, User
from accounts.roles import Role
from core.audit import audit_record, changes_between, snapshot
from core.idempotency import create_once
from core.locking import version_claim, versioned_update

from ..gias import ImportPlan, ParsedFile, plan
from ..models import (
    ChecklistConfirmation,
    ChecklistItem,
    Contact,
    RRSALevelChange,
    School,
)

COUNCIL_FIELDS = ("support_tier", "rrsa_level", "notes", "ofsted_notes")
CONTACT_FIELDS = ("full_name", "role", "email", "phone", "is_prevent_spoc", "is_current")
# Names and contact details are personal: the audit trail records that they changed, not their values.
CONTACT_SENSITIVE = ("full_name", "email", "phone")


# ---- GIAS import ----


def gias_import_apply(
    *, parsed: ParsedFile, actor: User | None = None, request: HttpRequest | None = None, filename: str = ""
) -> ImportPlan:
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
            for changed_fields, schools in by_fields.items():
                School.objects.bulk_update(
                    schools, [*changed_fields, "gias_imported_at", "updated_at"], batch_size=1000
                )
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


def school_update(
    *,
    school: School,
    actor: User,
    version: int | None,
    request: HttpRequest | None = None,
    rrsa_achieved_on: date | None = None,
    **values: Any,
) -> School:
    """Changes the council's own fields of a school. A stale `version` is refused with StaleEdit. A new RRSA
    level is added to the school's RRSA history."""
    unknown = set(values) - set(COUNCIL_FIELDS)
    if unknown:
        raise ValueError(f"not council fields: {sorted(unknown)}")
    with transaction.atomic():
        school = School.objects.get(pk=school.pk)
        before = snapshot(school, COUNCIL_FIELDS)
        for name, value in values.items():
            setattr(school, name, value)
        school.full_clean()
        changes = changes_between(before, school, sensitive=("notes", "ofsted_notes"))
        if not changes:
            return school
        versioned_update(instance=school, expected_version=version, fields=list(changes))
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


def _portal_user_for(*, school: School, email: str) -> User | None:
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


def contact_create(
    *, school: School, actor: User, request: HttpRequest | None = None, form_token: str | None = None, **values: Any
) -> Contact:
    """Adds a person to a school. The same `form_token` twice (a double-clicked Save) adds them once."""

    def create() -> Contact:
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

    return create_once(token=form_token, actor=actor, model=Contact, create=create)


def contact_update(
    *,
    contact: Contact,
    actor: User,
    version: int | None,
    request: HttpRequest | None = None,
    **values: Any,
) -> Contact:
    """Changes a contact; a stale `version` (someone else saved since the form was opened) is refused."""
    with transaction.atomic():
        contact = Contact.objects.select_related("user").get(pk=contact.pk)
        before = snapshot(contact, (*CONTACT_FIELDS, "user"))
        for name, value in values.items():
            if name in CONTACT_FIELDS:
                setattr(contact, name, value)
        contact.user = _portal_user_for(school=contact.school, email=contact.email) or (
            contact.user if contact.user and contact.user.email.lower() == contact.email.lower() else None
        )
        contact.full_clean()
        versioned_update(instance=contact, expected_version=version, fields=(*CONTACT_FIELDS, "user"))
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


def checklist_confirm(
    *,
    school: School,
    answers: Sequence[ChecklistAnswer],
    actor: User,
    on: date | None = None,
    request: HttpRequest | None = None,
    version: int | None = None,
) -> list[ChecklistConfirmation]:
    """Records the school's answers. An item marked as confirmed gets today's date and the actor as the last
    confirmation; others keep their last confirmation.

    The checklist is one form over six rows that may not exist yet, so it is guarded by the school's version
    (`version`, as the form was opened), claimed before any row is read: the claim's UPDATE holds the school's
    row, so two first saves at once cannot both insert (the second waits, then is refused as stale, or without
    a version sees the first one's rows). A version per row could not guard rows nobody has saved yet."""
    day = on or timezone.localdate()
    valid = set(ChecklistItem.values)
    with transaction.atomic():
        version_claim(instance=school, expected_version=version)
        current = {c.item: c for c in ChecklistConfirmation.objects.filter(school=school)}
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
