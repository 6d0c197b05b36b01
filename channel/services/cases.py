"""Opening a case, moving it through its stages, the panel's adoption decision, its details, notes and exit."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from core.audit import audit_record
from core.idempotency import create_once
from referrals.models import Referral

from ..models.cases import (
    ADOPTED_STAGES,
    OPEN_STAGES,
    PRE_PANEL_STAGES,
    Case,
    CaseEntry,
    CaseReview,
    EntryKind,
    ExitOutcome,
    ReviewKind,
    Stage,
)
from ..models.panels import Panel
from .case_rows import REVIEW_INTERVAL_DAYS, _entry, _locked, _mark_discussed, _save_case, _set_stage, add_months

# --- Opening a case ----------------------------------------------------------------------------------------------


def _is_under_18(referral: Referral, on: date) -> bool:
    age = referral.age_at_decision or referral.age_at_referral
    if age is None:
        age = referral.age_on(on)
    return age is not None and age < 18


@transaction.atomic
def case_open_from_referral(
    *, referral: Referral, panel: Panel, opened_by: User, request: HttpRequest | None = None
) -> Case:
    """Opens the panel case of a referral that a decision sent to `panel`. Called by the referrals app when the
    decision is recorded. A referral has one case: a second call returns the case already opened."""
    existing = Case.objects.filter(referral=referral).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    case = Case(
        referral=referral,
        panel=panel,
        stage=Stage.INFORMATION_GATHERING,
        is_under_18=_is_under_18(referral, today),
        opened_on=today,
        stage_changed_on=today,
    )
    case.full_clean(exclude=["referral"])
    case.save()
    _entry(case=case, kind=EntryKind.OPENED, actor=opened_by, on=today, stage_after=case.stage)
    audit_record(
        actor=opened_by, action="channel.case_opened", obj=case, request=request,
        changes={"panel": panel.pk, "referral": referral.pk},
    )  # fmt: skip
    return case


# --- Stages ------------------------------------------------------------------------------------------------------

# Moves a chair may make by hand before the panel has decided; adoption, support and exit have their own services.
MANUAL_MOVES: dict[str, tuple[str, ...]] = {
    Stage.INFORMATION_GATHERING: (Stage.PRELIMINARY_ASSESSMENT,),
    Stage.PRELIMINARY_ASSESSMENT: (Stage.INFORMATION_GATHERING, Stage.DISCUSSED),
    Stage.DISCUSSED: (Stage.PRELIMINARY_ASSESSMENT,),
}
STAGE_DATE_FIELD: dict[str, str] = {
    Stage.PRELIMINARY_ASSESSMENT: "preliminary_assessment_on",
    Stage.DISCUSSED: "discussed_on",
    Stage.ADOPTED: "adopted_on",
    Stage.SUPPORT: "support_started_on",
    Stage.EXITED: "exited_on",
    Stage.CLOSED: "closed_on",
    Stage.NOT_ADOPTED: "closed_on",
}


@transaction.atomic
def case_stage_change(
    *, case: Case, stage: str, on: date, changed_by: User, note: str = "", request: HttpRequest | None = None
) -> Case:
    case = _locked(case)
    if stage not in MANUAL_MOVES.get(case.stage, ()):
        raise ValidationError(f"A case at '{case.get_stage_display()}' cannot be moved to '{Stage(stage).label}' here.")
    before = case.stage
    _set_stage(case, stage, on)
    fields = ["stage", "stage_changed_on"]
    date_field = STAGE_DATE_FIELD.get(stage)
    if date_field and getattr(case, date_field) is None:
        setattr(case, date_field, on)
        fields.append(date_field)
    _save_case(case, fields)
    _entry(case=case, kind=EntryKind.STAGE, actor=changed_by, on=on, text=note, stage_after=stage)
    audit_record(
        actor=changed_by, action="channel.case_stage_changed", obj=case, request=request,
        changes={"stage": {"old": before, "new": stage}},
    )  # fmt: skip
    return case


@transaction.atomic
def case_adopt(*, case: Case, on: date, decided_by: User, note: str = "", request: HttpRequest | None = None) -> Case:
    case = _locked(case)
    if case.stage not in PRE_PANEL_STAGES:
        raise ValidationError(f"Only a case not yet decided can be adopted; this one is '{case.get_stage_display()}'.")
    fields = ["stage", "stage_changed_on", "adopted_on", "review_due_on"]
    _mark_discussed(case, on, fields)
    _set_stage(case, Stage.ADOPTED, on)
    case.adopted_on = on
    case.review_due_on = on + timedelta(days=REVIEW_INTERVAL_DAYS)
    _save_case(case, fields)
    _entry(case=case, kind=EntryKind.STAGE, actor=decided_by, on=on, text=note, stage_after=Stage.ADOPTED)
    audit_record(actor=decided_by, action="channel.case_adopted", obj=case, request=request)
    return case


@transaction.atomic
def case_not_adopt(*, case: Case, reason: str, on: date, decided_by: User, request: HttpRequest | None = None) -> Case:
    case = _locked(case)
    if case.stage not in PRE_PANEL_STAGES:
        raise ValidationError(
            f"Only a case not yet decided can be closed as not adopted; this one is '{case.get_stage_display()}'."
        )
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason the case was not adopted"})
    fields = ["stage", "stage_changed_on", "closed_on", "not_adopted_reason", "review_due_on", "exit_proposed"]
    _mark_discussed(case, on, fields)
    _set_stage(case, Stage.NOT_ADOPTED, on)
    case.closed_on = on
    case.not_adopted_reason = reason.strip()
    case.review_due_on = None
    case.exit_proposed = False
    _save_case(case, fields)
    _entry(case=case, kind=EntryKind.STAGE, actor=decided_by, on=on, text=reason.strip(), stage_after=case.stage)
    audit_record(
        actor=decided_by, action="channel.case_not_adopted", obj=case, request=request,
        changes={"not_adopted_reason": {"sensitive": True}},
    )  # fmt: skip
    return case


# --- Case details, notes -----------------------------------------------------------------------------------------


def _audit_value(value: int | date | bool | None) -> int | str | bool | None:
    return value.isoformat() if isinstance(value, date) else value


@transaction.atomic
def case_update(
    *,
    case: Case,
    changed_by: User,
    case_officer: User | None,
    review_due_on: date | None,
    exit_proposed: bool,
    expected_version: int | None = None,
    note: str = "",
    request: HttpRequest | None = None,
) -> Case:
    """`expected_version` is the case's version when the page was opened: a save made after someone else's is
    refused with StaleEdit. A note, when given, goes into the chronology with the change."""
    before: dict[str, int | date | bool | None] = {
        "case_officer": case.case_officer_id,
        "review_due_on": case.review_due_on,
        "exit_proposed": case.exit_proposed,
    }
    case.case_officer = case_officer
    case.review_due_on = review_due_on
    case.exit_proposed = exit_proposed and case.stage in OPEN_STAGES
    _save_case(case, ["case_officer", "review_due_on", "exit_proposed"], expected_version=expected_version)
    after = {
        "case_officer": case.case_officer_id,
        "review_due_on": case.review_due_on,
        "exit_proposed": case.exit_proposed,
    }
    changes = {
        k: {
            "old": _audit_value(v),
            "new": _audit_value(after[k]),
        }
        for k, v in before.items()
        if after[k] != v
    }
    text = "\n".join(
        part
        for part in (
            "Exit proposed to the panel." if "exit_proposed" in changes and case.exit_proposed else "",
            note.strip(),
        )
        if part
    )
    if text:
        _entry(case=case, kind=EntryKind.NOTE, actor=changed_by, on=timezone.localdate(), text=text)
    audit_record(actor=changed_by, action="channel.case_updated", obj=case, changes=changes, request=request)
    return case


@transaction.atomic
def case_note_add(
    *,
    case: Case,
    text: str,
    on: date,
    author: User,
    amends: CaseEntry | None = None,
    form_token: str | None = None,
    request: HttpRequest | None = None,
) -> CaseEntry:
    if not text.strip():
        raise ValidationError({"text": "Enter the note"})
    if on > timezone.localdate():
        raise ValidationError({"on": "The date must be today or in the past"})
    if amends is not None and amends.case_id != case.pk:
        raise ValidationError("An amendment must point at an entry of the same case.")

    def add() -> CaseEntry:
        entry = _entry(
            case=case, kind=EntryKind.AMENDMENT if amends else EntryKind.NOTE, actor=author, on=on,
            text=text.strip(), amends=amends,
        )  # fmt: skip
        audit_record(
            actor=author, action="channel.case_note_amended" if amends else "channel.case_note_added", obj=case,
            changes={"entry": entry.pk, **({"amends": amends.pk} if amends else {})}, request=request,
        )  # fmt: skip
        return entry

    return create_once(token=form_token, actor=author, model=CaseEntry, create=add)


# --- Exit --------------------------------------------------------------------------------------------------------


@transaction.atomic
def case_exit(
    *, case: Case, outcome: str, on: date, exited_by: User, notes: str = "", request: HttpRequest | None = None
) -> Case:
    """Closes the support and makes the 6- and 12-month reviews due."""
    case = _locked(case)
    if case.stage not in ADOPTED_STAGES:
        raise ValidationError(f"Only an adopted case can exit; this one is '{case.get_stage_display()}'.")
    if outcome not in ExitOutcome.values:
        raise ValidationError({"outcome": "Select the outcome"})
    if outcome == ExitOutcome.OTHER and not notes.strip():
        raise ValidationError({"notes": "Say what the outcome was"})
    _set_stage(case, Stage.EXITED, on)
    case.exited_on = on
    case.exit_outcome = outcome
    case.exit_notes = notes.strip()
    case.exit_proposed = False
    case.review_due_on = None
    _save_case(
        case, ["stage", "stage_changed_on", "exited_on", "exit_outcome", "exit_notes", "exit_proposed", "review_due_on"]
    )
    CaseReview.objects.bulk_create(
        [
            CaseReview(case=case, kind=ReviewKind.SIX_MONTHS, due_on=add_months(on, 6)),
            CaseReview(case=case, kind=ReviewKind.TWELVE_MONTHS, due_on=add_months(on, 12)),
        ]
    )
    _entry(
        case=case, kind=EntryKind.EXIT, actor=exited_by, on=on, stage_after=Stage.EXITED,
        text=f"Exit: {case.get_exit_outcome_display()}." + (f"\n{case.exit_notes}" if case.exit_notes else ""),
    )  # fmt: skip
    audit_record(
        actor=exited_by, action="channel.case_exited", obj=case, request=request,
        changes={"exit_outcome": outcome, "exited_on": on.isoformat()},
    )  # fmt: skip
    return case
