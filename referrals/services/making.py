"""Making a referral: starting a draft, saving its pages, what it still needs, and sending it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from accounts.permissions import access_for
from accounts.roles import Role
from core.audit import audit_record, changes_between, snapshot
from core.idempotency import create_once
from core.locking import versioned_update
from people.services import person_for_new_referral
from schools.models import School

from ..models import (
    ConcernType,
    EventKind,
    Indicator,
    ReferenceCounter,
    Referral,
    ReferralIndicator,
    Sector,
    Status,
)
from .notifications import recipients_with_role, referral_notify
from .timeline import referral_event_add

# Which referral fields each page of the flow may set.
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    "person": ("first_name", "last_name", "date_of_birth", "age_given", "gender", "ethnicity", "address_area"),
    "school": ("school", "not_in_school"),
    "referrer": (
        "referrer_sector", "referrer_organisation", "referrer_name", "referrer_role", "referrer_email",
        "referrer_phone",
    ),
    "concern": ("concern_type", "narrative", "came_to_light", "online_activity", "mass_casualty_interest"),
    "vulnerabilities": (
        "mental_health", "neurodiversity", "exploitation", "online_harm", "vulnerability_details",
        "additional_needs", "additional_needs_details", "other_safeguarding",
    ),
    "actions": (
        "family_spoken_to", "early_help", "team_around_child", "actions_details", "person_aware", "family_aware",
    ),
}  # fmt: skip
STEPS = tuple(STEP_FIELDS)


def only_own_school(actor: User) -> bool:
    """A DSL (with no wider role that makes referrals) refers from their own school only."""
    access = access_for(actor)
    wider = {Role.COORDINATOR, Role.ADVISER, Role.CSC_PRACTITIONER}
    return bool(access.school_ids) and not (access.roles & wider)


def referral_start(*, created_by: User, form_token: str | None = None, request: HttpRequest | None = None) -> Referral:
    """A new draft, with what the portal already knows about the referrer filled in. A double click on "Start"
    sends one token twice: the second gets the draft the first started."""
    return create_once(
        token=form_token, actor=created_by, model=Referral, create=lambda: _draft_start(created_by, request)
    )


def _draft_start(created_by: User, request: HttpRequest | None) -> Referral:
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
    referral_event_add(referral=referral, kind=EventKind.CREATED, actor=created_by)
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
    request: HttpRequest | None = None,
) -> Referral:
    """Save one page of a draft. Only the fields of that page are touched."""
    if not referral.is_draft or referral.created_by_id != actor.pk:
        raise PermissionDenied("Only the person making a draft referral may change it.")
    fields = STEP_FIELDS[step]
    school = data.get("school")
    if (
        "school" in data
        and only_own_school(actor)
        and (school is None or school.pk not in access_for(actor).school_ids)
    ):
        raise ValidationError({"school": "Select your own school"})
    before = snapshot(referral, fields)
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
    versioned_update(
        instance=referral, expected_version=expected_version, fields=[*fields, "age_given", "concern_type_label"]
    )
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


@transaction.atomic
def referral_submit(
    *, referral: Referral, submitted_by: User, expected_version: int, request: HttpRequest | None = None
) -> Referral:
    if not referral.is_draft or referral.created_by_id != submitted_by.pk:
        raise PermissionDenied("Only the person making a draft referral may send it.")
    missing = referral_missing_steps(referral=referral)
    if missing:
        raise ValidationError(list(missing.values()))
    now = timezone.now()
    today = timezone.localdate(now)
    referral.status = Status.NEW
    referral.submitted_at = now
    referral.submitted_on = today
    referral.reference = _next_reference(today)
    referral.age_at_referral = referral.age_on(today)
    referral.full_clean()
    versioned_update(
        instance=referral,
        expected_version=expected_version,
        fields=["status", "submitted_at", "submitted_on", "reference", "age_at_referral"],
    )
    person_for_new_referral(referral=referral)
    referral_event_add(referral=referral, kind=EventKind.SUBMITTED, actor=submitted_by)
    audit_record(actor=submitted_by, action="referrals.referral_submitted", obj=referral, request=request)
    referral_notify(
        recipients=recipients_with_role(Role.COORDINATOR), template="referrals/email/new_referral",
        referral=referral,
    )  # fmt: skip
    return referral
