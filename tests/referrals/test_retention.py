"""Referrals under the retention schedule: one closed without a case is anonymised six years after its decision,
keeping its statistics; an abandoned draft is deleted after 90 days with its timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.models import AuditEvent
from core.retention import retention_apply, retention_preview, years_before
from referrals.models import Decision, Referral, ReferralEvent, ScreeningAnswer, Status
from referrals.retention import age_band_representative
from referrals.selectors import AGE_BAND_CASE, referral_statistics
from tests.support.clock import TODAY, frozen

from .factories import DraftReferralFactory, ReferralFactory, ScreeningQuestionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def _decided(*, on, age: int = 15, **kw) -> Referral:
    with frozen(on):
        referral = ReferralFactory(
            status=Status.DECIDED, decision=Decision.SIGNPOSTED, decided_at=None, age_at_referral=age,
            decision_notes="Signposted to the youth service for Sam.", referrer_phone="0100 000 0001", **kw,
        )  # fmt: skip
        Referral.objects.filter(pk=referral.pk).update(decided_at=referral.submitted_at)
        ReferralEvent.objects.create(referral=referral, kind="note", actor=referral.created_by, text="Sam at home.")
        question = ScreeningQuestionFactory()
        ScreeningAnswer.objects.create(
            referral=referral, question=question, question_text=question.label, answer="yes",
            comment="Sam said so.", answered_by=referral.created_by,
        )  # fmt: skip
    return Referral.objects.get(pk=referral.pk)


def test_a_referral_closed_without_a_case_six_years_ago_is_anonymised_and_its_figures_kept():
    old = _decided(on=years_before(TODAY, 6) - timedelta(days=1), age=16)
    recent = _decided(on=years_before(TODAY, 6) + timedelta(days=1))
    start, end = old.submitted_on - timedelta(days=400), TODAY
    figures = referral_statistics(start=start, end=end)
    assert {r.key: r.count for r in retention_preview()}["referrals"] == 1

    assert {r.key: r.count for r in retention_apply()}["referrals"] == 1

    old.refresh_from_db()
    assert (old.first_name, old.last_name, old.date_of_birth, old.referrer_name, old.referrer_email) == ("",) * 2 + (
        None, "", "",
    )  # fmt: skip
    assert (old.narrative, old.decision_notes, old.referrer_phone, old.referrer_organisation) == ("", "", "", "")
    assert old.age_at_referral == 16 and old.decision == Decision.SIGNPOSTED and old.gender == "male"
    assert set(old.events.values_list("text", flat=True)) == {""}
    assert set(old.screening_answers.values_list("answer", "comment")) == {("yes", "")}
    assert Referral.objects.get(pk=recent.pk).last_name.startswith("Testperson")
    assert referral_statistics(start=start, end=end) == figures
    event = AuditEvent.objects.get(action="retention.anonymised")
    assert (event.object_type, event.object_id) == ("referrals.referral", str(old.pk))
    assert "Sam" not in event.detail and "referrals" in event.detail


def test_an_abandoned_draft_is_deleted_after_ninety_days_with_its_timeline():
    with frozen(TODAY - timedelta(days=91)):
        abandoned = DraftReferralFactory()
        ReferralEvent.objects.create(referral=abandoned, kind="created", actor=abandoned.created_by)
    with frozen(TODAY - timedelta(days=89)):
        in_progress = DraftReferralFactory()
    assert {r.key: r.count for r in retention_preview()}["drafts"] == 1

    assert {r.key: r.count for r in retention_apply()}["drafts"] == 1

    assert not Referral.objects.filter(pk=abandoned.pk).exists()
    assert not ReferralEvent.objects.filter(referral_id=abandoned.pk).exists()
    assert Referral.objects.filter(pk=in_progress.pk).exists()
    event = AuditEvent.objects.get(action="retention.deleted")
    assert (event.object_type, event.object_id) == ("referrals.referral", str(abandoned.pk))


@pytest.mark.parametrize("age", [None, 0, 9, 10, 11, 15, 16, 17, 18, 20, 21, 30, 31, 40, 41, 90])
def test_the_age_kept_after_anonymising_falls_in_the_same_age_band(age):
    referral = ReferralFactory(age_at_referral=age)
    kept = ReferralFactory(age_at_referral=age_band_representative(age))
    bands = dict(
        Referral.objects.filter(pk__in=[referral.pk, kept.pk]).annotate(band=AGE_BAND_CASE).values_list("pk", "band")
    )
    assert bands[referral.pk] == bands[kept.pk]


def test_an_anonymised_referral_takes_no_note(coordinator, client_for):
    from django.urls import reverse

    old = _decided(on=years_before(TODAY, 7))
    retention_apply()
    client = client_for(coordinator)
    assert client.get(reverse("referrals:note_add", args=[old.pk])).status_code == 403
    page = client.get(reverse("referrals:detail", args=[old.pk]))
    assert page.status_code == 200 and "Testperson" not in page.content.decode()
