"""The rules that protect the person on a panel case, each called on its service: decisions and sign-off only
for meetings held; consent decided on the day it is needed (crossing 18 with the clock moved by time-machine);
capacity to consent; withdrawal stopping support; support delivered or flagged; every stage rule refused."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from channel.models.cases import OPEN_STAGES, CapacityOutcome, Stage, SupportKind
from channel.models.meetings import AgendaReason, Decision
from channel.selectors import case_flags_for, flagged_cases_of_panels, support_items_without_contact
from channel.services.assessments import assessment_record
from channel.services.cases import case_adopt, case_exit, case_not_adopt, case_stage_change
from channel.services.consent import capacity_record, consent_record, consent_state
from channel.services.meetings import agenda_item_record, agenda_reason, meeting_sign_off
from channel.services.reviews import review_record
from channel.services.support import (
    case_support_start,
    progress_note_add,
    support_contact_record,
    support_item_add,
)
from referrals.models import Referral
from tests.channel.factories import CaseFactory, MeetingFactory, adopted
from tests.support.clock import TODAY, frozen

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def _supported(case, actor, *, on=TODAY):
    consent_record(case=case, giver="person", status="given", on=on, recorded_by=actor)
    if consent_state(case=case, on=on).parent_needed:
        consent_record(case=case, giver="parent", status="given", on=on, recorded_by=actor, given_by_name="Jo Carer")
    case = case_support_start(case=case, on=on, started_by=actor)
    item = support_item_add(
        case=case, kind=SupportKind.INTERVENTION_PROVIDER, provider="Mentor", description="Weekly mentoring",
        starts_on=on, ends_on=None, added_by=actor, planned_frequency="weekly",
    )  # fmt: skip
    return case, item


# --- Meetings ---------------------------------------------------------------------------------------------------


def test_a_decision_for_a_future_meeting_is_refused_by_the_service(panel, panel_chair):
    tomorrow = MeetingFactory(panel=panel, held_on=TODAY + timedelta(days=1))
    case = CaseFactory(panel=panel)
    item = tomorrow.items.create(case=case, reason=AgendaReason.NEW)
    with pytest.raises(ValidationError, match="held on or before today"):
        agenda_item_record(item=item, minutes="", decision=Decision.ADOPT, decision_notes="", recorded_by=panel_chair)
    case.refresh_from_db()
    assert case.stage == Stage.INFORMATION_GATHERING and case.adopted_on is None
    # On the day itself it is allowed (the day is read when the service is called)
    with frozen(TODAY + timedelta(days=1)):
        agenda_item_record(item=item, minutes="", decision=Decision.ADOPT, decision_notes="", recorded_by=panel_chair)
    case.refresh_from_db()
    assert case.stage == Stage.ADOPTED and case.adopted_on == TODAY + timedelta(days=1)


def test_the_page_offers_no_decision_or_sign_off_for_a_future_meeting(client_for, panel, panel_chair):
    future = MeetingFactory(panel=panel, held_on=TODAY + timedelta(days=9))
    item = future.items.create(case=CaseFactory(panel=panel), reason=AgendaReason.NEW)
    client = client_for(panel_chair)
    body = client.get(reverse("channel:meeting_detail", args=[future.pk])).content.decode()
    assert "Record minutes and decision" not in body and "Sign off the minutes" not in body
    assert "To decide at the meeting" in body
    assert client.get(reverse("channel:agenda_item_record", args=[future.pk, item.pk])).status_code == 403
    assert client.get(reverse("channel:meeting_sign_off", args=[future.pk])).status_code == 403


def test_sign_off_is_refused_for_a_future_meeting(panel, panel_chair):
    future = MeetingFactory(panel=panel, held_on=TODAY + timedelta(days=9))
    with pytest.raises(ValidationError, match="held on or before today"):
        meeting_sign_off(meeting=future, signed_off_by=panel_chair)


def test_a_coordinator_signs_off_for_an_absent_chair_with_a_reason(panel, coordinator, panel_member):
    held = MeetingFactory(panel=panel, held_on=TODAY - timedelta(days=2))
    with pytest.raises(ValidationError):
        meeting_sign_off(meeting=held, signed_off_by=panel_member)
    with pytest.raises(ValidationError, match="why you are signing off"):
        meeting_sign_off(meeting=held, signed_off_by=coordinator, for_chair_reason=" ")
    meeting_sign_off(meeting=held, signed_off_by=coordinator, for_chair_reason="The chair is on leave until March.")
    held.refresh_from_db()
    assert held.signed_off_by == coordinator and held.signed_off_for_chair_reason.startswith("The chair is on leave")


# --- Stage rules, each in its service ------------------------------------------------------------------------------


@pytest.fixture
def closed_case(panel, panel_chair):
    return case_not_adopt(case=CaseFactory(panel=panel), reason="Early help instead", on=TODAY, decided_by=panel_chair)


STAGE_RULES = {
    "assessment on a closed case": lambda c, u: assessment_record(case=c, assessed_on=TODAY, assessed_by=u, ratings={}),
    "consent on a closed case": lambda c, u: consent_record(
        case=c, giver="person", status="given", on=TODAY, recorded_by=u
    ),
    "capacity on a closed case": lambda c, u: capacity_record(
        case=c, assessed_on=TODAY, assessor="Dr A", outcome="has_capacity", recorded_by=u
    ),
    "adopt a closed case": lambda c, u: case_adopt(case=c, on=TODAY, decided_by=u),
    "not adopt a closed case": lambda c, u: case_not_adopt(case=c, reason="x", on=TODAY, decided_by=u),
    "move a closed case": lambda c, u: case_stage_change(case=c, stage=Stage.DISCUSSED, on=TODAY, changed_by=u),
    "start support on a closed case": lambda c, u: case_support_start(case=c, on=TODAY, started_by=u),
    "plan support on a closed case": lambda c, u: support_item_add(
        case=c, kind="mainstream", provider="x", description="", starts_on=TODAY, ends_on=None, added_by=u
    ),
    "exit a closed case": lambda c, u: case_exit(case=c, outcome="concerns_reduced", on=TODAY, exited_by=u),
}


@pytest.mark.parametrize("rule", list(STAGE_RULES))
def test_each_stage_rule_is_kept_by_its_service(closed_case, panel_chair, rule):
    with pytest.raises(ValidationError):
        STAGE_RULES[rule](closed_case, panel_chair)
    closed_case.refresh_from_db()
    assert closed_case.stage == Stage.NOT_ADOPTED


def test_progress_and_contacts_need_a_case_in_support(panel, panel_chair):
    case, item = _supported(adopted(CaseFactory(panel=panel)), panel_chair)
    case_exit(case=case, outcome="concerns_reduced", on=TODAY, exited_by=panel_chair)
    with pytest.raises(ValidationError):
        progress_note_add(item=item, text="x", on=TODAY, author=panel_chair)
    with pytest.raises(ValidationError, match="in support"):
        support_contact_record(item=item, on=TODAY, made_by="Mentor", note="", recorded_by=panel_chair)


def test_a_review_needs_an_exited_case(panel, panel_chair):
    case = adopted(CaseFactory(panel=panel))
    case_exit(case=case, outcome="concerns_reduced", on=TODAY, exited_by=panel_chair)
    review = case.reviews.order_by("due_on").first()
    type(case).objects.filter(pk=case.pk).update(stage=Stage.SUPPORT)  # a case put back by hand
    with pytest.raises(ValidationError, match="exited case"):
        review_record(review=review, concerns_returned=False, on=TODAY, recorded_by=panel_chair)


# --- Consent that follows the date --------------------------------------------------------------------------------


def _turns_18_on(day: date) -> date:
    return day.replace(year=day.year - 18)


def test_consent_for_a_case_crossing_18_follows_the_date(panel, panel_chair):
    birthday = TODAY + timedelta(days=10)
    case = adopted(CaseFactory(panel=panel, is_under_18=True, referral__date_of_birth=_turns_18_on(birthday)))
    state = consent_state(case=case)
    assert state.parent_needed and not state.allows_support  # 17 today: a parent's or carer's consent
    case, item = _supported(case, panel_chair)
    assert consent_state(case=case).allows_support
    flags = [f.key for f in case_flags_for(cases=[case])[case.pk]]
    assert flags == ["turns_18"]

    with frozen(birthday):
        state = consent_state(case=case)
        assert not state.parent_needed and state.needs_adult_consent and not state.allows_support
        assert any("turned 18" in r for r in state.reasons_against_support)
        assert [f.key for f in case_flags_for(cases=[case])[case.pk]] == ["adult_consent"]
        with pytest.raises(ValidationError, match="without consent"):
            support_contact_record(item=item, on=birthday, made_by="Mentor", note="", recorded_by=panel_chair)
        # Contacts before the birthday were covered by the consent then in force
        support_contact_record(
            item=item, on=birthday - timedelta(days=1), made_by="Mentor", note="", recorded_by=panel_chair
        )
        consent_record(case=case, giver="person", status="given", on=birthday, recorded_by=panel_chair)
        assert consent_state(case=case).allows_support
        support_contact_record(item=item, on=birthday, made_by="Mentor", note="", recorded_by=panel_chair)
        assert case_flags_for(cases=[case])[case.pk] == []


def test_a_case_opened_for_an_adult_needs_no_parent(panel, panel_chair):
    case = adopted(CaseFactory(panel=panel))
    consent_record(case=case, giver="person", status="given", on=TODAY, recorded_by=panel_chair)
    assert not consent_state(case=case).parent_needed and consent_state(case=case).allows_support


def test_an_adult_lacking_capacity_is_supported_on_a_best_interests_decision(panel, panel_chair):
    case = adopted(CaseFactory(panel=panel))
    with pytest.raises(ValidationError, match="best-interests"):
        capacity_record(
            case=case, assessed_on=TODAY, assessor="Dr Lee, psychiatrist", outcome=CapacityOutcome.LACKS_CAPACITY,
            recorded_by=panel_chair,
        )  # fmt: skip
    capacity_record(
        case=case, assessed_on=TODAY, assessor="Dr Lee, psychiatrist", outcome=CapacityOutcome.LACKS_CAPACITY,
        best_interests_decision="Mentoring agreed with the care team and family.", recorded_by=panel_chair,
    )  # fmt: skip
    state = consent_state(case=case)
    assert state.lacks_capacity and state.allows_support
    assert case_support_start(case=case, on=TODAY, started_by=panel_chair).stage == Stage.SUPPORT


def test_capacity_is_recorded_for_adults_only(panel, panel_chair):
    case = adopted(CaseFactory(panel=panel, is_under_18=True))
    with pytest.raises(ValidationError, match="adults"):
        capacity_record(case=case, assessed_on=TODAY, assessor="Dr A", outcome="has_capacity", recorded_by=panel_chair)


# --- Withdrawal stops support ----------------------------------------------------------------------------------


def test_withdrawal_during_support_stops_it_at_once(panel, panel_chair):
    case, item = _supported(adopted(CaseFactory(panel=panel)), panel_chair, on=TODAY - timedelta(days=20))
    consent_record(case=case, giver="person", status="withdrawn", on=TODAY, recorded_by=panel_chair)
    case.refresh_from_db()
    item.refresh_from_db()
    assert item.ends_on == TODAY and item.end_reason == "Consent withdrawn"
    assert case.stage == Stage.ADOPTED and case.consent_withdrawn_on == TODAY and case.exit_proposed
    assert agenda_reason(case=case, on=TODAY + timedelta(days=7)) == AgendaReason.CONSENT_WITHDRAWN
    assert "consent_withdrawn" in [f.key for f in case_flags_for(cases=[case])[case.pk]]
    with pytest.raises(ValidationError):
        support_contact_record(item=item, on=TODAY, made_by="Mentor", note="", recorded_by=panel_chair)
    with pytest.raises(ValidationError, match="withdrawn"):
        case_support_start(case=case, on=TODAY, started_by=panel_chair)
    with pytest.raises(ValidationError, match="withdrawn"):
        support_item_add(
            case=case, kind="mainstream", provider="x", description="", starts_on=TODAY, ends_on=None,
            added_by=panel_chair,
        )  # fmt: skip
    # The panel's exception decision needs its reasons, and clears the flag
    meeting = MeetingFactory(panel=panel, held_on=TODAY)
    agenda = meeting.items.create(case=case, reason=AgendaReason.CONSENT_WITHDRAWN)
    with pytest.raises(ValidationError, match="exception"):
        agenda_item_record(
            item=agenda, minutes="", decision=Decision.CONTINUE, decision_notes="", recorded_by=panel_chair
        )
    agenda_item_record(
        item=agenda, minutes="", decision=Decision.CONTINUE, recorded_by=panel_chair,
        decision_notes="Consent given again at a meeting with the family on the same day.",
    )  # fmt: skip
    case.refresh_from_db()
    assert case.consent_withdrawn_on is None and not case.exit_proposed


# --- Support delivered -----------------------------------------------------------------------------------------


def test_an_item_with_no_contact_for_30_days_is_flagged(client_for, panel, panel_chair):
    case, item = _supported(adopted(CaseFactory(panel=panel)), panel_chair, on=TODAY - timedelta(days=45))
    assert list(support_items_without_contact(case_ids=[case.pk])) == [item]
    support_contact_record(
        item=item, on=TODAY - timedelta(days=30), made_by="Sam Mentor", note="Session 1", recorded_by=panel_chair
    )
    assert list(support_items_without_contact(case_ids=[case.pk])) == [item]  # 30 days since
    assert [c.pk for c, _ in flagged_cases_of_panels(panel_ids=[panel.pk])] == [case.pk]
    client = client_for(panel_chair)
    assert "No contact for 30 days" in client.get(reverse("channel:case_detail", args=[case.pk])).content.decode()
    assert "No contact for 30 days" in client.get(reverse("core:home")).content.decode()
    support_contact_record(
        item=item, on=TODAY - timedelta(days=29), made_by="Sam Mentor", note="Session 2", recorded_by=panel_chair
    )
    assert list(support_items_without_contact(case_ids=[case.pk])) == []
    with pytest.raises(ValidationError, match="today or in the past"):
        support_contact_record(item=item, on=TODAY + timedelta(days=1), made_by="x", note="", recorded_by=panel_chair)


def test_the_agenda_flags_turning_18_and_missing_contact(client_for, panel, panel_chair):
    meeting = MeetingFactory(panel=panel, held_on=TODAY + timedelta(days=3))
    case = adopted(
        CaseFactory(panel=panel, is_under_18=True, referral__date_of_birth=_turns_18_on(TODAY + timedelta(days=20)))
    )
    meeting.items.create(case=case, reason=AgendaReason.REVIEW)
    body = client_for(panel_chair).get(reverse("channel:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Turns 18 within 30 days" in body


def test_the_meeting_papers_carry_the_flags(panel, panel_chair):
    import io

    from pypdf import PdfReader

    from channel.papers import meeting_papers_pdf

    meeting = MeetingFactory(panel=panel, held_on=TODAY + timedelta(days=3))
    case = adopted(
        CaseFactory(panel=panel, is_under_18=True, referral__date_of_birth=_turns_18_on(TODAY + timedelta(days=20)))
    )
    meeting.items.create(case=case, reason=AgendaReason.REVIEW)
    text = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(meeting_papers_pdf(meeting=meeting, user=panel_chair))).pages
    )
    assert "Turns 18 within 30 days" in " ".join(text.split())


def test_a_parents_withdrawal_after_the_18th_birthday_does_not_stop_the_adults_support(panel, panel_chair):
    case, item = _supported(adopted(CaseFactory(panel=panel)), panel_chair)
    consent_record(
        case=case, giver="parent", status="withdrawn", on=TODAY, recorded_by=panel_chair, given_by_name="Jo Carer"
    )
    case.refresh_from_db()
    item.refresh_from_db()
    assert case.stage == Stage.SUPPORT and case.consent_withdrawn_on is None and item.ends_on is None


def test_the_chairs_flagged_cases_are_every_open_case_with_a_flag_on_any_day(panel, panel_chair):
    """The home page works the flags out only for the cases that may carry one; on each day it lists exactly the
    cases that case_flags_for flags among all the panel's open cases."""
    soon = TODAY + timedelta(days=10)
    turning = adopted(CaseFactory(panel=panel, is_under_18=True, referral__date_of_birth=_turns_18_on(soon)))
    _supported(turning, panel_chair)  # their own consent given as a child: the adult consent flag from `soon`
    CaseFactory(  # a birthday known from the age given only: 17 a year before TODAY + 20 days
        panel=panel, referral__date_of_birth=None, referral__age_given=17,
        referral__submitted_on=TODAY + timedelta(days=20) - timedelta(days=365),
    )  # fmt: skip
    undated = CaseFactory(  # the age given on a referral with no day it was made: counted from its creation
        panel=panel, referral__date_of_birth=None, referral__age_given=17, referral__submitted_on=None
    )
    Referral.objects.filter(pk=undated.referral_id).update(
        created_at=timezone.make_aware(datetime.combine(TODAY + timedelta(days=25) - timedelta(days=365), time(12)))
    )
    withdrawn = adopted(CaseFactory(panel=panel))
    _supported(withdrawn, panel_chair, on=TODAY - timedelta(days=5))
    consent_record(case=withdrawn, giver="person", status="withdrawn", on=TODAY, recorded_by=panel_chair)
    _supported(adopted(CaseFactory(panel=panel)), panel_chair, on=TODAY - timedelta(days=45))  # no contact since
    CaseFactory(panel=panel)  # an adult with nothing to flag
    CaseFactory(panel=panel, is_under_18=True)  # a child far from 18
    for day in (TODAY, soon - timedelta(days=1), soon, TODAY + timedelta(days=19), TODAY + timedelta(days=40)):
        with frozen(day):
            every = list(
                panel.cases.filter(stage__in=OPEN_STAGES).select_related("referral").order_by("opened_on", "id")
            )
            flags = case_flags_for(cases=every)
            expected = [(c.pk, [f.text for f in flags[c.pk]]) for c in every if flags[c.pk]]
            shown = [(c.pk, [f.text for f in fs]) for c, fs in flagged_cases_of_panels(panel_ids=[panel.pk])]
            assert shown == expected and len(expected) >= 3, day
            if day == TODAY:
                assert undated.pk in [pk for pk, _ in shown]
