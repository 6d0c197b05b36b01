"""The referral's timeline: one dated, attributed event for every step, written with the change."""

from __future__ import annotations

from accounts.models import User

from ..models import Referral, ReferralEvent


def referral_event_add(
    *, referral: Referral, kind: str, actor: User, text: str = "", amends: ReferralEvent | None = None
) -> ReferralEvent:
    event = ReferralEvent(
        referral=referral, kind=kind, actor=actor, text=text, status_after=referral.status, amends=amends
    )
    event.full_clean()
    event.save()
    return event
