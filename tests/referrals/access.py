"""Who may open each referral page (PRODUCT.md: make a referral; referral status and outcome; screening answers,
notes and decision). The world holds an open referral from the DSL's school, assigned to the practitioner's team,
one from the other school, and a draft of the DSL's."""

from __future__ import annotations

from tests.core.attachments import attachment_on
from tests.support.access import ADVISER, CHAIR, COORDINATOR, CSC, DSL, MEMBER, Row

MAKERS = {COORDINATOR, ADVISER, DSL, CSC}
VIEWERS = {COORDINATOR, ADVISER, DSL, CSC, CHAIR, MEMBER}


def _referral(w):
    return {"pk": w.referral.pk}


ROWS = {
    "referrals:list": Row(ok=VIEWERS),
    "referrals:export": Row(ok=VIEWERS),
    "referrals:start": Row(ok=MAKERS),
    "referrals:detail": Row(ok={COORDINATOR, DSL, CSC}, kwargs=_referral),
    "referrals:step": Row(ok={DSL}, kwargs=lambda w: {"pk": w.draft.pk, "step": "person"}),
    "referrals:check": Row(ok={DSL}, kwargs=lambda w: {"pk": w.draft.pk}),
    "referrals:confirmation": Row(ok={DSL}, kwargs=_referral),
    "referrals:assign": Row(ok={COORDINATOR, CSC}, read_only={DSL}, kwargs=_referral),
    "referrals:screening": Row(ok={COORDINATOR, CSC}, read_only={DSL}, kwargs=_referral),
    "referrals:note_add": Row(ok={COORDINATOR, CSC}, read_only={DSL}, kwargs=_referral),
    "referrals:decide": Row(ok={COORDINATOR, CSC}, read_only={DSL}, kwargs=_referral),
    "referrals:attachment_add": Row(ok={COORDINATOR, CSC}, read_only={DSL}, kwargs=_referral),
    # Only those who may read the referral's content: the DSL who sees its status gets a 404, as for others.
    "referrals:attachment_download": Row(
        ok={COORDINATOR, CSC}, kwargs=lambda w: {"pk": w.referral.pk, "attachment_pk": w.referral_attachment.pk}
    ),
    "referrals:decision_confirm": Row(ok={COORDINATOR}, read_only={DSL, CSC}, kwargs=lambda w: {"pk": w.proposed.pk}),
    "referrals:settings": Row(ok={COORDINATOR}),
    "referrals:list_item_add": Row(ok={COORDINATOR}, kwargs=lambda w: {"kind": "concern-types"}),
    "referrals:list_item_edit": Row(ok={COORDINATOR}, kwargs=lambda w: {"kind": "indicators", "pk": w.indicator.pk}),
}


def build(w) -> None:
    from referrals.models import Decision, Indicator, Status
    from tests.referrals.factories import DraftReferralFactory, ReferralFactory

    w.referral = ReferralFactory(school=w.school, created_by=w.users[DSL], assigned_team=w.team)
    w.other_referral = ReferralFactory(school=w.other_school, created_by=w.users[COORDINATOR])
    w.draft = DraftReferralFactory(school=w.school, created_by=w.users[DSL])
    # A decision awaiting a second coordinator's confirmation, proposed by the practitioner.
    w.proposed = ReferralFactory(
        school=w.school, created_by=w.users[DSL], assigned_team=w.team, status=Status.AWAITING_CONFIRMATION,
        proposed_decision=Decision.NO_FURTHER_ACTION, proposed_by=w.users[CSC], decision_notes="Rationale.",
    )  # fmt: skip
    w.indicator = Indicator.objects.order_by("pk").first()
    w.referral_attachment = attachment_on(w.referral, uploaded_by=w.users[COORDINATOR])
