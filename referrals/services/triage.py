"""Triage of a referral that has been made: assigning it, the screening tool, notes, and the decision that
closes it or sends it to a panel."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Membership, Team, User
from accounts.roles import Role
from channel.services.cases import case_open_from_referral
from core.audit import audit_record, changes_between, snapshot
from core.idempotency import create_once
from core.locking import versioned_update

from ..models import (
    PANEL_DECISIONS,
    Decision,
    EventKind,
    Referral,
    ReferralEvent,
    ReferralSignpost,
    ScreeningAnswer,
    ScreeningQuestion,
    SignpostService,
    Status,
)
from .configuration import panel_for
from .notifications import recipients_with_role, referral_notify
from .timeline import referral_event_add


@transaction.atomic
def referral_assign(
    *,
    referral: Referral,
    actor: User,
    team: Team | None,
    assignee: User | None,
    expected_version: int,
    request: HttpRequest | None = None,
) -> Referral:
    if referral.is_draft:
        raise ValidationError("A draft cannot be assigned.")
    if assignee is not None and team is not None:
        in_team = Membership.objects.current().filter(user=assignee, team=team, role=Role.CSC_PRACTITIONER).exists()
        coordinator = Membership.objects.current().filter(user=assignee, role=Role.COORDINATOR).exists()
        if not (in_team or coordinator):
            raise ValidationError({"assignee": "Select a person in the team, or a Prevent coordinator"})
    before = snapshot(referral, ["assigned_team", "assigned_to", "status"])
    team_changed = team is not None and team.pk != referral.assigned_team_id
    referral.assigned_team = team
    referral.assigned_to = assignee
    if referral.status == Status.NEW:
        referral.status = Status.SCREENING
    referral.full_clean()
    versioned_update(
        instance=referral, expected_version=expected_version, fields=["assigned_team", "assigned_to", "status"]
    )
    who = ", ".join(str(x) for x in (team, assignee) if x is not None) or "nobody"
    referral_event_add(referral=referral, kind=EventKind.ASSIGNED, actor=actor, text=f"Assigned to {who}")
    audit_record(
        actor=actor, action="referrals.referral_assigned", obj=referral,
        changes=changes_between(before, referral), request=request,
    )  # fmt: skip
    if team_changed and team is not None:
        referral_notify(
            recipients=recipients_with_role(Role.CSC_PRACTITIONER, team=team),
            template="referrals/email/assigned_to_team",
            referral=referral,
        )
    return referral


@transaction.atomic
def screening_answers_save(
    *,
    referral: Referral,
    actor: User,
    answers: Sequence[tuple[ScreeningQuestion, str, str]],
    expected_version: int,
    request: HttpRequest | None = None,
) -> Referral:
    """Save the screening tool's answers (question, answer, comment); each keeps the question's wording."""
    if referral.is_draft or not referral.is_open:
        raise ValidationError("Screening answers can only be saved on an open referral.")
    # The answers live in their own rows: the referral's version is raised first, so a stale page writes none.
    if referral.status == Status.NEW:
        referral.status = Status.SCREENING
    versioned_update(instance=referral, expected_version=expected_version, fields=["status"])
    existing = {a.question_id: a for a in referral.screening_answers.all()}
    changed = 0
    for question, answer, comment in answers:
        row = existing.get(question.pk)
        if row is None:
            if not answer and not comment:
                continue
            row = ScreeningAnswer(referral=referral, question=question, question_text=question.label)
        elif row.answer == answer and row.comment == comment:
            continue
        row.answer, row.comment, row.answered_by, row.answered_at = answer, comment, actor, timezone.now()
        row.full_clean()
        row.save()
        changed += 1
    referral_event_add(referral=referral, kind=EventKind.SCREENED, actor=actor, text=f"{changed} answer(s) saved")
    audit_record(
        actor=actor, action="referrals.screening_saved", obj=referral, detail=f"{changed} answers", request=request
    )
    return referral


NOTE_KINDS = (EventKind.INFORMATION, EventKind.INFORMATION_REQUESTED, EventKind.NOTE)


@transaction.atomic
def referral_note_add(
    *,
    referral: Referral,
    actor: User,
    kind: str,
    text: str,
    amends: ReferralEvent | None = None,
    form_token: str | None = None,
    request: HttpRequest | None = None,
) -> ReferralEvent:
    """Append a note. Notes are never edited: an amendment is a new note pointing at the one it corrects.
    Asking for information puts the referral in 'awaiting information'; recording it takes it back. A second POST
    of the same form (one token) returns the note the first added."""
    if kind not in NOTE_KINDS:
        raise ValidationError({"kind": "Select what kind of note this is"})
    if referral.is_draft:
        raise ValidationError("Notes can only be added to a referral that has been made.")
    if amends is not None and (amends.referral_id != referral.pk or not amends.is_note):
        raise ValidationError("A note can only correct another note of the same referral.")

    def add() -> ReferralEvent:
        before = referral.status
        if kind == EventKind.INFORMATION_REQUESTED and referral.is_open:
            referral.status = Status.AWAITING_INFORMATION
        elif kind == EventKind.INFORMATION and referral.status == Status.AWAITING_INFORMATION:
            referral.status = Status.SCREENING
        if referral.status != before:
            # A note is added, not edited: it holds no version, but moving the status still raises the referral's.
            versioned_update(instance=referral, expected_version=None, fields=["status"])
        event = referral_event_add(referral=referral, kind=kind, actor=actor, text=text, amends=amends)
        audit_record(
            actor=actor, action="referrals.note_added", obj=referral,
            detail=f"{kind}{' amending ' + str(amends.pk) if amends else ''}", request=request,
        )  # fmt: skip
        return event

    return create_once(token=form_token, actor=actor, model=ReferralEvent, create=add)


class DecisionChoice(models.TextChoices):
    """What the person deciding picks; a panel decision is resolved to the panel by age and configuration."""

    NO_FURTHER_ACTION = "nfa", "No further action"
    SIGNPOSTED = "signposted", "Signpost to other services"
    CSC_ASSESSMENT = "csc_assessment", "Children's Social Care assessment"
    PANEL = "panel", "Discuss at panel (Channel or under-18 panel, or the adult safeguarding panel, by age)"
    POLICE_LED = "police_led", "Police-led"


@transaction.atomic
def referral_decide(
    *,
    referral: Referral,
    actor: User,
    choice: str,
    notes: str,
    expected_version: int,
    services: Iterable[SignpostService] = (),
    on: date | None = None,
    request: HttpRequest | None = None,
) -> Referral:
    """Record the decision. A panel decision goes to the panel for the person's age on the decision date
    (the council's configuration) and opens a case on it."""
    if not referral.is_open:
        raise ValidationError("This referral has already been decided.")
    choice = DecisionChoice(choice)
    services = list(services)
    if choice == DecisionChoice.SIGNPOSTED and not services:
        raise ValidationError({"services": "Select the services the person is signposted to"})
    day = on or timezone.localdate()
    age = referral.age_on(day)
    panel = None
    if choice == DecisionChoice.PANEL:
        panel = panel_for(age=age)
        if panel is None:
            raise ValidationError("There is no active panel to send this referral to. Set one up first.")
        decision = Decision.PANEL_UNDER_18 if age is not None and age < 18 else Decision.PANEL_ADULT
    else:
        decision = Decision(choice.value)
    referral.decision = decision
    referral.decision_notes = notes
    referral.decided_at = timezone.now()
    referral.decided_by = actor
    referral.age_at_decision = age
    referral.decision_panel = panel
    referral.status = Status.AT_PANEL if decision in PANEL_DECISIONS else Status.DECIDED
    referral.full_clean()
    versioned_update(
        instance=referral,
        expected_version=expected_version,
        fields=[
            "decision", "decision_notes", "decided_at", "decided_by", "age_at_decision", "decision_panel", "status"
        ],
    )  # fmt: skip
    if decision == Decision.SIGNPOSTED:
        ReferralSignpost.objects.bulk_create(
            [ReferralSignpost(referral=referral, service=s, label=s.label) for s in services]
        )
    text = referral.get_decision_display() + (f": {panel}" if panel is not None else "")
    referral_event_add(referral=referral, kind=EventKind.DECIDED, actor=actor, text=text)
    audit_record(
        actor=actor, action="referrals.referral_decided", obj=referral,
        changes={"decision": {"old": "", "new": decision.value}, "decision_notes": {"sensitive": True}},
        request=request,
    )  # fmt: skip
    if panel is not None:
        case_open_from_referral(referral=referral, panel=panel, opened_by=actor, request=request)
    referral_notify(
        recipients=[referral.created_by.email] if referral.created_by.is_active else [],
        template="referrals/email/decision",
        referral=referral,
    )
    return referral
