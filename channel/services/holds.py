"""Legal holds: a coordinator stops the retention schedule anonymising a case (litigation, an inquiry, a complaint)
until a day they give, or until they lift it. channel/retention.py skips a case with a hold in force."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from core.audit import audit_record
from core.idempotency import create_once

from ..models.cases import Case, LegalHold


@transaction.atomic
def legal_hold_place(
    *,
    case: Case,
    placed_by: User,
    reason: str,
    until: date,
    form_token: str | None = None,
    request: HttpRequest | None = None,
) -> LegalHold:
    if until < timezone.localdate():
        raise ValidationError({"until": "The hold must last until today or later"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the case is held"})
    # Read under a lock: the nightly anonymising locks the case the same way, so the two never cross.
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.anonymised_at is not None:
        raise ValidationError("This case has been anonymised already: there is nothing left to hold.")

    def create() -> LegalHold:
        hold = LegalHold(case=locked, reason=reason.strip(), until=until, placed_by=placed_by)
        hold.full_clean()
        hold.save()
        audit_record(
            actor=placed_by, action="channel.legal_hold_placed", obj=locked, request=request,
            changes={"hold": hold.pk, "until": until.isoformat()},
        )  # fmt: skip
        return hold

    return create_once(token=form_token, actor=placed_by, model=LegalHold, create=create)


@transaction.atomic
def legal_hold_lift(*, hold: LegalHold, lifted_by: User, request: HttpRequest | None = None) -> LegalHold:
    """Ends a hold now; the row stays, with who lifted it and when. Lifting a lifted hold changes nothing."""
    lifted = LegalHold.objects.filter(pk=hold.pk, lifted_at__isnull=True).update(
        lifted_at=timezone.now(), lifted_by=lifted_by
    )
    if lifted:
        audit_record(
            actor=lifted_by, action="channel.legal_hold_lifted", object_type="channel.case", object_id=hold.case_id,
            request=request, changes={"hold": hold.pk},
        )  # fmt: skip
    hold.refresh_from_db()
    return hold
