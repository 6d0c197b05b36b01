"""A case's end under the retention schedule: a case that left the programme 7 years ago is anonymised by the
nightly task (every identifier gone, the statistics and a remade report's figures unchanged, one audit event), a
legal hold stops it, and the dry run counts exactly what the run then does."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.db import models

from channel.models.assessments import Assessment, AssessmentRating, VafFactor
from channel.models.cases import Case, CaseEntry, ConsentGiver, ConsentStatus, ExitOutcome, LegalHold, SupportKind
from channel.models.meetings import AgendaReason, Decision, Meeting
from channel.retention import names_redact
from channel.selectors import case_statistics
from channel.services.assessments import assessment_record
from channel.services.cases import case_adopt, case_exit, case_note_add, case_open_from_referral
from channel.services.consent import consent_record
from channel.services.holds import legal_hold_lift, legal_hold_place
from channel.services.meetings import agenda_item_record, meeting_notes_save
from channel.services.support import case_support_start, progress_note_add, support_item_add
from core.models import AuditEvent
from core.retention import REMOVED, retention_preview, retention_start, years_before
from core.tasks import retention_nightly_task
from referrals.models import Referral, ReferralEvent, Status
from referrals.selectors import referral_statistics
from reports.models import Classification, Report
from reports.tasks import report_render_task
from tests.reports.factories import ReportFactory
from tests.support.clock import TODAY, frozen

from .factories import ActionFactory, MeetingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

SURNAME = "Quenbyfold"  # invented, and found nowhere else, so a scan of every table proves it is gone
FIRST = "Robin"
EXITED_ON = years_before(TODAY, 7) - timedelta(days=20)
OPENED_ON = EXITED_ON - timedelta(days=300)
PERIOD = (date(OPENED_ON.year, 1, 1), date(OPENED_ON.year, 12, 31))


def _case_story(*, coordinator: Any, chair: Any, member: Any, panel: Any, surname: str = SURNAME) -> Case:
    """A case as people make one, through the services, ending in an exit on EXITED_ON."""
    from tests.referrals.factories import ReferralFactory

    with frozen(OPENED_ON):
        referral = ReferralFactory(
            status=Status.AT_PANEL, first_name=FIRST, last_name=surname, date_of_birth=date(OPENED_ON.year - 15, 3, 9),
            age_at_referral=15, age_given=None, address_area="Hollins Vale ward", referrer_name="Pat Ockenden",
            referrer_role="Head of Year 10", referrer_phone="0100 000 0000",
            narrative=f"{FIRST} {surname} shared a video in class.", came_to_light="A teacher heard it.",
            vulnerability_details=f"{FIRST} is isolated.", actions_details="Family spoken to.",
            decision_notes=f"Send {FIRST} to panel.", decision="panel_under_18",
        )  # fmt: skip
        ReferralEvent.objects.create(referral=referral, kind="note", actor=coordinator, text=f"Spoke to {FIRST}.")
        case = case_open_from_referral(referral=referral, panel=panel, opened_by=coordinator)
        case = case_adopt(case=case, on=OPENED_ON, decided_by=chair, note=f"{FIRST} adopted.")
        consent_record(case=case, giver=ConsentGiver.PERSON, status=ConsentStatus.GIVEN, on=OPENED_ON,
                       recorded_by=chair, notes=f"{FIRST} agreed.")  # fmt: skip
        consent_record(case=case, giver=ConsentGiver.PARENT, status=ConsentStatus.GIVEN, on=OPENED_ON,
                       recorded_by=chair, given_by_name=f"Alex {surname}", notes="Mother agreed by phone.")  # fmt: skip
        ratings = {f.pk: (1, f"{FIRST} said so") for f in VafFactor.objects.filter(is_active=True)}
        assessment_record(case=case, assessed_on=OPENED_ON, assessed_by=chair, ratings=ratings,
                          summary=f"{FIRST} is engaging.")  # fmt: skip
        case = case_support_start(case=case, on=OPENED_ON, started_by=chair)
        item = support_item_add(case=case, kind=SupportKind.INTERVENTION_PROVIDER, provider="Mentor: Jo Varley",
                                description=f"Weekly sessions with {FIRST}.", starts_on=OPENED_ON, ends_on=None,
                                added_by=chair)  # fmt: skip
        progress_note_add(item=item, text=f"{FIRST} attended.", on=OPENED_ON, author=chair)
        case_note_add(case=case, text=f"Home visit: {FIRST} {surname} at home.", on=OPENED_ON, author=chair)
        meeting = MeetingFactory(panel=panel, held_on=OPENED_ON)
        item_row = meeting.items.create(case=case, reason=AgendaReason.REVIEW, order=1)
        agenda_item_record(item=item_row, minutes=f"{FIRST} is doing well.", decision=Decision.CONTINUE,
                           decision_notes=f"{FIRST} engages.", recorded_by=chair)  # fmt: skip
        meeting.refresh_from_db()
        meeting_notes_save(meeting=meeting, notes=f"Apologies from health. {FIRST} {surname}'s school attended. "
                           "The panel may meet earlier in May.", saved_by=chair,
                           expected_version=meeting.version)  # fmt: skip
        # The members' places start today (the fixtures), so the action is written as the service would have.
        ActionFactory(meeting=meeting, case=case, description=f"Call {FIRST}'s mother", owner=member)
    with frozen(EXITED_ON):
        case = case_exit(case=case, outcome=ExitOutcome.CONCERNS_REDUCED, on=EXITED_ON, exited_by=chair,
                         notes=f"{FIRST} is settled.")  # fmt: skip
    return case


@pytest.fixture
def old_case(coordinator, panel_chair, panel_member, panel) -> Case:
    return _case_story(coordinator=coordinator, chair=panel_chair, member=panel_member, panel=panel)


def _text_values_containing(needle: str) -> list[str]:
    """Every text or JSON value in every table that contains `needle`: model, field and row."""
    found = []
    for model in apps.get_models():
        text_fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for row in model._base_manager.values("pk", *text_fields):
            for name in text_fields:
                if needle.lower() in str(row[name]).lower():
                    found.append(f"{model._meta.label}.{name} #{row['pk']}")
    return found


def _report(coordinator) -> Report:
    report = ReportFactory(
        requested_by=coordinator, period_start=PERIOD[0], period_end=PERIOD[1],
        classification=Classification.OFFICIAL_SENSITIVE, sections=["referrals", "panels"],
    )  # fmt: skip
    assert report_render_task.delay(report.pk).get() == "done"
    report.refresh_from_db()
    return report


def test_a_case_exited_seven_years_ago_is_anonymised_by_the_nightly_task(old_case, coordinator, sysadmin):
    referral_figures = referral_statistics(start=PERIOD[0], end=PERIOD[1])
    case_figures = case_statistics(start=PERIOD[0], end=PERIOD[1])
    assert case_figures["exited_concerns_reduced"] == 1 and referral_figures["by_age_band"]["11 to 15"] == 1
    before = _report(coordinator)
    assert _text_values_containing(SURNAME)  # the story is really there to remove

    retention_start(actor=sysadmin)
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert retention_nightly_task.delay().get()["cases"] == 1

    # Identifiers gone: nowhere in any table, not even the audit trail.
    assert _text_values_containing(SURNAME) == []
    referral = Referral.objects.get(pk=old_case.referral_id)
    assert (referral.first_name, referral.date_of_birth, referral.address_area) == ("", None, "")
    assert (referral.referrer_name, referral.referrer_role, referral.referrer_phone, referral.referrer_email) == (
        "", "", "", "",
    )  # fmt: skip
    assert (referral.narrative, referral.came_to_light, referral.decision_notes) == ("", "", "")
    assert referral.person_name == "Anonymised" and referral.anonymised_at is not None
    assert set(ReferralEvent.objects.filter(referral=referral).values_list("text", flat=True)) == {""}
    case = Case.objects.get(pk=old_case.pk)
    assert case.exit_notes == "" and case.anonymised_at is not None
    assert set(CaseEntry.objects.filter(case=case).values_list("text", flat=True)) == {""}
    assert set(case.consents.values_list("given_by_name", "notes")) == {("", "")}
    assert set(Assessment.objects.filter(case=case).values_list("summary", flat=True)) == {""}
    assert set(AssessmentRating.objects.filter(assessment__case=case).values_list("rationale", flat=True)) == {""}
    assert set(case.support_items.values_list("provider", "description")) == {(REMOVED, "")}
    assert set(case.agenda_items.values_list("minutes", "decision_notes")) == {("", "")}
    assert set(case.actions.values_list("description", flat=True)) == {REMOVED}
    minutes = Meeting.objects.get(items__case=case).notes
    assert FIRST not in minutes and "health. [name removed]'s school attended" in minutes
    assert "may meet earlier in May" in minutes  # other words of the general minutes stay

    # What the statistics need stays: the same figures, the same report figures on a remake.
    assert referral_statistics(start=PERIOD[0], end=PERIOD[1]) == referral_figures
    assert case_statistics(start=PERIOD[0], end=PERIOD[1]) == case_figures
    assert (case.exited_on, case.exit_outcome, referral.gender, referral.concern_type_label) == (
        EXITED_ON, ExitOutcome.CONCERNS_REDUCED, "male", old_case.referral.concern_type_label,
    )  # fmt: skip
    remade = _report(coordinator)
    assert remade.figures_sha256 == before.figures_sha256 != ""

    # One audit event, naming the record and the rule, never its content (and one for the audit trail's own
    # purge: the story's events are more than 7 years old too).
    written = list(AuditEvent.objects.filter(pk__gt=last_event).exclude(action="reports.report_downloaded"))
    anonymised = [e for e in written if e.action == "retention.anonymised"]
    assert len(anonymised) == 1
    assert (anonymised[0].object_type, anonymised[0].object_id) == ("channel.case", str(case.pk))
    assert "cases" in anonymised[0].detail and "6 years after exit or transfer" in anonymised[0].detail
    assert anonymised[0].actor_id is None and anonymised[0].changes == {}
    assert {e.action for e in written} - {"retention.anonymised"} <= {"retention.purged", "reports.report_ready"}

    # A second night finds nothing more to do.
    assert retention_nightly_task.delay().get()["cases"] == 0


def test_nothing_is_anonymised_before_an_administrator_starts_the_schedule(old_case):
    assert retention_nightly_task.delay().get().get("cases") is None
    assert Case.objects.get(pk=old_case.pk).anonymised_at is None
    assert Referral.objects.get(pk=old_case.referral_id).last_name == SURNAME


def test_a_legal_hold_stops_it_until_the_hold_ends_or_is_lifted(
    old_case, coordinator, panel_chair, panel_member, panel, sysadmin
):
    other = _case_story(coordinator=coordinator, chair=panel_chair, member=panel_member, panel=panel,
                        surname="Marrowdene")  # fmt: skip
    held = legal_hold_place(
        case=old_case, placed_by=coordinator, reason="Civil claim", until=TODAY + timedelta(days=30)
    )
    lifted = legal_hold_place(case=other, placed_by=coordinator, reason="Complaint", until=TODAY + timedelta(days=30))
    legal_hold_lift(hold=lifted, lifted_by=coordinator)
    retention_start(actor=sysadmin)

    assert retention_nightly_task.delay().get()["cases"] == 1
    assert Case.objects.get(pk=old_case.pk).anonymised_at is None  # held
    assert Case.objects.get(pk=other.pk).anonymised_at is not None  # its hold was lifted

    with frozen(held.until):
        assert retention_nightly_task.delay().get()["cases"] == 0  # the hold's last day
    with frozen(held.until + timedelta(days=1)):
        assert retention_nightly_task.delay().get()["cases"] == 1
    assert Case.objects.get(pk=old_case.pk).anonymised_at is not None
    assert AuditEvent.objects.filter(action="channel.legal_hold_placed").count() == 2
    assert AuditEvent.objects.filter(action="channel.legal_hold_lifted").count() == 1


def test_a_hold_cannot_be_placed_on_an_anonymised_case_nor_end_in_the_past(old_case, coordinator, sysadmin):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        legal_hold_place(case=old_case, placed_by=coordinator, reason="Claim", until=TODAY - timedelta(days=1))
    retention_start(actor=sysadmin)
    retention_nightly_task.delay()
    with pytest.raises(ValidationError):
        legal_hold_place(case=old_case, placed_by=coordinator, reason="Claim", until=TODAY + timedelta(days=1))
    assert not LegalHold.objects.exists()


def test_the_dry_run_counts_what_the_run_then_does(old_case, coordinator, panel_chair, panel, sysadmin):
    from tests.channel.factories import CaseFactory, adopted

    recent = adopted(CaseFactory(panel=panel), on=TODAY - timedelta(days=400))
    case_exit(case=recent, outcome=ExitOutcome.MOVED_AWAY, on=TODAY - timedelta(days=300), exited_by=panel_chair)
    preview = {r.key: r.count for r in retention_preview()}
    assert preview["cases"] == 1
    retention_start(actor=sysadmin)
    done = retention_nightly_task.delay().get()
    assert done == preview
    assert Case.objects.get(pk=recent.pk).anonymised_at is None


def test_a_case_transferred_seven_years_ago_and_one_not_adopted_are_due(panel, panel_chair, sysadmin):
    from channel.services.cases import case_not_adopt
    from tests.channel.factories import CaseFactory, adopted

    long_ago = years_before(TODAY, 7)
    with frozen(long_ago):
        moved = adopted(CaseFactory(panel=panel))
        case_exit(case=moved, outcome=ExitOutcome.MOVED_AWAY, on=long_ago, exited_by=panel_chair)
        closed = case_not_adopt(case=CaseFactory(panel=panel), reason="Met by early help", on=long_ago,
                                decided_by=panel_chair)  # fmt: skip
    open_case = adopted(CaseFactory(panel=panel, opened_on=long_ago))
    retention_start(actor=sysadmin)
    assert retention_nightly_task.delay().get()["cases"] == 2
    closed.refresh_from_db()
    assert closed.not_adopted_reason == REMOVED  # the constraint keeps a reason; its words are gone
    assert Case.objects.get(pk=open_case.pk).anonymised_at is None


def test_names_come_out_of_general_minutes_but_not_the_same_word_in_lower_case():
    text = "May Brook attended. BROOK'S school too. We may meet in May. Brookside school."
    assert names_redact(text, first_name="May", last_name="Brook") == (
        "[name removed] attended. [name removed]'S school too. We may meet in [name removed]. Brookside school."
    )


def test_a_coordinator_places_and_lifts_a_hold_on_its_page_and_a_chair_may_not(old_case, coordinator, panel_chair,
                                                                                client_for):  # fmt: skip
    from django.urls import reverse

    url = reverse("channel:legal_hold", args=[old_case.pk])
    assert client_for(panel_chair).get(url).status_code == 404
    client = client_for(coordinator)
    page = client.get(url)
    assert page.status_code == 200 and "Place a hold" in page.content.decode()
    token = page.context["form"]["form_token"].value()
    until = TODAY + timedelta(days=60)
    data = {"reason": "Civil claim", "until": until.isoformat(), "form_token": token}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double click makes one hold
    hold = LegalHold.objects.get()
    assert (hold.case_id, hold.placed_by, hold.until) == (old_case.pk, coordinator, until)
    case_page = client.get(reverse("channel:case_detail", args=[old_case.pk])).content.decode()
    assert f"Legal hold until {until:%-d %B %Y}" in case_page

    refused = client.post(url, {"reason": "", "until": (TODAY - timedelta(days=1)).isoformat(), "form_token": "x"})
    assert refused.status_code == 200 and "Enter why the case is held" in refused.content.decode()
    assert LegalHold.objects.count() == 1

    lift = reverse("channel:legal_hold_lift", args=[old_case.pk, hold.pk])
    assert client_for(panel_chair).post(lift).status_code == 404
    assert client.post(lift).status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_by == coordinator and not hold.is_in_force(TODAY)


def test_an_anonymised_case_is_read_only_for_everyone(old_case, coordinator, sysadmin, client_for):
    from django.urls import reverse

    retention_start(actor=sysadmin)
    retention_nightly_task.delay()
    client = client_for(coordinator)
    page = client.get(reverse("channel:case_detail", args=[old_case.pk])).content.decode()
    assert "Anonymised on" in page and SURNAME not in page
    assert client.get(reverse("channel:note_add", args=[old_case.pk])).status_code == 403
