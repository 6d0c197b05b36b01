"""Triage: the queue, assigning, the screening tool, notes, the decision and its routing, the concurrent-save
guard, and what each role may read."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from channel.models.panels import PanelKind
from core.idempotency import form_token_mint
from core.models import AuditEvent
from referrals.models import (
    Decision,
    EventKind,
    Referral,
    ReferralEvent,
    RoutingSettings,
    ScreeningAnswer,
    ScreeningQuestion,
    SignpostService,
    Status,
)
from referrals.selectors import routing_settings_get
from referrals.services.triage import referral_decide, referral_note_add
from tests.channel.factories import PanelFactory
from tests.referrals.factories import ReferralFactory
from tests.support.queries import assert_flat_queries

pytestmark = pytest.mark.django_db

UNSCREENED = "Decided before the screening in this test."
# The decision page's final POST: from the check page, with the reason for deciding without the screening.
DECIDE_NOW = {"confirm": "1", "unscreened_reason": UNSCREENED}


@pytest.fixture
def referral(dsl, school, team):
    return ReferralFactory(school=school, created_by=dsl, assigned_team=team)


def _version(referral) -> int:
    return Referral.objects.get(pk=referral.pk).version


def test_coordinator_assigns_to_a_team_and_the_team_is_told_without_detail(
    client_for, coordinator, csc_practitioner, team, dsl, school, django_capture_on_commit_callbacks
):
    referral = ReferralFactory(school=school, created_by=dsl)
    client = client_for(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("referrals:assign", args=[referral.pk]),
            {"assigned_team": team.pk, "assigned_to": csc_practitioner.pk, "version": referral.version},
        )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.assigned_team == team and referral.status == Status.SCREENING
    assert [m.to for m in mail.outbox] == [[csc_practitioner.email]]
    assert referral.last_name not in mail.outbox[0].body
    assert ReferralEvent.objects.filter(referral=referral, kind=EventKind.ASSIGNED, actor=coordinator).exists()


def test_practitioner_sees_only_their_teams_referrals(client_for, csc_practitioner, referral, other_school):
    elsewhere = ReferralFactory(school=other_school)
    client = client_for(csc_practitioner)
    body = client.get(reverse("referrals:list") + "?tab=all").content.decode()
    assert referral.reference in body and elsewhere.reference not in body
    assert client.get(reverse("referrals:detail", args=[elsewhere.pk])).status_code == 404
    assert client.get(reverse("referrals:decide", args=[elsewhere.pk])).status_code == 404
    assert client.get(reverse("referrals:decide", args=[referral.pk])).status_code == 200


def test_screening_answers_keep_the_wording_they_were_answered_with(client_for, csc_practitioner, referral):
    question = ScreeningQuestion.objects.order_by("order").first()
    client = client_for(csc_practitioner)
    response = client.post(
        reverse("referrals:screening", args=[referral.pk]),
        {f"q{question.pk}_answer": "yes", f"q{question.pk}_comment": "Seen twice.", "version": referral.version},
    )
    assert response.status_code == 302
    old_wording = question.label
    question.label = "A newer wording"
    question.save()
    answer = ScreeningAnswer.objects.get(referral=referral, question=question)
    assert answer.question_text == old_wording and answer.answer == "yes"
    body = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert old_wording in body


def test_notes_are_append_only_and_an_amendment_points_at_the_note(client_for, coordinator, referral):
    client = client_for(coordinator)
    client.post(
        reverse("referrals:note_add", args=[referral.pk]),
        {"form_token": form_token_mint(), "kind": "note", "text": "Spoke to school."},
    )
    note = ReferralEvent.objects.get(referral=referral, kind=EventKind.NOTE)
    response = client.post(
        reverse("referrals:note_add", args=[referral.pk]),
        {"form_token": form_token_mint(), "kind": "note", "text": "Spoke to the head of year.", "amends": note.pk},
    )
    assert response.status_code == 302
    correction = ReferralEvent.objects.get(amends=note)
    assert correction.text == "Spoke to the head of year." and correction.actor == coordinator
    note.refresh_from_db()
    assert note.text == "Spoke to school."
    with pytest.raises(PermissionError):
        note.save()
    with pytest.raises(PermissionError):
        note.delete()
    with pytest.raises(PermissionError):
        ReferralEvent.objects.filter(pk=note.pk).update(text="changed")
    with pytest.raises(PermissionError):
        ReferralEvent.objects.filter(pk=note.pk).delete()


def test_asking_for_information_puts_the_referral_in_awaiting_information(coordinator, referral):
    referral_note_add(referral=referral, actor=coordinator, kind=EventKind.INFORMATION_REQUESTED, text="Asked GP.")
    referral.refresh_from_db()
    assert referral.status == Status.AWAITING_INFORMATION
    referral_note_add(referral=referral, actor=coordinator, kind=EventKind.INFORMATION, text="GP replied.")
    referral.refresh_from_db()
    assert referral.status == Status.SCREENING


def test_signposting_needs_the_services_and_records_them(
    client_for, coordinator, referral, django_capture_on_commit_callbacks
):
    client = client_for(coordinator)
    url = reverse("referrals:decide", args=[referral.pk])
    response = client.post(
        url, {"decision": "signposted", "decision_notes": "Support fits.", "version": referral.version}
    )
    assert response.status_code == 200 and "Select the services" in response.content.decode()
    service = SignpostService.objects.first()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "decision": "signposted",
                "services": [service.pk],
                "decision_notes": "Support fits.",
                "version": referral.version,
                **DECIDE_NOW,
            },
        )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.DECIDED and referral.decision == Decision.SIGNPOSTED
    assert list(referral.signpost_rows.values_list("label", flat=True)) == [service.label]
    assert [m.to for m in mail.outbox] == [[referral.created_by.email]]
    assert referral.last_name not in mail.outbox[0].body and "Support fits" not in mail.outbox[0].body


@pytest.mark.parametrize(
    ("born", "configured", "expected"),
    [
        (date(2012, 1, 1), "separate", "under_18"),
        (date(1990, 1, 1), "separate", "adult"),
        (date(2012, 1, 1), "channel_for_all", "channel"),
        (date(1990, 1, 1), "channel_for_all", "channel"),
    ],
)
def test_the_panel_follows_age_on_the_decision_date_and_the_councils_routing(
    coordinator, referral, born, configured, expected
):
    panels = {kind: PanelFactory(kind=kind) for kind in (PanelKind.CHANNEL, PanelKind.UNDER_18, PanelKind.ADULT)}
    routing = routing_settings_get()
    if configured == "separate":
        routing.under_18_panel, routing.adult_panel = panels[PanelKind.UNDER_18], panels[PanelKind.ADULT]
    else:
        routing.under_18_panel = routing.adult_panel = panels[PanelKind.CHANNEL]
    routing.save()
    referral.date_of_birth = born
    referral.save()
    referral_decide(
        unscreened_reason=UNSCREENED,
        referral=referral,
        actor=coordinator,
        choice="panel",
        notes="Needs panel.",
        expected_version=referral.version,
    )
    referral.refresh_from_db()
    assert referral.decision_panel == panels[expected]
    assert referral.status == Status.AT_PANEL
    assert referral.decision == (Decision.PANEL_UNDER_18 if born.year == 2012 else Decision.PANEL_ADULT)


def test_a_person_who_turns_18_before_the_decision_goes_to_the_adult_panel(coordinator, referral):
    child, adult = PanelFactory(kind=PanelKind.UNDER_18), PanelFactory(kind=PanelKind.ADULT)
    RoutingSettings.objects.filter(pk=routing_settings_get().pk).update(under_18_panel=child, adult_panel=adult)
    referral.date_of_birth = date(2008, 12, 1)
    referral.age_at_referral = 17
    referral.save()
    referral_decide(
        unscreened_reason=UNSCREENED, referral=referral, actor=coordinator, choice="panel", notes="x", expected_version=referral.version,
        on=date(2026, 12, 2),
    )  # fmt: skip
    referral.refresh_from_db()
    assert referral.decision_panel == adult and referral.age_at_decision == 18
    assert referral.age_at_referral == 17


def test_a_panel_decision_opens_a_case_on_the_panel(coordinator, referral):
    panel = PanelFactory(kind=PanelKind.CHANNEL)
    RoutingSettings.objects.filter(pk=routing_settings_get().pk).update(under_18_panel=panel, adult_panel=panel)
    referral_decide(
        unscreened_reason=UNSCREENED,
        referral=referral,
        actor=coordinator,
        choice="panel",
        notes="x",
        expected_version=referral.version,
    )
    referral.refresh_from_db()
    assert referral.case.panel == panel


def test_the_second_of_two_concurrent_saves_is_refused_and_keeps_the_text(
    client_for, coordinator, csc_practitioner, referral
):
    first, second = client_for(coordinator), client_for(csc_practitioner)
    url = reverse("referrals:decide", args=[referral.pk])
    version_seen_by_both = referral.version
    assert (
        first.post(
            url, {"decision": "nfa", "decision_notes": "First reasons.", "version": version_seen_by_both, **DECIDE_NOW}
        ).status_code
        == 302
    )
    response = second.post(
        url,
        {
            "decision": "csc_assessment",
            "decision_notes": "Second person's careful reasons.",
            "version": version_seen_by_both,
            **DECIDE_NOW,
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Second person&#x27;s careful reasons." in body
    referral.refresh_from_db()
    assert referral.decision == Decision.NO_FURTHER_ACTION and referral.decision_notes == "First reasons."


def test_concurrent_screening_saves_do_not_overwrite_each_other(client_for, coordinator, csc_practitioner, referral):
    question = ScreeningQuestion.objects.order_by("order").first()
    url = reverse("referrals:screening", args=[referral.pk])
    seen = referral.version
    a, c = f"q{question.pk}_answer", f"q{question.pk}_comment"
    assert client_for(coordinator).post(url, {a: "yes", c: "First.", "version": seen}).status_code == 302
    response = client_for(csc_practitioner).post(url, {a: "no", c: "Second comment kept.", "version": seen})
    assert response.status_code == 200 and "Second comment kept." in response.content.decode()
    assert ScreeningAnswer.objects.get(referral=referral).comment == "First."
    # After the warning the page carries the current version: a deliberate second save goes through.
    assert f'value="{_version(referral)}"' in response.content.decode()


def test_a_concurrent_draft_save_is_refused(client_for, dsl):
    client = client_for(dsl)
    client.post(reverse("referrals:start"), {"form_token": form_token_mint()})
    draft = Referral.objects.latest("pk")
    url = reverse("referrals:step", args=[draft.pk, "person"])
    seen = draft.version
    client.post(url, {"first_name": "One", "version": seen, "draft": "1"})
    response = client.post(url, {"first_name": "Two kept", "version": seen, "draft": "1"})
    assert response.status_code == 200 and "Two kept" in response.content.decode()
    draft.refresh_from_db()
    assert draft.first_name == "One"


def test_dsl_sees_status_and_outcome_but_no_screening_or_notes(client_for, dsl, coordinator, referral):
    referral_note_add(referral=referral, actor=coordinator, kind=EventKind.NOTE, text="Police note: private.")
    referral_decide(
        unscreened_reason=UNSCREENED,
        referral=referral,
        actor=coordinator,
        choice="nfa",
        notes="Reasons private.",
        expected_version=referral.version,
    )
    body = client_for(dsl).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "No further action" in body and "Decided" in body
    assert "Police note" not in body and "Reasons private" not in body and "Screening" not in body
    assert client_for(dsl).get(reverse("referrals:screening", args=[referral.pk])).status_code == 403


def test_dsl_cannot_open_another_schools_referral(client_for, dsl, other_dsl, referral):
    assert client_for(other_dsl).get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
    assert referral.reference not in client_for(other_dsl).get(reverse("referrals:list")).content.decode()


def test_adviser_sees_only_referrals_they_made(client_for, adviser, referral, school):
    own = ReferralFactory(school=school, created_by=adviser)
    client = client_for(adviser)
    assert client.get(reverse("referrals:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404


def test_panel_members_read_referrals_of_their_panels_only(
    client_for, panel_chair, panel_member, coordinator, referral, panel
):
    RoutingSettings.objects.filter(pk=routing_settings_get().pk).update(under_18_panel=panel, adult_panel=panel)
    referral_decide(
        unscreened_reason=UNSCREENED,
        referral=referral,
        actor=coordinator,
        choice="panel",
        notes="Panel please.",
        expected_version=referral.version,
    )
    other = ReferralFactory()
    for user in (panel_chair, panel_member):
        client = client_for(user)
        response = client.get(reverse("referrals:detail", args=[referral.pk]))
        assert response.status_code == 200 and "Panel please." in response.content.decode()
        assert client.get(reverse("referrals:detail", args=[other.pk])).status_code == 404
        assert client.get(reverse("referrals:note_add", args=[referral.pk])).status_code == 403


def test_every_read_of_a_referral_page_writes_an_audit_event(client_for, coordinator, dsl, referral):
    pages = ["detail", "assign", "screening", "note_add", "decide"]
    client = client_for(coordinator)
    for name in pages:
        before = AuditEvent.objects.filter(action="referrals.referral_viewed", object_id=str(referral.pk)).count()
        assert client.get(reverse(f"referrals:{name}", args=[referral.pk])).status_code == 200
        events = AuditEvent.objects.filter(action="referrals.referral_viewed", object_id=str(referral.pk))
        assert events.count() == before + 1
        assert events.first().actor == coordinator
    client_for(dsl).get(reverse("referrals:detail", args=[referral.pk]))
    assert AuditEvent.objects.filter(action="referrals.referral_viewed", actor=dsl).count() == 1


def test_overdue_tab_uses_the_councils_target(client_for, coordinator, school):
    RoutingSettings.objects.filter(pk=routing_settings_get().pk).update(triage_target_days=5)
    old = ReferralFactory(school=school, submitted_at=timezone.now() - timedelta(days=6))
    fresh = ReferralFactory(school=school)
    decided = ReferralFactory(
        school=school, submitted_at=timezone.now() - timedelta(days=9), status=Status.DECIDED, decision="nfa"
    )
    body = client_for(coordinator).get(reverse("referrals:list") + "?tab=overdue").content.decode()
    assert old.reference in body and fresh.reference not in body and decided.reference not in body


@pytest.mark.parametrize("role", ["coordinator", "csc_practitioner", "dsl"])
def test_the_queue_uses_the_same_number_of_queries_at_two_sizes(client_for, request, role, team, school):
    user = request.getfixturevalue(role)
    for _ in range(40):
        ReferralFactory(school=school, assigned_team=team)
    client = client_for(user)

    def grow():
        template = ReferralFactory.build()
        rows = []
        for i in range(4000):
            row = Referral(
                **{f.attname: getattr(template, f.attname) for f in Referral._meta.concrete_fields if f.attname != "id"}
            )
            row.reference = f"NB-2025-{i:05d}"
            row.school_id, row.assigned_team_id, row.created_by_id = school.pk, team.pk, template.created_by_id
            rows.append(row)
        template.created_by.save()
        for row in rows:
            row.created_by_id = template.created_by.pk
        Referral.objects.bulk_create(rows)

    count = assert_flat_queries(fetch=lambda: client.get(reverse("referrals:list") + "?tab=all"), grow=grow)
    # 13 before the tab counts became one query and the paginator reused them; 3 more for the filter form's
    # choices (types of concern, teams, people a referral may be assigned to)
    assert count <= 14, count


def test_roles_without_referrals_get_not_found(client_for, scrutiny, sysadmin, referral):
    for user in (scrutiny, sysadmin):
        assert client_for(user).get(reverse("referrals:list")).status_code == 404
        assert client_for(user).get(reverse("referrals:detail", args=[referral.pk])).status_code == 404


@pytest.mark.parametrize(
    ("page", "data", "message"),
    [
        ("decide", {}, "Select the decision"),
        ("decide", {"decision": "nfa", "decision_notes": "x" * 1_048_576}, "must be 10,000 characters or fewer"),
        ("decide", {"decision": "bogus", "decision_notes": "x"}, "Select a valid choice"),
        ("assign", {"assigned_team": "999999"}, "Select a valid choice"),
        ("note_add", {}, "Select what this note is"),
        ("note_add", {"kind": "note", "text": "x" * 1_048_576}, "Note must be 10,000 characters or fewer"),
        ("screening", {}, "version"),
    ],
)
def test_bad_triage_input_gets_an_error_summary(client_for, coordinator, referral, page, data, message):
    if page != "note_add":
        data = {"version": str(referral.version), **data} if page != "screening" else data
    response = client_for(coordinator).post(reverse(f"referrals:{page}", args=[referral.pk]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert message in body or page == "screening"


def test_html_in_a_note_is_stored_and_shown_escaped(client_for, coordinator, referral):
    client = client_for(coordinator)
    client.post(
        reverse("referrals:note_add", args=[referral.pk]),
        {"form_token": form_token_mint(), "kind": "note", "text": "<script>alert(1)</script>"},
    )
    assert ReferralEvent.objects.filter(text="<script>alert(1)</script>").exists()
    body = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_a_decided_referral_cannot_be_decided_again(client_for, coordinator, referral):
    client = client_for(coordinator)
    url = reverse("referrals:decide", args=[referral.pk])
    client.post(url, {"decision": "nfa", "decision_notes": "Done.", "version": referral.version, **DECIDE_NOW})
    response = client.post(
        url, {"decision": "police_led", "decision_notes": "Again.", "version": _version(referral), **DECIDE_NOW}
    )
    assert response.status_code == 200 and "already been decided" in response.content.decode()
    referral.refresh_from_db()
    assert referral.decision == Decision.NO_FURTHER_ACTION


def test_a_note_can_only_correct_a_note_of_the_same_referral(client_for, coordinator, referral, school):
    other = ReferralFactory(school=school)
    foreign = referral_note_add(referral=other, actor=coordinator, kind=EventKind.NOTE, text="Other.")
    response = client_for(coordinator).post(
        reverse("referrals:note_add", args=[referral.pk]),
        {"form_token": form_token_mint(), "kind": "note", "text": "x", "amends": foreign.pk},
    )
    assert response.status_code == 404


def test_a_practitioners_own_referrals_sit_apart_from_the_teams_queue(
    client_for, csc_practitioner, referral, other_school
):
    own = ReferralFactory(school=other_school, created_by=csc_practitioner)
    client = client_for(csc_practitioner)
    queue = client.get(reverse("referrals:list") + "?tab=all").content.decode()
    assert referral.reference in queue and own.reference not in queue
    made = client.get(reverse("referrals:list") + "?tab=made").content.decode()
    assert own.reference in made and referral.reference not in made
    body = client.get(reverse("referrals:detail", args=[own.pk])).content.decode()
    assert "Record a decision" not in body


@pytest.mark.usefixtures("frozen_today")
def test_each_queue_row_shows_the_referral_its_assignee_status_and_outcome(client_for, coordinator, dsl, team, school):
    made = timezone.now() - timedelta(days=3)
    day = timezone.localdate(made)
    assigned = ReferralFactory(
        school=school, assigned_team=team, assigned_to=coordinator, submitted_at=made, submitted_on=day,
        first_name="Ana", last_name="Lee",
    )  # fmt: skip
    team_only = ReferralFactory(school=None, assigned_team=team, status=Status.DECIDED, decision=Decision.SIGNPOSTED)
    nobody = ReferralFactory(school=school)
    rows = {
        row.split('data-label="Reference">')[1].split("</a>")[0].rsplit(">", 1)[1]: row
        for row in client_for(coordinator).get(reverse("referrals:list"), {"tab": "all"}).content.decode().split("<tr")
        if 'data-label="Reference"' in row
    }
    first = rows[assigned.reference]
    assert f'href="{reverse("referrals:detail", args=[assigned.pk])}"' in first
    assert f">{day.day} {day:%b %Y}</td>" in first
    assert ">Ana Lee</td>" in first and ">Larkhill Primary School</td>" in first
    assert ">Cora Ordinator</td>" in first
    assert '<strong class="govuk-tag govuk-tag--blue">New</strong>' in first and ">Not decided yet</td>" in first
    second = rows[team_only.reference]
    assert 'data-label="School">–</td>' in second and ">Assessment Team North</td>" in second
    assert "govuk-tag--green" in second and ">Signposted to other services</td>" in second
    assert ">Not assigned</td>" in rows[nobody.reference]
    # Those who do not triage see the reference, the date, the status and the outcome only.
    mine = client_for(dsl).get(reverse("referrals:list")).content.decode()
    assert assigned.reference in mine and "Ana Lee" not in mine and "Cora Ordinator" not in mine
