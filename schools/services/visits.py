"""Writes to visits and their actions, DSL network meetings and other institutions. Each runs in one transaction
with its audit event; callers check who may do it. An edit refuses a stale version (core.locking); a create, and
an edit that adds rows, runs once per form token (core.idempotency), so a double-clicked Save makes one record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from core.audit import audit_record, changes_between
from core.idempotency import create_once
from core.locking import versioned_edit, versioned_update

from ..models import Contact, Institution, NetworkMeeting, School, Visit, VisitAction

VISIT_FIELDS = ("visited_on", "kind", "offer_level", "purpose", "notes", "follow_up_on", "adviser")
ACTION_FIELDS = ("description", "owner", "due_on")
MEETING_FIELDS = ("kind", "title", "held_on", "venue", "notes")
INSTITUTION_FIELDS = ("name", "kind", "ward", "postcode", "notes")
FOLLOW_UP_BEFORE_VISIT = "The follow-up date must be on or after the date of the visit"


# ---- visits and actions ----


def school_last_visit_lock(*, school_id: int) -> None:
    """Locks the school's row before its visits change, so two visits saved at once for the same school
    refresh `last_visit_on` one after the other and the second sees the first."""
    list(School.objects.select_for_update().filter(pk=school_id).values_list("pk", flat=True))


def school_last_visit_refresh(*, school_id: int) -> None:
    """Sets `School.last_visit_on` to the latest of the school's visits (None if none). Every service that adds,
    changes or removes a visit calls it in the same transaction, after `school_last_visit_lock`; the school list
    sorts and shows this column instead of grouping every school with its visits."""
    latest = Visit.objects.filter(school_id=school_id).aggregate(last=Max("visited_on"))["last"]
    School.objects.filter(pk=school_id).update(last_visit_on=latest)


def school_last_visits_rebuild() -> int:
    """Recomputes every school's `last_visit_on` from its visits, in one UPDATE (after a bulk load of visits,
    as the demo seeder does, or to repair the column). Returns how many schools have a visit."""
    latest = Visit.objects.filter(school=OuterRef("pk")).order_by().values("school").annotate(last=Max("visited_on"))
    with transaction.atomic():
        School.objects.update(last_visit_on=Subquery(latest.values("last")))
        return School.objects.filter(last_visit_on__isnull=False).count()


@dataclass(frozen=True)
class NewAction:
    description: str
    owner: User
    due_on: date


def _add_actions(*, visit: Visit, actions: Iterable[NewAction]) -> list[VisitAction]:
    made = []
    for action in actions:
        row = VisitAction(
            visit=visit, school_id=visit.school_id, description=action.description, owner=action.owner,
            due_on=action.due_on,
        )  # fmt: skip
        row.full_clean()
        made.append(row)
    return VisitAction.objects.bulk_create(made)


def visit_log(
    *,
    school: School,
    adviser: User,
    visited_on: date,
    kind: str,
    offer_level: str,
    purpose: str,
    notes: str = "",
    follow_up_on: date | None = None,
    actions: Iterable[NewAction] = (),
    actor: User,
    request: HttpRequest | None = None,
    form_token: str | None = None,
) -> Visit:
    """Records a visit, call or e-mail with the actions agreed at it; once per `form_token`."""

    def create() -> Visit:
        school_last_visit_lock(school_id=school.pk)
        visit = Visit(
            school=school,
            adviser=adviser,
            visited_on=visited_on,
            kind=kind,
            offer_level=offer_level,
            purpose=purpose,
            notes=notes,
            follow_up_on=follow_up_on,
        )
        visit.full_clean()
        if follow_up_on and follow_up_on < visited_on:
            raise ValidationError({"follow_up_on": FOLLOW_UP_BEFORE_VISIT})
        visit.save()
        school_last_visit_refresh(school_id=school.pk)
        made = _add_actions(visit=visit, actions=actions)
        audit_record(
            actor=actor,
            action="schools.visit_logged",
            obj=visit,
            changes={"school": school.pk, "kind": kind, "offer_level": offer_level, "actions": len(made)},
            request=request,
        )
        return visit

    return create_once(token=form_token, actor=actor, model=Visit, create=create)


def visit_update(
    *,
    visit: Visit,
    actor: User,
    version: int | None,
    actions: Iterable[NewAction] = (),
    request: HttpRequest | None = None,
    form_token: str | None = None,
    **values: Any,
) -> Visit:
    """Corrects a visit's details and adds any further actions agreed. A stale `version` is refused; the same
    `form_token` twice (a double-clicked Save) adds the new actions once."""

    def update() -> Visit:
        school_last_visit_lock(school_id=visit.school_id)
        saved, before = versioned_edit(instance=visit, expected_version=version, values=values, fields=VISIT_FIELDS)
        if saved.follow_up_on and saved.follow_up_on < saved.visited_on:
            raise ValidationError({"follow_up_on": FOLLOW_UP_BEFORE_VISIT})  # the transaction undoes the save
        school_last_visit_refresh(school_id=saved.school_id)
        made = _add_actions(visit=saved, actions=actions)
        changes = changes_between(before, saved, sensitive=("notes",))
        if made:
            changes["actions_added"] = len(made)
        if changes:
            audit_record(actor=actor, action="schools.visit_updated", obj=saved, changes=changes, request=request)
        return saved

    return create_once(token=form_token, actor=actor, model=Visit, create=update)


def action_update(
    *,
    action: VisitAction,
    actor: User,
    version: int | None,
    request: HttpRequest | None = None,
    **values: Any,
) -> VisitAction:
    """Changes what an action is, who owns it and when it is due; a stale `version` is refused."""
    with transaction.atomic():
        saved, before = versioned_edit(instance=action, expected_version=version, values=values, fields=ACTION_FIELDS)
        changes = changes_between(before, saved)
        if changes:
            audit_record(actor=actor, action="schools.action_updated", obj=saved, changes=changes, request=request)
    return saved


def action_complete(
    *,
    action: VisitAction,
    actor: User,
    done: bool = True,
    version: int | None = None,
    request: HttpRequest | None = None,
) -> VisitAction:
    """Marks an action done today (or not done again). Marking it as it already is changes nothing, so a
    double-clicked button is harmless; with `version`, a change over someone else's newer one is refused."""
    with transaction.atomic():
        saved = VisitAction.objects.get(pk=action.pk)
        if done and saved.done_on is None:
            saved.done_on, saved.done_by = timezone.localdate(), actor
        elif not done and saved.done_on is not None:
            saved.done_on, saved.done_by = None, None
        else:
            return saved
        versioned_update(instance=saved, expected_version=version, fields=("done_on", "done_by"))
        audit_record(
            actor=actor,
            action="schools.action_done" if done else "schools.action_reopened",
            obj=saved,
            request=request,
        )
    return saved


# ---- network meetings and conferences ----


def meeting_create(
    *,
    actor: User,
    attendees: Iterable[Contact],
    request: HttpRequest | None = None,
    form_token: str | None = None,
    **values: Any,
) -> NetworkMeeting:
    """Records a network meeting or conference with who attended; once per `form_token`."""

    def create() -> NetworkMeeting:
        meeting = NetworkMeeting(organiser=actor, **{k: v for k, v in values.items() if k in MEETING_FIELDS})
        meeting.full_clean()
        meeting.save()
        ids = sorted({c.pk for c in attendees})
        meeting.attendees.set(ids)
        audit_record(
            actor=actor, action="schools.meeting_created", obj=meeting, changes={"attendees": len(ids)}, request=request
        )
        return meeting

    return create_once(token=form_token, actor=actor, model=NetworkMeeting, create=create)


def meeting_update(
    *,
    meeting: NetworkMeeting,
    actor: User,
    version: int | None,
    attendees: Iterable[Contact],
    request: HttpRequest | None = None,
    **values: Any,
) -> NetworkMeeting:
    """Changes a meeting and sets who attended; a stale `version` is refused (attendees included)."""
    with transaction.atomic():
        saved, before = versioned_edit(instance=meeting, expected_version=version, values=values, fields=MEETING_FIELDS)
        ids = sorted({c.pk for c in attendees})
        saved.attendees.set(ids)
        changes = changes_between(before, saved, sensitive=("notes",))
        audit_record(
            actor=actor,
            action="schools.meeting_updated",
            obj=saved,
            changes={**changes, "attendees": len(ids)},
            request=request,
        )
    return saved


# ---- other institutions ----


def _refuse_a_second_institution_of(institution: Institution) -> None:
    twin = Institution.objects.filter(name__iexact=institution.name, kind=institution.kind).exclude(pk=institution.pk)
    if twin.exists():
        raise ValidationError({"name": "An institution of this type already has this name"})


def institution_create(
    *, actor: User, request: HttpRequest | None = None, form_token: str | None = None, **values: Any
) -> Institution:
    """Adds a body without a URN that receives training (early years, FE, faith setting...); once per token."""

    def create() -> Institution:
        institution = Institution(**{k: v for k, v in values.items() if k in INSTITUTION_FIELDS})
        _refuse_a_second_institution_of(institution)
        institution.full_clean()
        institution.save()
        audit_record(actor=actor, action="schools.institution_created", obj=institution, request=request)
        return institution

    return create_once(token=form_token, actor=actor, model=Institution, create=create)


def institution_update(
    *, institution: Institution, actor: User, version: int | None, request: HttpRequest | None = None, **values: Any
) -> Institution:
    """Changes an institution; a stale `version` is refused."""
    with transaction.atomic():
        saved, before = versioned_edit(
            instance=institution, expected_version=version, values=values, fields=INSTITUTION_FIELDS
        )
        _refuse_a_second_institution_of(saved)  # the transaction undoes the save
        audit_record(
            actor=actor,
            action="schools.institution_updated",
            obj=saved,
            changes=changes_between(before, saved, sensitive=("notes",)),
            request=request,
        )
    return saved
