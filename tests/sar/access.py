"""Who may open the subject access pages: the bundle holds everything about one person and other people's names,
so they are for coordinators only; everyone else gets a 404, as if the page did not exist."""

from __future__ import annotations

from tests.support.access import COORDINATOR, Row


def build(w) -> None:
    from people.services import person_for_new_referral
    from sar.models import SarState, SubjectAccessRequest
    from tests.referrals.factories import ReferralFactory
    from tests.sar.factories import stored_bundle

    w.sar_referral = ReferralFactory(school=w.school)
    person = person_for_new_referral(referral=w.sar_referral)
    w.sar = SubjectAccessRequest.objects.create(
        person=person, requested_by=w.users[COORDINATOR], state=SarState.DONE, file_name=stored_bundle()
    )


ROWS = {
    "sar:list": Row(ok={COORDINATOR}),
    "sar:start": Row(ok={COORDINATOR}, kwargs=lambda w: {"pk": w.sar_referral.pk}),
    "sar:detail": Row(ok={COORDINATOR}, kwargs=lambda w: {"pk": w.sar.pk}),
    "sar:download": Row(ok={COORDINATOR}, kwargs=lambda w: {"pk": w.sar.pk}),
    "sar:release": Row(ok={COORDINATOR}, ok_status=405, kwargs=lambda w: {"pk": w.sar.pk}),
}
