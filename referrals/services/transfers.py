"""The referral that stands behind a case transferred in from another local authority: the person's minimum
identifiers and where the case came from, recorded as sent straight to a panel. Such a referral is left out of
the referral statistics (it was made, and is counted, in the sending area)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from channel.models.panels import Panel
from people.services import person_for_new_referral

from ..models import PANEL_DECISIONS, Decision, EventKind, Referral, Sector, Status
from .making import _next_reference
from .timeline import referral_event_add


@transaction.atomic
def referral_from_transfer_in(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    gender: str,
    from_council: str,
    panel: Panel,
    under_18: bool,
    actor: User,
) -> Referral:
    now = timezone.now()
    today = timezone.localdate(now)
    decision = Decision.PANEL_UNDER_18 if under_18 else Decision.PANEL_ADULT
    assert decision in PANEL_DECISIONS
    referral = Referral(
        status=Status.AT_PANEL, created_by=actor, submitted_at=now, submitted_on=today,
        reference=_next_reference(today), first_name=first_name, last_name=last_name, date_of_birth=date_of_birth,
        gender=gender, referrer_sector=Sector.LOCAL_AUTHORITY, referrer_organisation=from_council,
        referrer_name=actor.full_name or actor.email, referrer_email=actor.email, not_in_school=True,
        narrative=f"Case transferred in from {from_council}.", came_to_light="Transfer between local authorities.",
        decision=decision, decided_at=now, decided_by=actor, decision_panel=panel,
        decision_notes=f"Transferred in from {from_council}: the case continues at {panel}.",
    )  # fmt: skip
    referral.age_at_referral = referral.age_on(today)
    referral.age_at_decision = referral.age_at_referral
    referral.full_clean()
    referral.save()
    person_for_new_referral(referral=referral)
    referral_event_add(
        referral=referral, kind=EventKind.SUBMITTED, actor=actor, text=f"Case transferred in from {from_council}"
    )
    return referral
