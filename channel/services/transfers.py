"""Transfers between local authorities: a case transferred out is closed here as "transferred"; a case
transferred in is opened here, keeping where it came from. Each writes its chronology entry and audit event in
the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from core.audit import audit_record
from referrals.services.transfers import referral_from_transfer_in

from ..models.cases import FINISHED_STAGES, Case, EntryKind, Stage
from ..models.panels import Panel
from ..models.transfers import CaseTransfer, TransferDirection
from .case_rows import _entry, _locked, _save_case, _set_stage
from .cases import case_open_from_referral


@dataclass(frozen=True)
class TransferDetails:
    council: str
    contact_name: str
    contact_email: str
    contact_phone: str
    on: date
    reason: str
    their_reference: str = ""


def _transfer(case: Case, direction: str, details: TransferDetails, actor: User) -> CaseTransfer:
    transfer = CaseTransfer(
        case=case, direction=direction, council=details.council.strip(), contact_name=details.contact_name.strip(),
        contact_email=details.contact_email.strip(), contact_phone=details.contact_phone.strip(),
        their_reference=details.their_reference.strip(), on=details.on, reason=details.reason.strip(),
        recorded_by=actor,
    )  # fmt: skip
    transfer.full_clean()
    transfer.save()
    return transfer


@transaction.atomic
def case_transfer_out(
    *,
    case: Case,
    details: TransferDetails,
    actor: User,
    expected_version: int | None = None,
    request: HttpRequest | None = None,
) -> CaseTransfer:
    """Hands the case to another authority's panel and closes it here as "transferred" on the day given."""
    case = _locked(case)
    if case.stage in FINISHED_STAGES:
        raise ValidationError(f"This case is already closed ({case.get_stage_display().lower()}).")
    if details.on > timezone.localdate():
        raise ValidationError({"on": "The date of transfer must be today or in the past"})
    if details.on < case.opened_on:
        raise ValidationError({"on": "The date of transfer must be on or after the day the case was opened"})
    if not details.contact_email.strip() and not details.contact_phone.strip():
        raise ValidationError({"contact_email": "Enter the contact's email address or telephone number"})
    transfer = _transfer(case, TransferDirection.OUT, details, actor)
    _set_stage(case, Stage.TRANSFERRED, details.on)
    case.closed_on = details.on
    case.review_due_on = None
    case.exit_proposed = False
    _save_case(
        case, ["stage", "stage_changed_on", "closed_on", "review_due_on", "exit_proposed"],
        expected_version=expected_version,
    )  # fmt: skip
    _entry(
        case=case, kind=EntryKind.STAGE, actor=actor, on=details.on, stage_after=Stage.TRANSFERRED,
        text=f"Transferred to {transfer.council} (contact: {transfer.contact_name}).\n{transfer.reason}",
    )  # fmt: skip
    audit_record(
        actor=actor, action="channel.case_transferred_out", obj=case, request=request,
        changes={"stage": Stage.TRANSFERRED.value, "council": transfer.council, "on": details.on.isoformat()},
    )  # fmt: skip
    return transfer


@transaction.atomic
def case_transfer_in(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    gender: str,
    panel: Panel,
    under_18: bool,
    details: TransferDetails,
    actor: User,
    request: HttpRequest | None = None,
) -> Case:
    """Opens a case here for someone whose case another authority has transferred: a referral stands behind it
    (recorded as sent to the panel, not counted as a referral made here) and the transfer keeps the sending
    council, its contact, its reference and the reason."""
    if details.on > timezone.localdate():
        raise ValidationError({"on": "The date of transfer must be today or in the past"})
    if not details.contact_email.strip() and not details.contact_phone.strip():
        raise ValidationError({"contact_email": "Enter the contact's email address or telephone number"})
    referral = referral_from_transfer_in(
        first_name=first_name, last_name=last_name, date_of_birth=date_of_birth, gender=gender,
        from_council=details.council.strip(), panel=panel, under_18=under_18, actor=actor,
    )  # fmt: skip
    case = case_open_from_referral(referral=referral, panel=panel, opened_by=actor, request=request)
    transfer = _transfer(case, TransferDirection.IN, details, actor)
    _entry(
        case=case, kind=EntryKind.NOTE, actor=actor, on=details.on,
        text=f"Transferred in from {transfer.council}"
        + (f" (their reference {transfer.their_reference})" if transfer.their_reference else "")
        + f".\n{transfer.reason}",
    )  # fmt: skip
    audit_record(
        actor=actor, action="channel.case_transferred_in", obj=case, request=request,
        changes={"council": transfer.council, "on": details.on.isoformat()},
    )  # fmt: skip
    return case
