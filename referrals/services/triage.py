"""Triage of a referral that has been made: assigning it, the screening tool, notes, and the decision that
closes it or sends it to a panel."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Membership, Team, User
from accounts.roles import Role
from channel.models.panels import Panel
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
    YesNoUnknown,
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
    if referral.awaiting_confirmation:
        raise ValidationError(
            "A decision made on these answers is awaiting confirmation: it must be confirmed or sent back first."
        )
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


NEEDS_CONFIRMATION_WHEN_ESCALATED = (Decision.NO_FURTHER_ACTION, Decision.SIGNPOSTED)


def screening_unanswered(*, referral: Referral) -> list[str]:
    """The questions in use that the screening has not answered yet (the screening is recorded when none are)."""
    answered = set(
        referral.screening_answers.exclude(answer="").exclude(question=None).values_list("question_id", flat=True)
    )
    return [q.label for q in ScreeningQuestion.objects.filter(is_active=True) if q.pk not in answered]


def screening_escalations(*, referral: Referral) -> list[str]:
    """The escalating questions answered 'Yes' (their wording as answered)."""
    return list(
        referral.screening_answers.filter(question__escalates=True, answer=YesNoUnknown.YES).values_list(
            "question_text", flat=True
        )
    )


@dataclass(frozen=True)
class DecisionPlan:
    """What a decision would do, checked before anything is written: shown on the check page, then recorded."""

    decision: Decision
    panel: Panel | None
    age: int | None
    escalations: list[str]
    unanswered: list[str]
    services: list[SignpostService]

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.escalations) and self.decision in NEEDS_CONFIRMATION_WHEN_ESCALATED

    @property
    def label(self) -> str:
        return self.decision.label + (f": {self.panel}" if self.panel is not None else "")


def referral_decision_plan(
    *,
    referral: Referral,
    choice: str,
    notes: str,
    services: Iterable[SignpostService] = (),
    unscreened_reason: str = "",
    on: date | None = None,
) -> DecisionPlan:
    """Every rule a decision must pass, without writing: an open referral with no decision awaiting
    confirmation; the screening recorded, or a reason for deciding without it; services for a signposting; a
    written rationale where an escalating screening answer is 'Yes'; a panel for the person's age."""
    if referral.awaiting_confirmation:
        raise ValidationError("A decision on this referral is awaiting a second coordinator's confirmation.")
    if not referral.is_open:
        raise ValidationError("This referral has already been decided.")
    choice = DecisionChoice(choice)
    services = list(services)
    unanswered = screening_unanswered(referral=referral)
    if unanswered and not unscreened_reason.strip():
        raise ValidationError(
            {
                "unscreened_reason": f"The screening is not recorded ({len(unanswered)} question(s) not answered): "
                "answer the screening questions, or give the reason for deciding without them"
            }
        )
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
    plan = DecisionPlan(
        decision=decision,
        panel=panel,
        age=age,
        escalations=screening_escalations(referral=referral),
        unanswered=unanswered,
        services=services,
    )
    if plan.needs_confirmation and not notes.strip():
        raise ValidationError(
            {"decision_notes": "The screening found a risk that escalates: write the rationale for this decision"}
        )
    return plan


@transaction.atomic
def referral_decide(
    *,
    referral: Referral,
    actor: User,
    choice: str,
    notes: str,
    expected_version: int,
    services: Iterable[SignpostService] = (),
    unscreened_reason: str = "",
    on: date | None = None,
    request: HttpRequest | None = None,
) -> Referral:
    """Record the decision, or propose it when it needs a second coordinator (no further action or signposting
    after an escalating 'Yes'): then the referral waits, 'decision awaiting confirmation', in the queue. A panel
    decision goes to the panel for the person's age on the decision date and opens a case on it."""
    plan = referral_decision_plan(
        referral=referral, choice=choice, notes=notes, services=services, unscreened_reason=unscreened_reason, on=on
    )
    referral.decision_notes = notes.strip()
    referral.unscreened_reason = unscreened_reason.strip() if plan.unanswered else ""
    referral.proposed_decision = plan.decision
    referral.proposed_by = actor
    referral.proposed_at = timezone.now()
    referral.age_at_decision = plan.age
    referral.decision_panel = plan.panel
    fields = [
        "decision_notes", "unscreened_reason", "proposed_decision", "proposed_by", "proposed_at", "age_at_decision",
        "decision_panel",
    ]  # fmt: skip
    if plan.decision == Decision.SIGNPOSTED:
        ReferralSignpost.objects.bulk_create(
            [ReferralSignpost(referral=referral, service=s, label=s.label) for s in plan.services]
        )
    if plan.needs_confirmation:
        referral.status = Status.AWAITING_CONFIRMATION
        referral.full_clean()
        versioned_update(instance=referral, expected_version=expected_version, fields=[*fields, "status"])
        text = f"{plan.label}, proposed by {actor}: awaiting a second coordinator's confirmation."
        referral_event_add(referral=referral, kind=EventKind.PROPOSED, actor=actor, text=text)
        audit_record(
            actor=actor, action="referrals.decision_proposed", obj=referral,
            changes={"proposed_decision": plan.decision.value, "decision_notes": {"sensitive": True}},
            request=request,
        )  # fmt: skip
        referral_notify(
            recipients=[u for u in recipients_with_role(Role.COORDINATOR) if u != actor.email],
            template="referrals/email/confirmation_needed",
            referral=referral,
        )
        return referral
    fields += _decision_apply(referral=referral, confirmed_by=None)
    referral.full_clean()
    versioned_update(instance=referral, expected_version=expected_version, fields=fields)
    return _decision_recorded(referral=referral, actor=actor, request=request)


def _decision_apply(*, referral: Referral, confirmed_by: User | None) -> list[str]:
    """The proposed decision comes into force (set on the row, saved by the caller in one versioned update): by
    its proposer at once, or on a second coordinator's word. Returns the fields it set."""
    decision = Decision(referral.proposed_decision)
    referral.decision = decision
    referral.decided_at = timezone.now()
    referral.decided_by = referral.proposed_by
    referral.decision_confirmed_by = confirmed_by
    referral.decision_confirmed_at = referral.decided_at if confirmed_by is not None else None
    referral.status = Status.AT_PANEL if decision in PANEL_DECISIONS else Status.DECIDED
    return ["decision", "decided_at", "decided_by", "decision_confirmed_by", "decision_confirmed_at", "status"]


def _decision_recorded(*, referral: Referral, actor: User, request: HttpRequest | None) -> Referral:
    """What follows a decision in force: the timeline (who proposed, who confirmed), the audit event, the case a
    panel decision opens and the referrer's e-mail."""
    proposer, confirmed_by = referral.decided_by, referral.decision_confirmed_by
    assert proposer is not None  # set with the decision
    panel = referral.decision_panel
    text = referral.get_decision_display() + (f": {panel}" if panel is not None else "")
    text += f". Proposed by {proposer}" + (
        f", confirmed by {confirmed_by}." if confirmed_by else ", no confirmation needed."
    )
    if referral.unscreened_reason:
        text += f" Decided without the full screening: {referral.unscreened_reason}"
    referral_event_add(referral=referral, kind=EventKind.DECIDED, actor=actor, text=text)
    audit_record(
        actor=actor, action="referrals.referral_decided", obj=referral,
        changes={
            "decision": {"old": "", "new": referral.decision}, "decision_notes": {"sensitive": True},
            "proposed_by": proposer.pk, "confirmed_by": confirmed_by.pk if confirmed_by else None,
        },
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


def _refuse_unless_second_coordinator(*, referral: Referral, actor: User) -> None:
    if not referral.awaiting_confirmation:
        raise ValidationError("No decision on this referral is awaiting confirmation.")
    if not Membership.objects.current().filter(user=actor, role=Role.COORDINATOR).exists():
        raise ValidationError("Only a Prevent coordinator can confirm or send back a proposed decision.")
    if referral.proposed_by_id == actor.pk:
        raise ValidationError("A second coordinator, not the one who proposed it, must confirm this decision.")


@transaction.atomic
def referral_decision_confirm(
    *, referral: Referral, actor: User, expected_version: int, request: HttpRequest | None = None
) -> Referral:
    """A second coordinator confirms the proposed decision, which then takes effect."""
    _refuse_unless_second_coordinator(referral=referral, actor=actor)
    fields = _decision_apply(referral=referral, confirmed_by=actor)
    referral.full_clean()
    versioned_update(instance=referral, expected_version=expected_version, fields=fields)
    return _decision_recorded(referral=referral, actor=actor, request=request)


@transaction.atomic
def referral_decision_send_back(
    *, referral: Referral, actor: User, reason: str, expected_version: int, request: HttpRequest | None = None
) -> Referral:
    """A second coordinator does not confirm: the referral goes back to screening with the reason in its
    timeline, and the proposal (with any services it named) is cleared."""
    _refuse_unless_second_coordinator(referral=referral, actor=actor)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the decision is sent back"})
    proposed = referral.get_proposed_decision_display()
    proposer = referral.proposed_by
    referral.status = Status.SCREENING
    referral.proposed_decision = ""
    referral.proposed_by = None
    referral.proposed_at = None
    referral.decision_panel = None
    referral.age_at_decision = None
    versioned_update(
        instance=referral,
        expected_version=expected_version,
        fields=["status", "proposed_decision", "proposed_by", "proposed_at", "decision_panel", "age_at_decision"],
    )
    referral.signpost_rows.all().delete()
    text = f"{proposed}, proposed by {proposer}, not confirmed by {actor}: {reason.strip()}"
    referral_event_add(referral=referral, kind=EventKind.SENT_BACK, actor=actor, text=text)
    audit_record(
        actor=actor, action="referrals.decision_sent_back", obj=referral, changes={"reason": {"sensitive": True}},
        request=request,
    )  # fmt: skip
    return referral
