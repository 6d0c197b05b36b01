"""Who may open the people pages: proposed matches and family links read every referral's identifiers, so they
are for coordinators only; everyone else gets a 404, as if the page did not exist."""

from __future__ import annotations

from tests.support.access import COORDINATOR, Row


def build(w) -> None:
    from people.services import person_for_new_referral
    from tests.referrals.factories import ReferralFactory

    w.person_referral = ReferralFactory(school=w.school)
    person_for_new_referral(referral=w.person_referral)


def _referral(w):
    return {"pk": w.person_referral.pk}


ROWS = {
    "people:matches": Row(ok={COORDINATOR}, kwargs=_referral),
    "people:link_add": Row(ok={COORDINATOR}, kwargs=_referral),
}
