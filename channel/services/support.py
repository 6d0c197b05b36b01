"""Starting support once there is consent, the support plan's items and their progress notes."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from core.audit import audit_record
from core.idempotency import create_once
from core.locking import versioned_update

from ..models.cases import (
    ADOPTED_STAGES,
    Case,
    CaseEntry,
    ContactFrequency,
    EntryKind,
    Stage,
    SupportContact,
    SupportItem,
)
from .case_rows import _entry, _locked, _save_case, _set_stage
from .consent import consent_state


@transaction.atomic
def case_support_start(*, case: Case, on: date, started_by: User, request: HttpRequest | None = None) -> Case:
    """Support is voluntary: it cannot start without the person's consent (and a parent's for under 18s)."""
    case = _locked(case)
    if case.stage != Stage.ADOPTED:
        raise ValidationError(
            f"Support can start only once the panel has adopted the case; this one is '{case.get_stage_display()}'."
        )
    if case.consent_withdrawn_on is not None:
        raise ValidationError(
            f"Consent was withdrawn on {case.consent_withdrawn_on:%d %B %Y}: the panel decides on exit or an "
            "exception first."
        )
    state = consent_state(case=case, on=on)
    if not state.allows_support:
        raise ValidationError(["Support cannot start without consent.", *state.reasons_against_support])
    _set_stage(case, Stage.SUPPORT, on)
    case.support_started_on = on
    _save_case(case, ["stage", "stage_changed_on", "support_started_on"])
    _entry(case=case, kind=EntryKind.STAGE, actor=started_by, on=on, stage_after=Stage.SUPPORT)
    audit_record(actor=started_by, action="channel.support_started", obj=case, request=request)
    return case


@transaction.atomic
def support_item_add(
    *,
    case: Case,
    kind: str,
    provider: str,
    description: str,
    starts_on: date,
    ends_on: date | None,
    added_by: User,
    planned_frequency: str = ContactFrequency.WEEKLY,
    form_token: str | None = None,
    request: HttpRequest | None = None,
) -> SupportItem:
    if case.stage not in ADOPTED_STAGES:
        raise ValidationError("A support plan is made once the panel has adopted the case.")
    if case.consent_withdrawn_on is not None:
        raise ValidationError(
            f"Consent was withdrawn on {case.consent_withdrawn_on:%d %B %Y}: no support is added until the panel "
            "decides on exit or an exception."
        )

    def create() -> SupportItem:
        item = SupportItem(
            case=case, kind=kind, provider=provider.strip(), description=description.strip(), starts_on=starts_on,
            ends_on=ends_on, created_by=added_by, planned_frequency=planned_frequency,
        )  # fmt: skip
        if ends_on is not None and ends_on < starts_on:
            raise ValidationError({"ends_on": "The end date must be on or after the start date"})
        item.full_clean()
        item.save()
        _entry(
            case=case, kind=EntryKind.SUPPORT, actor=added_by, on=starts_on, support_item=item,
            text=f"Added to the support plan: {item.get_kind_display()}, {item.provider}.",
        )  # fmt: skip
        audit_record(
            actor=added_by,
            action="channel.support_item_added",
            obj=case,
            changes={"support_item": item.pk},
            request=request,
        )
        return item

    return create_once(token=form_token, actor=added_by, model=SupportItem, create=create)


@transaction.atomic
def support_item_update(
    *,
    item: SupportItem,
    description: str,
    ends_on: date | None,
    changed_by: User,
    expected_version: int | None,
    request: HttpRequest | None = None,
) -> SupportItem:
    """What the support is and when it ends (or ended). A save from a page someone else has saved since is refused."""
    if ends_on is not None and ends_on < item.starts_on:
        raise ValidationError({"ends_on": "The end date must be on or after the start date"})
    before = item.ends_on
    item.description = description.strip()
    item.ends_on = ends_on
    item.full_clean()
    versioned_update(instance=item, expected_version=expected_version, fields=["description", "ends_on"])
    if ends_on != before:
        _entry(
            case=item.case, kind=EntryKind.SUPPORT, actor=changed_by, on=ends_on or timezone.localdate(), support_item=item,
            text=f"End date of {item.provider} set to {ends_on:%d %B %Y}." if ends_on else f"End date of {item.provider} cleared.",
        )  # fmt: skip
    audit_record(
        actor=changed_by, action="channel.support_item_changed", obj=item.case, request=request,
        changes={"support_item": item.pk, "ends_on": {"old": before.isoformat() if before else None, "new": ends_on.isoformat() if ends_on else None}, "description": {"sensitive": True}},
    )  # fmt: skip
    return item


@transaction.atomic
def progress_note_add(
    *,
    item: SupportItem,
    text: str,
    on: date,
    author: User,
    form_token: str | None = None,
    request: HttpRequest | None = None,
) -> CaseEntry:
    if _locked(item.case).stage not in ADOPTED_STAGES:
        raise ValidationError("Progress notes are added while the case is adopted or in support.")
    if not text.strip():
        raise ValidationError({"text": "Enter the progress note"})
    if on > timezone.localdate():
        raise ValidationError({"on": "The date must be today or in the past"})

    def create() -> CaseEntry:
        entry = _entry(
            case=item.case, kind=EntryKind.PROGRESS, actor=author, on=on, text=text.strip(), support_item=item
        )
        audit_record(
            actor=author,
            action="channel.progress_note_added",
            obj=item.case,
            changes={"entry": entry.pk},
            request=request,
        )
        return entry

    return create_once(token=form_token, actor=author, model=CaseEntry, create=create)


@transaction.atomic
def support_contact_record(
    *,
    item: SupportItem,
    on: date,
    made_by: str,
    note: str,
    recorded_by: User,
    form_token: str | None = None,
    request: HttpRequest | None = None,
) -> SupportContact:
    """A contact made under a support item. Support is delivered only in support and with the consent in force
    on the contact's day (a person who has turned 18 gives their own first)."""
    case = _locked(item.case)
    if case.stage != Stage.SUPPORT:
        raise ValidationError(
            f"Contacts are recorded while the case is in support; this one is '{case.get_stage_display()}'."
        )
    if on > timezone.localdate():
        raise ValidationError({"on": "The date must be today or in the past"})
    if on < item.starts_on or (item.ends_on is not None and on > item.ends_on):
        raise ValidationError({"on": "The date must be while this support runs"})
    if not made_by.strip():
        raise ValidationError({"made_by": "Enter who made the contact"})
    state = consent_state(case=case, on=on)
    if not state.allows_support:
        raise ValidationError(["Support cannot continue without consent.", *state.reasons_against_support])

    def create() -> SupportContact:
        contact = SupportContact(item=item, on=on, made_by=made_by.strip(), note=note.strip(), recorded_by=recorded_by)
        contact.full_clean()
        contact.save()
        _entry(
            case=case, kind=EntryKind.CONTACT, actor=recorded_by, on=on, support_item=item,
            text=f"Contact for {item.provider} by {contact.made_by}." + (f"\n{contact.note}" if contact.note else ""),
        )  # fmt: skip
        audit_record(
            actor=recorded_by, action="channel.support_contact_recorded", obj=case, request=request,
            changes={"support_item": item.pk, "contact": contact.pk, "note": {"sensitive": True}},
        )  # fmt: skip
        return contact

    return create_once(token=form_token, actor=recorded_by, model=SupportContact, create=create)
