"""Writes for panels, cases and meetings. Each service validates, writes its chronology entry and its audit event
in one transaction; a refused change raises ValidationError with a message fit for the page."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from accounts.roles import Role
from core.audit import audit_record

from .models import (
    ADOPTED_STAGES,
    OPEN_STAGES,
    PRE_PANEL_STAGES,
    Action,
    AgendaItem,
    AgendaReason,
    Assessment,
    AssessmentRating,
    Case,
    CaseEntry,
    CaseReview,
    ConsentGiver,
    ConsentRecord,
    ConsentStatus,
    Decision,
    EntryKind,
    ExitOutcome,
    Meeting,
    MeetingAttendance,
    Panel,
    Rating,
    ReviewKind,
    Stage,
    SupportItem,
    VafFactor,
)

REVIEW_INTERVAL_DAYS = 28  # an adopted case comes back to the panel about monthly
REMINDER_LEAD_DAYS = 14  # reminders go out this many days before a review after exit falls due
STALE = (
    "Someone else changed this while you were editing it. Your changes are still on the page: "
    "check them against the case and save again."
)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 Aug + 6 months = 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _entry(
    *,
    case: Case,
    kind: str,
    actor: Any,
    on: date,
    text: str = "",
    stage_after: str = "",
    support_item: SupportItem | None = None,
    amends: CaseEntry | None = None,
) -> CaseEntry:
    entry = CaseEntry(
        case=case, kind=kind, actor=actor, on=on, text=text, stage_after=stage_after,
        support_item=support_item, amends=amends,
    )  # fmt: skip
    entry.full_clean()
    entry.save()
    return entry


def _locked(case: Case) -> Case:
    """The case row, locked for this transaction, so that two people changing it one after the other each see
    the other's change (SQLite serialises writers anyway)."""
    return Case.objects.select_for_update(of=("self",)).select_related("referral", "panel").get(pk=case.pk)


def _save_case(case: Case, fields: list[str]) -> None:
    case.version += 1
    case.full_clean()
    case.save(update_fields=[*fields, "version", "updated_at"])


def _set_stage(case: Case, stage: str, on: date) -> None:
    case.stage = stage
    case.stage_changed_on = on


# --- Opening a case ----------------------------------------------------------------------------------------------


def _is_under_18(referral: Any, on: date) -> bool:
    age = getattr(referral, "age_at_decision", None) or getattr(referral, "age_at_referral", None)
    if age is None and hasattr(referral, "age_on"):
        age = referral.age_on(on)
    return age is not None and age < 18


@transaction.atomic
def case_open_from_referral(*, referral: Any, panel: Panel, opened_by: Any, request: Any = None) -> Case:
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
STAGE_DATE_FIELD = {
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
    *, case: Case, stage: str, on: date, changed_by: Any, note: str = "", request: Any = None
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


def _mark_discussed(case: Case, on: date, fields: list[str]) -> None:
    if case.discussed_on is None:
        case.discussed_on = on
        fields.append("discussed_on")


@transaction.atomic
def case_adopt(*, case: Case, on: date, decided_by: Any, note: str = "", request: Any = None) -> Case:
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
def case_not_adopt(*, case: Case, reason: str, on: date, decided_by: Any, request: Any = None) -> Case:
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


# --- Consent -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentState:
    person: ConsentRecord | None
    parent: ConsentRecord | None
    parent_needed: bool

    @property
    def allows_support(self) -> bool:
        return not self.reasons_against_support

    @property
    def reasons_against_support(self) -> list[str]:
        reasons: list[str] = []
        if self.person is None:
            reasons.append("The person's informed consent has not been recorded.")
        elif self.person.status != ConsentStatus.GIVEN:
            reasons.append(
                f"The person's consent was {self.person.get_status_display().lower()} on {self.person.on:%d %B %Y}."
            )
        if self.parent_needed:
            if self.parent is None:
                reasons.append(
                    "The person was under 18 when the case opened: a parent's or carer's consent is needed and has not been recorded."
                )
            elif self.parent.status != ConsentStatus.GIVEN:
                reasons.append(
                    f"The parent's or carer's consent was {self.parent.get_status_display().lower()} on {self.parent.on:%d %B %Y}."
                )
        return reasons


def consent_state(*, case: Case, records: list[ConsentRecord] | None = None) -> ConsentState:
    """The consent in force: the latest record of each giver (by date, then by when it was recorded)."""
    rows = records if records is not None else list(case.consents.all())
    latest: dict[str, ConsentRecord] = {}
    for row in sorted(rows, key=lambda r: (r.on, r.pk or 0)):
        latest[row.giver] = row
    return ConsentState(
        person=latest.get(ConsentGiver.PERSON), parent=latest.get(ConsentGiver.PARENT), parent_needed=case.is_under_18
    )


@transaction.atomic
def consent_record(
    *,
    case: Case,
    giver: str,
    status: str,
    on: date,
    recorded_by: Any,
    given_by_name: str = "",
    notes: str = "",
    request: Any = None,
) -> ConsentRecord:
    case = _locked(case)
    if case.stage not in OPEN_STAGES:
        raise ValidationError("Consent can be recorded only while the case is open.")
    if on > timezone.localdate():
        raise ValidationError({"on": "The date must be today or in the past"})
    if giver == ConsentGiver.PARENT and not given_by_name.strip():
        raise ValidationError({"given_by_name": "Enter the name of the parent or carer"})
    record = ConsentRecord(
        case=case, giver=giver, status=status, on=on, recorded_by=recorded_by,
        given_by_name=given_by_name.strip(), notes=notes.strip(),
    )  # fmt: skip
    record.full_clean()
    record.save()
    text = f"{record.get_giver_display()}: consent {record.get_status_display().lower()}."
    if notes.strip():
        text += f"\n{notes.strip()}"
    _entry(case=case, kind=EntryKind.CONSENT, actor=recorded_by, on=on, text=text)
    if status == ConsentStatus.WITHDRAWN and case.stage in ADOPTED_STAGES and not case.exit_proposed:
        # Support is voluntary: a withdrawal puts the exit in front of the panel.
        case.exit_proposed = True
        _save_case(case, ["exit_proposed"])
    audit_record(
        actor=recorded_by, action="channel.consent_recorded", obj=case, request=request,
        changes={"giver": giver, "status": status, "on": on.isoformat()},
    )  # fmt: skip
    return record


@transaction.atomic
def case_support_start(*, case: Case, on: date, started_by: Any, request: Any = None) -> Case:
    """Support is voluntary: it cannot start without the person's consent (and a parent's for under 18s)."""
    case = _locked(case)
    if case.stage != Stage.ADOPTED:
        raise ValidationError(
            f"Support can start only once the panel has adopted the case; this one is '{case.get_stage_display()}'."
        )
    state = consent_state(case=case)
    if not state.allows_support:
        raise ValidationError(["Support cannot start without consent.", *state.reasons_against_support])
    _set_stage(case, Stage.SUPPORT, on)
    case.support_started_on = on
    _save_case(case, ["stage", "stage_changed_on", "support_started_on"])
    _entry(case=case, kind=EntryKind.STAGE, actor=started_by, on=on, stage_after=Stage.SUPPORT)
    audit_record(actor=started_by, action="channel.support_started", obj=case, request=request)
    return case


# --- Case details, notes -----------------------------------------------------------------------------------------


@transaction.atomic
def case_update(
    *,
    case: Case,
    changed_by: Any,
    case_officer: Any,
    review_due_on: date | None,
    exit_proposed: bool,
    version: int | None = None,
    request: Any = None,
) -> Case:
    """`version` is the case's version when the page was opened: a save made after someone else's is refused."""
    case = _locked(case)
    if version is not None and version != case.version:
        raise ValidationError(STALE)
    before = {
        "case_officer": case.case_officer_id,
        "review_due_on": case.review_due_on,
        "exit_proposed": case.exit_proposed,
    }
    case.case_officer = case_officer
    case.review_due_on = review_due_on
    case.exit_proposed = exit_proposed and case.stage in OPEN_STAGES
    _save_case(case, ["case_officer", "review_due_on", "exit_proposed"])
    after = {
        "case_officer": case.case_officer_id,
        "review_due_on": case.review_due_on,
        "exit_proposed": case.exit_proposed,
    }
    changes = {
        k: {
            "old": v.isoformat() if isinstance(v, date) else v,
            "new": after[k].isoformat() if isinstance(after[k], date) else after[k],
        }
        for k, v in before.items()
        if after[k] != v
    }
    if "exit_proposed" in changes and case.exit_proposed:
        _entry(
            case=case,
            kind=EntryKind.NOTE,
            actor=changed_by,
            on=timezone.localdate(),
            text="Exit proposed to the panel.",
        )
    audit_record(actor=changed_by, action="channel.case_updated", obj=case, changes=changes, request=request)
    return case


@transaction.atomic
def case_note_add(
    *, case: Case, text: str, on: date, author: Any, amends: CaseEntry | None = None, request: Any = None
) -> CaseEntry:
    if not text.strip():
        raise ValidationError({"text": "Enter the note"})
    if on > timezone.localdate():
        raise ValidationError({"on": "The date must be today or in the past"})
    if amends is not None and amends.case_id != case.pk:
        raise ValidationError("An amendment must point at an entry of the same case.")
    entry = _entry(
        case=case, kind=EntryKind.AMENDMENT if amends else EntryKind.NOTE, actor=author, on=on,
        text=text.strip(), amends=amends,
    )  # fmt: skip
    audit_record(
        actor=author, action="channel.case_note_amended" if amends else "channel.case_note_added", obj=case,
        changes={"entry": entry.pk, **({"amends": amends.pk} if amends else {})}, request=request,
    )  # fmt: skip
    return entry


# --- Assessments -------------------------------------------------------------------------------------------------


@transaction.atomic
def assessment_record(
    *,
    case: Case,
    assessed_on: date,
    assessed_by: Any,
    ratings: Mapping[int, tuple[int, str]],
    summary: str = "",
    request: Any = None,
) -> Assessment:
    """ratings: factor id -> (rating, rationale). Every factor in use must be rated."""
    factors = list(VafFactor.objects.filter(is_active=True))
    missing = [f.label for f in factors if f.pk not in ratings]
    if missing:
        raise ValidationError(f"Rate every factor: {len(missing)} not rated.")
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": "The date must be today or in the past"})
    assessment = Assessment(case=case, assessed_on=assessed_on, assessed_by=assessed_by, summary=summary.strip())
    assessment.full_clean()
    assessment.save()
    rows = []
    for factor in factors:
        value, rationale = ratings[factor.pk]
        row = AssessmentRating(
            assessment=assessment, factor=factor, factor_label=factor.label, dimension=factor.dimension,
            rating=Rating(value), rationale=rationale.strip()[:500],
        )  # fmt: skip
        row.full_clean(exclude=["assessment"])
        rows.append(row)
    AssessmentRating.objects.bulk_create(rows)
    present = sum(1 for r in rows if r.rating > Rating.NOT_PRESENT)
    _entry(
        case=case, kind=EntryKind.ASSESSMENT, actor=assessed_by, on=assessed_on,
        text=f"Vulnerability assessment: {present} of {len(rows)} factors present.",
    )  # fmt: skip
    audit_record(
        actor=assessed_by,
        action="channel.assessment_recorded",
        obj=case,
        changes={"assessment": assessment.pk},
        request=request,
    )
    return assessment


# --- Support plan ------------------------------------------------------------------------------------------------


@transaction.atomic
def support_item_add(
    *,
    case: Case,
    kind: str,
    provider: str,
    description: str,
    starts_on: date,
    ends_on: date | None,
    added_by: Any,
    request: Any = None,
) -> SupportItem:
    if case.stage not in ADOPTED_STAGES:
        raise ValidationError("A support plan is made once the panel has adopted the case.")
    item = SupportItem(
        case=case, kind=kind, provider=provider.strip(), description=description.strip(), starts_on=starts_on,
        ends_on=ends_on, created_by=added_by,
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


@transaction.atomic
def support_item_end(*, item: SupportItem, ends_on: date | None, changed_by: Any, request: Any = None) -> SupportItem:
    item = SupportItem.objects.select_for_update().get(pk=item.pk)
    if ends_on is not None and ends_on < item.starts_on:
        raise ValidationError({"ends_on": "The end date must be on or after the start date"})
    before = item.ends_on
    item.ends_on = ends_on
    item.full_clean()
    item.save(update_fields=["ends_on", "updated_at"])
    _entry(
        case=item.case, kind=EntryKind.SUPPORT, actor=changed_by, on=ends_on or timezone.localdate(), support_item=item,
        text=f"End date of {item.provider} set to {ends_on:%d %B %Y}." if ends_on else f"End date of {item.provider} cleared.",
    )  # fmt: skip
    audit_record(
        actor=changed_by, action="channel.support_item_changed", obj=item.case, request=request,
        changes={"support_item": item.pk, "ends_on": {"old": before.isoformat() if before else None, "new": ends_on.isoformat() if ends_on else None}},
    )  # fmt: skip
    return item


@transaction.atomic
def progress_note_add(*, item: SupportItem, text: str, on: date, author: Any, request: Any = None) -> CaseEntry:
    if not text.strip():
        raise ValidationError({"text": "Enter the progress note"})
    if on > timezone.localdate():
        raise ValidationError({"on": "The date must be today or in the past"})
    entry = _entry(case=item.case, kind=EntryKind.PROGRESS, actor=author, on=on, text=text.strip(), support_item=item)
    audit_record(
        actor=author, action="channel.progress_note_added", obj=item.case, changes={"entry": entry.pk}, request=request
    )
    return entry


# --- Exit and reviews --------------------------------------------------------------------------------------------


@transaction.atomic
def case_exit(*, case: Case, outcome: str, on: date, exited_by: Any, notes: str = "", request: Any = None) -> Case:
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


@transaction.atomic
def review_record(
    *, review: CaseReview, concerns_returned: bool, on: date, recorded_by: Any, notes: str = "", request: Any = None
) -> CaseReview:
    review = CaseReview.objects.select_for_update().get(pk=review.pk)
    if review.is_done:
        raise ValidationError("This review has already been recorded.")
    if on > timezone.localdate():
        raise ValidationError({"on": "The date must be today or in the past"})
    case = _locked(review.case)
    review.completed_on = on
    review.concerns_returned = concerns_returned
    review.notes = notes.strip()
    review.completed_by = recorded_by
    review.full_clean()
    review.save()
    remaining = case.reviews.filter(completed_on__isnull=True).exists()
    new_stage = Stage.REVIEWS if remaining else Stage.CLOSED
    fields = ["stage", "stage_changed_on"]
    _set_stage(case, new_stage, on)
    if not remaining:
        case.closed_on = on
        fields.append("closed_on")
    _save_case(case, fields)
    answer = "concerns have returned" if concerns_returned else "concerns have not returned"
    _entry(
        case=case, kind=EntryKind.REVIEW, actor=recorded_by, on=on, stage_after=new_stage,
        text=f"{review.get_kind_display()}: {answer}." + (f"\n{review.notes}" if review.notes else ""),
    )  # fmt: skip
    audit_record(
        actor=recorded_by, action="channel.review_recorded", obj=case, request=request,
        changes={"review": review.pk, "concerns_returned": concerns_returned},
    )  # fmt: skip
    return review


def review_reminders_send(*, today: date | None = None) -> int:
    """E-mails the panel's chairs and the case officer about reviews after exit that fall due within
    REMINDER_LEAD_DAYS (or are overdue) and have not been reminded. The e-mail holds no case content: only that a
    review is due, and a link. Returns the number of reviews reminded."""
    today = today or timezone.localdate()
    due = list(
        CaseReview.objects.filter(
            completed_on__isnull=True, reminded_on__isnull=True, due_on__lte=today + timedelta(days=REMINDER_LEAD_DAYS)
        )
        .select_related("case", "case__case_officer")
        .order_by("due_on", "id")
    )
    if not due:
        return 0
    panel_ids = {r.case.panel_id for r in due}
    chairs: dict[int, set[str]] = {}
    for panel_id, email in (
        Membership.objects.current(on=today)
        .filter(role=Role.PANEL_CHAIR, panel_id__in=panel_ids, user__is_active=True)
        .values_list("panel_id", "user__email")
    ):
        chairs.setdefault(panel_id, set()).add(email)
    messages = []
    for review in due:
        to = set(chairs.get(review.case.panel_id, set()))
        officer = review.case.case_officer
        if officer is not None and officer.is_active:
            to.add(officer.email)
        if not to:
            continue
        link = settings.SITE_URL.rstrip("/") + reverse("channel:case_detail", args=[review.case_id])
        body = (
            "A review after exit of a panel case is due"
            f" {'now' if review.due_on <= today else 'on ' + review.due_on.strftime('%d %B %Y')}.\n\n"
            f"Sign in to the Prevent Portal to record it:\n{link}\n"
        )
        messages.append(("Prevent Portal: a case review is due", body, settings.DEFAULT_FROM_EMAIL, sorted(to)))
    with transaction.atomic():
        send_mass_mail(messages, fail_silently=False)
        CaseReview.objects.filter(pk__in=[r.pk for r in due]).update(reminded_on=today)
        audit_record(
            actor=None, action="channel.review_reminders_sent", object_type="channel.casereview",
            detail=f"{len(messages)} reminders for {len(due)} reviews",
        )  # fmt: skip
    return len(due)


# --- Meetings ----------------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_schedule(
    *,
    panel: Panel,
    held_on: date,
    scheduled_by: Any,
    starts_at: time | None = None,
    location: str = "",
    months: int = 1,
    request: Any = None,
) -> list[Meeting]:
    """Schedules a meeting, and with months > 1 the same day of each following month."""
    if not 1 <= months <= 12:
        raise ValidationError({"months": "Schedule between 1 and 12 meetings at a time"})
    meetings = []
    for i in range(months):
        meeting = Meeting(panel=panel, held_on=add_months(held_on, i), starts_at=starts_at, location=location.strip())
        meeting.full_clean()
        meeting.save()
        meetings.append(meeting)
        audit_record(actor=scheduled_by, action="channel.meeting_scheduled", obj=meeting, request=request)
    return meetings


def agenda_reason(*, case: Case, on: date) -> str | None:
    """Why a case is due at a meeting on `on`, or None when it is not."""
    if case.stage not in OPEN_STAGES:
        return None
    if case.exit_proposed:
        return AgendaReason.EXIT_PROPOSED
    if case.stage in PRE_PANEL_STAGES:
        return AgendaReason.NEW
    if case.review_due_on is None or case.review_due_on <= on:
        return AgendaReason.REVIEW
    return None


def _refuse_if_signed_off(meeting: Meeting) -> None:
    if meeting.is_signed_off:
        raise ValidationError("The chair has signed off this meeting's minutes: they can no longer be changed.")


@transaction.atomic
def agenda_build(*, meeting: Meeting, cases: list[Case], built_by: Any, request: Any = None) -> list[AgendaItem]:
    """Adds the chosen cases to the agenda, each with the reason it is due; cases already on it are kept."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_signed_off(meeting)
    on_agenda = set(meeting.items.values_list("case_id", flat=True))
    next_order = (meeting.items.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    order_of = {AgendaReason.NEW: 0, AgendaReason.REVIEW: 1, AgendaReason.EXIT_PROPOSED: 2}
    added = []
    for case in sorted(
        cases,
        key=lambda c: (order_of[agenda_reason(case=c, on=meeting.held_on) or AgendaReason.REVIEW], c.opened_on, c.pk),
    ):
        if case.pk in on_agenda:
            continue
        if case.panel_id != meeting.panel_id:
            raise ValidationError("A case can go only on its own panel's agenda.")
        reason = agenda_reason(case=case, on=meeting.held_on)
        if reason is None:
            raise ValidationError(f"{case.reference} is not due at this meeting.")
        added.append(AgendaItem(meeting=meeting, case=case, reason=reason, order=next_order))
        next_order += 1
    AgendaItem.objects.bulk_create(added)
    audit_record(
        actor=built_by, action="channel.agenda_built", obj=meeting, request=request,
        changes={"cases_added": [i.case_id for i in added]},
    )  # fmt: skip
    return added


@transaction.atomic
def attendance_record(*, meeting: Meeting, statuses: Mapping[int, str], recorded_by: Any, request: Any = None) -> None:
    """statuses: user id -> present / apologies / absent, for the panel's members on the meeting's date."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_signed_off(meeting)
    agencies = dict(
        Membership.objects.current(on=meeting.held_on)
        .filter(panel_id=meeting.panel_id, role__in=[Role.PANEL_CHAIR, Role.PANEL_MEMBER])
        .values_list("user_id", "agency")
    )
    unknown = set(statuses) - set(agencies)
    if unknown:
        raise ValidationError("Attendance can be recorded only for the panel's members.")
    existing = {a.user_id: a for a in meeting.attendance.all()}
    for user_id, status in statuses.items():
        row = existing.get(user_id) or MeetingAttendance(meeting=meeting, user_id=user_id)
        row.agency = agencies[user_id]
        row.status = status
        row.full_clean(exclude=["meeting", "user"])
        row.save()
    audit_record(actor=recorded_by, action="channel.attendance_recorded", obj=meeting, request=request)


@transaction.atomic
def agenda_item_record(
    *,
    item: AgendaItem,
    minutes: str,
    decision: str,
    decision_notes: str,
    recorded_by: Any,
    request: Any = None,
) -> AgendaItem:
    """Minutes of one case and the panel's decision on it, reached by consensus. The decision acts on the case
    at once (adopt, close as not adopted, continue, propose exit); the chair signs the minutes off afterwards."""
    item = AgendaItem.objects.select_for_update(of=("self",)).select_related("meeting", "case").get(pk=item.pk)
    meeting = item.meeting
    _refuse_if_signed_off(meeting)
    if item.decision:
        raise ValidationError("The panel's decision on this case is already recorded. Add a case note to correct it.")
    if not decision:
        raise ValidationError({"decision": "Select the panel's decision"})
    if decision == Decision.NOT_ADOPT and not decision_notes.strip():
        raise ValidationError({"decision_notes": "Enter the reason the case was not adopted"})
    case = item.case
    on = meeting.held_on
    if (
        decision in (Decision.ADOPT, Decision.NOT_ADOPT, Decision.MORE_INFORMATION)
        and case.stage not in PRE_PANEL_STAGES
    ):
        raise ValidationError({"decision": "The panel has already decided whether to adopt this case"})
    if decision in (Decision.CONTINUE, Decision.EXIT) and case.stage not in ADOPTED_STAGES:
        raise ValidationError({"decision": "Only an adopted case can continue or exit"})
    item.minutes = minutes.strip()
    item.decision = decision
    item.decision_notes = decision_notes.strip()
    item.decided_by_consensus = True
    item.decision_recorded_by = recorded_by
    item.decision_recorded_at = timezone.now()
    item.full_clean()
    item.save()
    text = f"Panel decision at the meeting of {on:%d %B %Y}, by consensus: {item.get_decision_display()}."
    if item.decision_notes:
        text += f"\n{item.decision_notes}"
    _entry(case=case, kind=EntryKind.DECISION, actor=recorded_by, on=on, text=text)
    if decision == Decision.ADOPT:
        case_adopt(case=case, on=on, decided_by=recorded_by, request=request)
    elif decision == Decision.NOT_ADOPT:
        case_not_adopt(case=case, reason=item.decision_notes, on=on, decided_by=recorded_by, request=request)
    else:
        locked = _locked(case)
        fields: list[str] = ["review_due_on"]
        if decision == Decision.MORE_INFORMATION:
            _mark_discussed(locked, on, fields)
            if locked.stage != Stage.DISCUSSED:
                _set_stage(locked, Stage.DISCUSSED, on)
                fields += ["stage", "stage_changed_on"]
        if decision == Decision.EXIT:
            locked.exit_proposed = True
            fields.append("exit_proposed")
        locked.review_due_on = on + timedelta(days=REVIEW_INTERVAL_DAYS)
        _save_case(locked, fields)
    audit_record(
        actor=recorded_by, action="channel.decision_recorded", obj=meeting, request=request,
        changes={"case": case.pk, "decision": decision, "minutes": {"sensitive": True}},
    )  # fmt: skip
    return item


@transaction.atomic
def meeting_notes_save(
    *, meeting: Meeting, notes: str, saved_by: Any, notes_before: str | None = None, request: Any = None
) -> Meeting:
    """`notes_before` is the text the editor started from: if someone saved other minutes meanwhile, refuse."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_signed_off(meeting)
    if notes_before is not None and notes_before.strip() != meeting.notes.strip():
        raise ValidationError(STALE)
    meeting.notes = notes.strip()
    meeting.full_clean()
    meeting.save(update_fields=["notes", "updated_at"])
    audit_record(
        actor=saved_by,
        action="channel.minutes_saved",
        obj=meeting,
        changes={"notes": {"sensitive": True}},
        request=request,
    )
    return meeting


@transaction.atomic
def meeting_sign_off(*, meeting: Meeting, signed_off_by: Any, request: Any = None) -> Meeting:
    """The chair's sign-off of the minutes and decisions: only a current chair of the panel may give it."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_signed_off(meeting)
    is_chair = (
        Membership.objects.current()
        .filter(user=signed_off_by, role=Role.PANEL_CHAIR, panel_id=meeting.panel_id)
        .exists()
    )
    if not is_chair:
        raise ValidationError("Only the panel's chair can sign off the minutes.")
    if meeting.held_on > timezone.localdate():
        raise ValidationError("A meeting can be signed off only on or after the day it is held.")
    if meeting.items.filter(decision="").exists():
        raise ValidationError("Record the panel's decision on every case on the agenda before signing off.")
    meeting.signed_off_by = signed_off_by
    meeting.signed_off_at = timezone.now()
    meeting.full_clean()
    meeting.save(update_fields=["signed_off_by", "signed_off_at", "updated_at"])
    audit_record(actor=signed_off_by, action="channel.meeting_signed_off", obj=meeting, request=request)
    return meeting


# --- Actions -----------------------------------------------------------------------------------------------------


@transaction.atomic
def action_add(
    *,
    meeting: Meeting,
    description: str,
    owner: Any,
    due_on: date,
    added_by: Any,
    case: Case | None = None,
    request: Any = None,
) -> Action:
    is_member = (
        Membership.objects.current()
        .filter(user=owner, panel_id=meeting.panel_id, role__in=[Role.PANEL_CHAIR, Role.PANEL_MEMBER])
        .exists()
    )
    if not is_member:
        raise ValidationError({"owner": "The owner must sit on the panel"})
    if case is not None and case.panel_id != meeting.panel_id:
        raise ValidationError({"case": "Choose a case of this panel"})
    action = Action(
        meeting=meeting, case=case, description=description.strip(), owner=owner, due_on=due_on, created_by=added_by
    )
    action.full_clean()
    action.save()
    if case is not None:
        _entry(
            case=case,
            kind=EntryKind.ACTION,
            actor=added_by,
            on=meeting.held_on,
            text=f"Action for {owner}, due {due_on:%d %B %Y}: {action.description}",
        )
    audit_record(
        actor=added_by,
        action="channel.action_added",
        obj=action,
        changes={"owner": owner.pk, "due_on": due_on.isoformat()},
        request=request,
    )
    return action


@transaction.atomic
def action_complete(*, action: Action, done_by: Any, on: date | None = None, request: Any = None) -> Action:
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.done_on is not None:
        return action
    action.done_on = on or timezone.localdate()
    action.full_clean()
    action.save(update_fields=["done_on", "updated_at"])
    if action.case_id:
        _entry(
            case=action.case,
            kind=EntryKind.ACTION,
            actor=done_by,
            on=action.done_on,
            text=f"Action done: {action.description}",
        )
    audit_record(actor=done_by, action="channel.action_done", obj=action, request=request)
    return action
