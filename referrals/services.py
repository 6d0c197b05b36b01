"""Writes of the referral pathway: drafting, submitting, triage, screening, notes and the decision.

Every change runs in one transaction with its audit event and timeline entry. Changes to a referral carry the
version the user's page was built from: a save made from a page that someone else has since saved is refused
with StaleReferralError (optimistic locking), so two people cannot overwrite each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Team, User
from accounts.permissions import access_for
from accounts.roles import Role
from channel.models import Panel, PanelKind
from channel.services.cases import case_open_from_referral
from core.audit import audit_record, changes_between, snapshot
from schools.models import School

from .models import (
    PANEL_DECISIONS,
    ConcernType,
    Decision,
    EventKind,
    Indicator,
    ReferenceCounter,
    Referral,
    ReferralEvent,
    ReferralIndicator,
    ReferralSignpost,
    RoutingSettings,
    ScreeningAnswer,
    ScreeningQuestion,
    Sector,
    SignpostService,
    Status,
)

STALE_MESSAGE = (
    "Someone else saved this referral after you opened this page, so your changes were not saved. "
    "Your text is still below: check the referral, then save again."
)


class StaleReferralError(Exception):
    """The referral changed since the page was built; nothing was saved."""


# Which referral fields each page of the flow may set.
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    "person": ("first_name", "last_name", "date_of_birth", "age_given", "gender", "ethnicity", "address_area"),
    "school": ("school", "not_in_school"),
    "referrer": (
        "referrer_sector", "referrer_organisation", "referrer_name", "referrer_role", "referrer_email",
        "referrer_phone",
    ),
    "concern": ("concern_type", "narrative", "came_to_light"),
    "vulnerabilities": ("mental_health", "exploitation", "online_harm", "vulnerability_details"),
    "actions": ("family_spoken_to", "early_help", "team_around_child", "actions_details"),
}  # fmt: skip
STEPS = tuple(STEP_FIELDS)


def _bump_version(referral: Referral, expected_version: int) -> None:
    """Raise the version if and only if it is still the one the page was built from (one atomic UPDATE)."""
    updated = Referral.objects.filter(pk=referral.pk, version=expected_version).update(version=F("version") + 1)
    if not updated:
        raise StaleReferralError(STALE_MESSAGE)
    referral.version = expected_version + 1


def _event(
    *, referral: Referral, kind: str, actor: Any, text: str = "", amends: ReferralEvent | None = None
) -> ReferralEvent:
    event = ReferralEvent(
        referral=referral, kind=kind, actor=actor, text=text, status_after=referral.status, amends=amends
    )
    event.full_clean()
    event.save()
    return event


def _only_own_school(actor: Any) -> bool:
    """A DSL (with no wider role that makes referrals) refers from their own school only."""
    access = access_for(actor)
    wider = {Role.COORDINATOR, Role.ADVISER, Role.CSC_PRACTITIONER}
    return bool(access.school_ids) and not (access.roles & wider)


# --- Making a referral -------------------------------------------------------------------------------------------


@transaction.atomic
def referral_start(*, created_by: User, request: Any = None) -> Referral:
    """A new draft, with what the portal already knows about the referrer filled in."""
    access = access_for(created_by)
    referral = Referral(
        created_by=created_by,
        status=Status.DRAFT,
        referrer_name=created_by.full_name,
        referrer_role=created_by.job_title,
        referrer_email=created_by.email,
    )
    if access.school_ids:
        school = School.objects.filter(pk__in=access.school_ids).order_by("name").first()
        if school is not None:
            referral.school = school
            referral.referrer_sector = Sector.EDUCATION
            referral.referrer_organisation = school.name
    elif access.has(Role.CSC_PRACTITIONER) or access.has(Role.COORDINATOR) or access.has(Role.ADVISER):
        referral.referrer_sector = Sector.LOCAL_AUTHORITY
        referral.referrer_organisation = settings.COUNCIL_NAME
    referral.full_clean()
    referral.save()
    _event(referral=referral, kind=EventKind.CREATED, actor=created_by)
    audit_record(actor=created_by, action="referrals.referral_started", obj=referral, request=request)
    return referral


@transaction.atomic
def referral_update_draft(
    *,
    referral: Referral,
    actor: User,
    step: str,
    data: dict[str, Any],
    expected_version: int,
    indicators: Iterable[Indicator] | None = None,
    request: Any = None,
) -> Referral:
    """Save one page of a draft. Only the fields of that page are touched."""
    if not referral.is_draft or referral.created_by_id != actor.pk:
        raise PermissionDenied("Only the person making a draft referral may change it.")
    fields = STEP_FIELDS[step]
    school = data.get("school")
    if (
        "school" in data
        and _only_own_school(actor)
        and (school is None or school.pk not in access_for(actor).school_ids)
    ):
        raise ValidationError({"school": "Select your own school"})
    before = snapshot(referral, fields)
    _bump_version(referral, expected_version)
    for name in fields:
        if name in data:
            setattr(referral, name, data[name])
    if step == "person" and referral.date_of_birth is not None:
        referral.age_given = None
    if step == "school" and referral.not_in_school:
        referral.school = None
    if step == "concern":
        concern: ConcernType | None = referral.concern_type
        referral.concern_type_label = concern.label if concern else ""
    referral.full_clean()
    referral.save()
    if indicators is not None:
        chosen = {i.pk: i for i in indicators}
        referral.indicator_rows.exclude(indicator_id__in=chosen).delete()
        kept = set(referral.indicator_rows.values_list("indicator_id", flat=True))
        ReferralIndicator.objects.bulk_create(
            [
                ReferralIndicator(referral=referral, indicator=i, label=i.label)
                for pk, i in chosen.items()
                if pk not in kept
            ]
        )
    audit_record(
        actor=actor,
        action="referrals.referral_draft_saved",
        obj=referral,
        changes=changes_between(before, referral),
        detail=step,
        request=request,
    )
    return referral


def referral_missing_steps(*, referral: Referral) -> dict[str, str]:
    """What a draft still needs before it can be sent: step -> message."""
    missing: dict[str, str] = {}
    if not referral.first_name or not referral.last_name or not referral.gender:
        missing["person"] = "Enter the person's name and gender"
    elif referral.date_of_birth is None and referral.age_given is None:
        missing["person"] = "Enter the person's date of birth or age"
    if referral.school_id is None and not referral.not_in_school:
        missing["school"] = "Select the person's school, or say they are not at a school"
    if not referral.referrer_sector or not referral.referrer_organisation or not referral.referrer_name:
        missing["referrer"] = "Enter who is making the referral"
    elif not referral.referrer_email and not referral.referrer_phone:
        missing["referrer"] = "Enter an email address or telephone number for the referrer"
    if referral.concern_type_id is None or not referral.narrative.strip() or not referral.came_to_light.strip():
        missing["concern"] = "Describe the concern: its type, what happened and how it came to light"
    if not (referral.mental_health and referral.exploitation and referral.online_harm):
        missing["vulnerabilities"] = "Answer the questions about other vulnerabilities"
    if not (referral.family_spoken_to and referral.early_help and referral.team_around_child):
        missing["actions"] = "Answer the questions about what has been done so far"
    return missing


def _next_reference(day: date) -> str:
    counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(year=day.year)
    ReferenceCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db()
    prefix = getattr(settings, "REFERRAL_REFERENCE_PREFIX", "NB")
    return f"{prefix}-{day.year}-{counter.last:05d}"


def _recipients_with_role(role: str, **scope: Any) -> list[str]:
    return sorted(
        set(
            Membership.objects.current()
            .filter(role=role, user__is_active=True, **scope)
            .values_list("user__email", flat=True)
        )
    )


def _notify(*, recipients: Sequence[str], subject: str, referral: Referral) -> None:
    """An e-mail that says only that a referral needs attention, with a link: no name, no concern detail."""
    if not recipients:
        return
    url = f"{settings.SITE_URL.rstrip('/')}{reverse('referrals:detail', args=[referral.pk])}"
    body = (
        f"{subject}.\n\nOpen it in the {settings.SERVICE_NAME} (you will be asked to sign in):\n\n{url}\n\n"
        f"{settings.COUNCIL_NAME}\n"
    )
    to = list(recipients)
    transaction.on_commit(lambda: send_mail(f"{subject} – {settings.SERVICE_NAME}", body, None, to))


@transaction.atomic
def referral_submit(*, referral: Referral, submitted_by: User, expected_version: int, request: Any = None) -> Referral:
    if not referral.is_draft or referral.created_by_id != submitted_by.pk:
        raise PermissionDenied("Only the person making a draft referral may send it.")
    missing = referral_missing_steps(referral=referral)
    if missing:
        raise ValidationError(list(missing.values()))
    _bump_version(referral, expected_version)
    now = timezone.now()
    today = timezone.localdate(now)
    referral.status = Status.NEW
    referral.submitted_at = now
    referral.submitted_on = today
    referral.reference = _next_reference(today)
    referral.age_at_referral = referral.age_on(today)
    referral.full_clean()
    referral.save()
    _event(referral=referral, kind=EventKind.SUBMITTED, actor=submitted_by)
    audit_record(actor=submitted_by, action="referrals.referral_submitted", obj=referral, request=request)
    _notify(
        recipients=_recipients_with_role(Role.COORDINATOR), subject="A new Prevent referral needs triage",
        referral=referral,
    )  # fmt: skip
    return referral


# --- Triage ------------------------------------------------------------------------------------------------------


@transaction.atomic
def referral_assign(
    *,
    referral: Referral,
    actor: User,
    team: Team | None,
    assignee: User | None,
    expected_version: int,
    request: Any = None,
) -> Referral:
    if referral.is_draft:
        raise ValidationError("A draft cannot be assigned.")
    if assignee is not None and team is not None:
        in_team = Membership.objects.current().filter(user=assignee, team=team, role=Role.CSC_PRACTITIONER).exists()
        coordinator = Membership.objects.current().filter(user=assignee, role=Role.COORDINATOR).exists()
        if not (in_team or coordinator):
            raise ValidationError({"assignee": "Select a person in the team, or a Prevent coordinator"})
    before = snapshot(referral, ["assigned_team", "assigned_to", "status"])
    _bump_version(referral, expected_version)
    team_changed = team is not None and team.pk != referral.assigned_team_id
    referral.assigned_team = team
    referral.assigned_to = assignee
    if referral.status == Status.NEW:
        referral.status = Status.SCREENING
    referral.full_clean()
    referral.save()
    who = ", ".join(str(x) for x in (team, assignee) if x is not None) or "nobody"
    _event(referral=referral, kind=EventKind.ASSIGNED, actor=actor, text=f"Assigned to {who}")
    audit_record(
        actor=actor, action="referrals.referral_assigned", obj=referral,
        changes=changes_between(before, referral), request=request,
    )  # fmt: skip
    if team_changed and team is not None:
        _notify(
            recipients=_recipients_with_role(Role.CSC_PRACTITIONER, team=team),
            subject="A Prevent referral has been assigned to your team",
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
    request: Any = None,
) -> Referral:
    """Save the screening tool's answers (question, answer, comment); each keeps the question's wording."""
    if referral.is_draft or not referral.is_open:
        raise ValidationError("Screening answers can only be saved on an open referral.")
    _bump_version(referral, expected_version)
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
    if referral.status == Status.NEW:
        referral.status = Status.SCREENING
    referral.save()
    _event(referral=referral, kind=EventKind.SCREENED, actor=actor, text=f"{changed} answer(s) saved")
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
    request: Any = None,
) -> ReferralEvent:
    """Append a note. Notes are never edited: an amendment is a new note pointing at the one it corrects.
    Asking for information puts the referral in 'awaiting information'; recording it takes it back."""
    if kind not in NOTE_KINDS:
        raise ValidationError({"kind": "Select what kind of note this is"})
    if referral.is_draft:
        raise ValidationError("Notes can only be added to a referral that has been made.")
    if amends is not None and (amends.referral_id != referral.pk or not amends.is_note):
        raise ValidationError("A note can only correct another note of the same referral.")
    before = referral.status
    if kind == EventKind.INFORMATION_REQUESTED and referral.is_open:
        referral.status = Status.AWAITING_INFORMATION
    elif kind == EventKind.INFORMATION and referral.status == Status.AWAITING_INFORMATION:
        referral.status = Status.SCREENING
    if referral.status != before:
        Referral.objects.filter(pk=referral.pk).update(status=referral.status, version=F("version") + 1)
        referral.version += 1
    event = _event(referral=referral, kind=kind, actor=actor, text=text, amends=amends)
    audit_record(
        actor=actor, action="referrals.note_added", obj=referral,
        detail=f"{kind}{' amending ' + str(amends.pk) if amends else ''}", request=request,
    )  # fmt: skip
    return event


def panel_for(*, age: int | None, routing: RoutingSettings | None = None) -> Any:
    """The panel the council sends someone of this age to: its under-18 panel or its adult panel, falling back
    on an active panel of the right kind, then on Channel."""
    routing = routing or RoutingSettings.objects.get_or_create(pk=1)[0]
    child = age is not None and age < 18
    configured = routing.under_18_panel if child else routing.adult_panel
    if configured is not None:
        return configured
    kinds = [PanelKind.UNDER_18, PanelKind.CHANNEL] if child else [PanelKind.ADULT, PanelKind.CHANNEL]
    for kind in kinds:
        panel = Panel.objects.filter(kind=kind, is_active=True).order_by("pk").first()
        if panel is not None:
            return panel
    return None


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
    request: Any = None,
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
    _bump_version(referral, expected_version)
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
    referral.save()
    if decision == Decision.SIGNPOSTED:
        ReferralSignpost.objects.bulk_create(
            [ReferralSignpost(referral=referral, service=s, label=s.label) for s in services]
        )
    text = referral.get_decision_display() + (f": {panel}" if panel is not None else "")
    _event(referral=referral, kind=EventKind.DECIDED, actor=actor, text=text)
    audit_record(
        actor=actor, action="referrals.referral_decided", obj=referral,
        changes={"decision": {"old": "", "new": decision.value}, "decision_notes": {"sensitive": True}},
        request=request,
    )  # fmt: skip
    if panel is not None:
        case_open_from_referral(referral=referral, panel=panel, opened_by=actor, request=request)
    _notify(
        recipients=[referral.created_by.email] if referral.created_by.is_active else [],
        subject="A Prevent referral you made has a decision",
        referral=referral,
    )
    return referral


# --- Lists and routing -------------------------------------------------------------------------------------------


@transaction.atomic
def list_item_save(
    *, model: type[models.Model], actor: User, item: Any = None, data: dict[str, Any], request: Any = None
) -> Any:
    """Create or change a row of an editable list. Old referrals keep the wording they were answered with."""
    fields = ("label", "hint", "is_active", "order")
    creating = item is None
    item = item or model()
    before = snapshot(item, fields)
    for name in fields:
        if name in data:
            setattr(item, name, data[name])
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action=f"referrals.{model._meta.model_name}_{'created' if creating else 'changed'}",
        obj=item,
        changes=changes_between(before, item),
        request=request,
    )
    return item


@transaction.atomic
def routing_settings_update(
    *,
    actor: User,
    under_18_panel: Any,
    adult_panel: Any,
    triage_target_days: int,
    request: Any = None,
) -> RoutingSettings:
    row, _ = RoutingSettings.objects.select_for_update().get_or_create(pk=1)
    before = snapshot(row, ["under_18_panel", "adult_panel", "triage_target_days"])
    row.under_18_panel = under_18_panel
    row.adult_panel = adult_panel
    row.triage_target_days = triage_target_days
    row.full_clean()
    row.save()
    audit_record(
        actor=actor, action="referrals.routing_changed", obj=row, changes=changes_between(before, row), request=request
    )
    return row
