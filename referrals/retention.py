"""Referrals under the retention schedule (core/retention.py): what anonymising a referral removes, the rule for
referrals closed without a case and the rule for abandoned drafts. A referral that opened a case is anonymised
with its case (channel/retention.py), on the case's clock.

Anonymising keeps what the statistics count (dates, status, sector, type of concern, indicators and signposting
chosen, screening answers, gender, ethnicity, age band, decision and panel, school) and removes what identifies:
names, date of birth, the exact age (kept as its band), the area, the referrer's details and every free text,
including the timeline's notes. The reports' figures are the same before and after."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone

from core.attachments import attachments_delete
from core.retention import Cutoff, RetentionRule, anonymise

from .models import AGE_BAND_UPPER, Referral, ReferralEvent, ScreeningAnswer, Status


def age_band_representative(age: int | None) -> int | None:
    """An age in the same Home Office band as `age` (AGE_BAND_UPPER, the bands' one definition), the same for
    everyone in the band: its youngest age, or 10 for "10 or under". The band, and the routing's under-18 line,
    are kept; the exact age is not."""
    if age is None:
        return None
    youngest = 0
    for upper, _band in AGE_BAND_UPPER:
        if age <= upper:
            return youngest or upper
        youngest = upper + 1
    return youngest


def referral_anonymise(referral: Referral) -> None:
    """Removes what identifies the person, the referrer and the story from one referral and its own rows."""
    Referral.objects.filter(pk=referral.pk).update(
        first_name="",
        last_name="",
        date_of_birth=None,
        age_given=None,
        age_at_referral=age_band_representative(referral.age_at_referral),
        age_at_decision=age_band_representative(referral.age_at_decision),
        address_area="",
        referrer_organisation="",
        referrer_name="",
        referrer_role="",
        referrer_email="",
        referrer_phone="",
        narrative="",
        came_to_light="",
        vulnerability_details="",
        actions_details="",
        decision_notes="",
        anonymised_at=timezone.now(),
        version=F("version") + 1,  # an edit page opened before is refused
    )
    ScreeningAnswer.objects.filter(referral=referral).update(comment="")
    ReferralEvent.objects.filter(referral=referral).retention_redact(text="")


def _closed_without_case(cutoff: Cutoff) -> QuerySet[Referral]:
    return Referral.objects.filter(
        status=Status.DECIDED, case__isnull=True, decided_at__lt=cutoff.moment, anonymised_at__isnull=True
    )


def _abandoned_drafts(cutoff: Cutoff) -> QuerySet[Referral]:
    return Referral.objects.filter(status=Status.DRAFT, updated_at__lt=cutoff.moment)


def draft_delete(referral: Any) -> None:
    """An abandoned draft goes altogether (it was never sent, so no figure counts it): first whatever every app
    keeps about it (its anonymisers: the attachments app removes its files there), then its rows."""
    anonymise(referral)
    ReferralEvent.objects.filter(referral=referral).retention_delete()
    referral.delete()


RULES = (
    RetentionRule(
        key="referrals",
        label="Referrals closed without a case",
        period_field="referral_years",
        unit="years",
        starts="after the decision",
        outcome="anonymised",
        due=_closed_without_case,
        act=anonymise,
        order=20,
    ),
    RetentionRule(
        key="drafts",
        label="Abandoned draft referrals",
        period_field="draft_days",
        unit="days",
        starts="after the last change",
        outcome="deleted",
        due=_abandoned_drafts,
        act=draft_delete,
        order=30,
    ),
)


def referral_attachments_delete(referral: Referral) -> None:
    attachments_delete(on=[(Referral, [referral.pk])])
