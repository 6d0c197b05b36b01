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

from ..models.cases import ADOPTED_STAGES, OPEN_STAGES, Case, ConsentGiver, ConsentRecord, ConsentStatus, EntryKind
from .case_rows import _entry, _locked, _save_case


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
        if status == ConsentStatus.WITHDRAWN and case.stage in ADOPTED_STAGES and not case.exit_proposed:
            # Support is voluntary: a withdrawal puts the exit in front of the panel.
            case.exit_proposed = True
            _save_case(case, ["exit_proposed"])
        audit_record(
            actor=recorded_by, action="channel.consent_recorded", obj=case, request=request,
            changes={"giver": giver, "status": status, "on": on.isoformat()},
        )  # fmt: skip
        return record

    return create_once(token=form_token, actor=recorded_by, model=ConsentRecord, create=create)
