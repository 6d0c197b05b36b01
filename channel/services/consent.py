"""The consent of the person (and of a parent or carer for under 18s) that voluntary support needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from core.audit import audit_record
from core.idempotency import create_once

from ..models.cases import (
    ADOPTED_STAGES,
    OPEN_STAGES,
    CapacityAssessment,
    CapacityOutcome,
    Case,
    ConsentGiver,
    ConsentRecord,
    ConsentStatus,
    EntryKind,
    Stage,
)
from .case_rows import _entry, _locked, _save_case, _set_stage, support_items_end_all


@dataclass(frozen=True)
class ConsentState:
    """Whose consent support needs on `on`, and what is in force: a parent's or carer's while the person is under
    18; from their 18th birthday, their own, given on or after it (or, for an adult assessed as lacking capacity
    to consent, the best-interests decision recorded with that assessment)."""

    on: date
    person: ConsentRecord | None
    parent: ConsentRecord | None
    turns_18_on: date | None
    capacity: CapacityAssessment | None = None

    @property
    def is_adult(self) -> bool:
        # An unknown age is taken as an adult's: the person's own consent is always asked for.
        return self.turns_18_on is None or self.on >= self.turns_18_on

    @property
    def parent_needed(self) -> bool:
        return not self.is_adult

    @property
    def lacks_capacity(self) -> bool:
        return self.is_adult and self.capacity is not None and self.capacity.lacks_capacity

    @property
    def allows_support(self) -> bool:
        return not self.reasons_against_support

    @property
    def needs_adult_consent(self) -> bool:
        """Turned 18 with only consent given as a child on record: their own consent is needed now."""
        return (
            self.is_adult
            and self.turns_18_on is not None
            and not self.lacks_capacity
            and self.person is not None
            and self.person.status == ConsentStatus.GIVEN
            and self.person.on < self.turns_18_on
        )

    @property
    def reasons_against_support(self) -> list[str]:
        reasons: list[str] = []
        if self.lacks_capacity:
            pass  # the best-interests decision stands in for the person's consent
        elif self.person is None:
            reasons.append("The person's informed consent has not been recorded.")
        elif self.person.status != ConsentStatus.GIVEN:
            reasons.append(
                f"The person's consent was {self.person.get_status_display().lower()} on {self.person.on:%d %B %Y}."
            )
        elif self.needs_adult_consent and self.turns_18_on is not None:
            reasons.append(
                f"The person turned 18 on {self.turns_18_on:%d %B %Y}: their own consent, as an adult, is needed "
                "before support continues."
            )
        if self.parent_needed:
            if self.parent is None:
                reasons.append(
                    "The person is under 18: a parent's or carer's consent is needed and has not been recorded."
                )
            elif self.parent.status != ConsentStatus.GIVEN:
                reasons.append(
                    f"The parent's or carer's consent was {self.parent.get_status_display().lower()} on {self.parent.on:%d %B %Y}."
                )
        return reasons


def consent_state(
    *,
    case: Case,
    on: date | None = None,
    records: list[ConsentRecord] | None = None,
    capacity: list[CapacityAssessment] | None = None,
) -> ConsentState:
    """The consent in force on `on` (today when not given, read at the call): the latest record of each giver
    made on or before that day, and the latest capacity assessment."""
    day = on or timezone.localdate()
    rows = records if records is not None else list(case.consents.all())
    latest: dict[str, ConsentRecord] = {}
    for row in sorted(rows, key=lambda r: (r.on, r.pk or 0)):
        if row.on <= day:
            latest[row.giver] = row
    assessments = capacity if capacity is not None else list(case.capacity_assessments.all())
    in_force = [a for a in sorted(assessments, key=lambda a: (a.assessed_on, a.pk or 0)) if a.assessed_on <= day]
    return ConsentState(
        on=day,
        person=latest.get(ConsentGiver.PERSON),
        parent=latest.get(ConsentGiver.PARENT),
        turns_18_on=case.eighteenth_birthday(),
        capacity=in_force[-1] if in_force else None,
    )


@transaction.atomic
def consent_record(
    *,
    case: Case,
    giver: str,
    status: str,
    on: date,
    recorded_by: User,
    given_by_name: str = "",
    notes: str = "",
    form_token: str | None = None,
    request: HttpRequest | None = None,
) -> ConsentRecord:
    case = _locked(case)
    if case.stage not in OPEN_STAGES:
        raise ValidationError("Consent can be recorded only while the case is open.")
    if on > timezone.localdate():
        raise ValidationError({"on": "The date must be today or in the past"})
    if giver == ConsentGiver.PARENT and not given_by_name.strip():
        raise ValidationError({"given_by_name": "Enter the name of the parent or carer"})

    def create() -> ConsentRecord:
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
        # A parent's or carer's withdrawal counts while their consent is the one needed (under 18).
        counts = giver == ConsentGiver.PERSON or consent_state(case=case, on=on).parent_needed
        if status == ConsentStatus.WITHDRAWN and case.stage in ADOPTED_STAGES and counts:
            _support_stop_on_withdrawal(case=case, on=on, actor=recorded_by)
        audit_record(
            actor=recorded_by, action="channel.consent_recorded", obj=case, request=request,
            changes={"giver": giver, "status": status, "on": on.isoformat()},
        )  # fmt: skip
        return record

    return create_once(token=form_token, actor=recorded_by, model=ConsentRecord, create=create)


def _support_stop_on_withdrawal(*, case: Case, on: date, actor: User) -> None:
    """Support is voluntary: a withdrawal ends every support item that day with the reason, takes the case back
    from support to adopted (support does not go on without consent), flags it and puts it on the next agenda
    as "consent withdrawn" for the panel's exit or exception decision."""
    ended = support_items_end_all(case=case, on=on, reason="Consent withdrawn")
    fields = ["consent_withdrawn_on", "exit_proposed"]
    case.consent_withdrawn_on = on
    case.exit_proposed = True
    if case.stage == Stage.SUPPORT:
        _set_stage(case, Stage.ADOPTED, on)
        fields += ["stage", "stage_changed_on"]
    _save_case(case, fields)
    _entry(
        case=case, kind=EntryKind.STAGE, actor=actor, on=on, stage_after=case.stage,
        text=f"Consent withdrawn: support stopped ({ended} support item(s) ended). The panel decides on exit or an exception.",
    )  # fmt: skip


@transaction.atomic
def capacity_record(
    *,
    case: Case,
    assessed_on: date,
    assessor: str,
    outcome: str,
    recorded_by: User,
    best_interests_decision: str = "",
    notes: str = "",
    form_token: str | None = None,
    request: HttpRequest | None = None,
) -> CapacityAssessment:
    """An adult's capacity to consent: assessed when and by whom, the outcome, and where capacity is lacking the
    best-interests decision taken instead of their consent."""
    case = _locked(case)
    if case.stage not in OPEN_STAGES:
        raise ValidationError("Capacity can be recorded only while the case is open.")
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": "The date must be today or in the past"})
    birthday = case.eighteenth_birthday()
    if birthday is not None and assessed_on < birthday:
        raise ValidationError(
            {"assessed_on": f"Capacity to consent is recorded for adults: the person turns 18 on {birthday:%d %B %Y}"}
        )
    if not assessor.strip():
        raise ValidationError({"assessor": "Enter who assessed capacity"})
    if outcome == CapacityOutcome.LACKS_CAPACITY and not best_interests_decision.strip():
        raise ValidationError({"best_interests_decision": "Enter the best-interests decision"})

    def create() -> CapacityAssessment:
        row = CapacityAssessment(
            case=case, assessed_on=assessed_on, assessor=assessor.strip(), outcome=outcome,
            best_interests_decision=best_interests_decision.strip(), notes=notes.strip(), recorded_by=recorded_by,
        )  # fmt: skip
        row.full_clean()
        row.save()
        text = f"Capacity to consent assessed by {row.assessor}: {row.get_outcome_display().lower()}."
        if row.best_interests_decision:
            text += f"\nBest-interests decision: {row.best_interests_decision}"
        _entry(case=case, kind=EntryKind.CAPACITY, actor=recorded_by, on=assessed_on, text=text)
        audit_record(
            actor=recorded_by, action="channel.capacity_recorded", obj=case, request=request,
            changes={"outcome": outcome, "assessed_on": assessed_on.isoformat()},
        )  # fmt: skip
        return row

    return create_once(token=form_token, actor=recorded_by, model=CapacityAssessment, create=create)
