"""Actions agreed at a panel meeting, each with an owner on the panel and a due date."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Membership, User
from accounts.roles import Role
from core.audit import audit_record
from core.idempotency import create_once
from core.locking import versioned_update

from ..models.cases import Case, EntryKind
from ..models.meetings import Action, Meeting
from .case_rows import _entry


def _refuse_unless_on_panel(*, owner: User, panel_id: int) -> None:
    is_member = (
        Membership.objects.current()
        .filter(user=owner, panel_id=panel_id, role__in=[Role.PANEL_CHAIR, Role.PANEL_MEMBER])
        .exists()
    )
    if not is_member:
        raise ValidationError({"owner": "The owner must sit on the panel"})


@transaction.atomic
def action_add(
    *,
    meeting: Meeting,
    description: str,
    owner: User,
    due_on: date,
    added_by: User,
    case: Case | None = None,
    form_token: str | None = None,
    request: HttpRequest | None = None,
) -> Action:
    _refuse_unless_on_panel(owner=owner, panel_id=meeting.panel_id)
    if case is not None and case.panel_id != meeting.panel_id:
        raise ValidationError({"case": "Choose a case of this panel"})

    def create() -> Action:
        action = Action(
            meeting=meeting, case=case, description=description.strip(), owner=owner, due_on=due_on, created_by=added_by
        )
        action.full_clean()
        action.save()
        if case is not None:
            _entry(
                case=case,
                kind=EntryKind.ACTION,
                actor=added_by,
                on=meeting.held_on,
                text=f"Action for {owner}, due {due_on:%d %B %Y}: {action.description}",
            )
        audit_record(
            actor=added_by,
            action="channel.action_added",
            obj=action,
            changes={"owner": owner.pk, "due_on": due_on.isoformat()},
            request=request,
        )
        return action

    return create_once(token=form_token, actor=added_by, model=Action, create=create)


@transaction.atomic
def action_complete(
    *, action: Action, done_by: User, on: date | None = None, request: HttpRequest | None = None
) -> Action:
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.done_on is not None:
        return action
    action.done_on = on or timezone.localdate()
    action.full_clean()
    # Marking done carries no version (a second "done" is a no-op above), but it still raises the action's.
    versioned_update(instance=action, expected_version=None, fields=["done_on"])
    if action.case is not None:
        _entry(
            case=action.case,
            kind=EntryKind.ACTION,
            actor=done_by,
            on=action.done_on,
            text=f"Action done: {action.description}",
        )
    audit_record(actor=done_by, action="channel.action_done", obj=action, request=request)
    return action


@transaction.atomic
def action_update(
    *,
    action: Action,
    description: str,
    owner: User,
    due_on: date,
    changed_by: User,
    expected_version: int | None,
    request: HttpRequest | None = None,
) -> Action:
    """Reword an action, give it to another member or move its due date; a stale page's save is refused."""
    if owner.pk != action.owner_id:  # an owner who has since left the panel may keep an action given earlier
        _refuse_unless_on_panel(owner=owner, panel_id=action.meeting.panel_id)
    action.description = description.strip()
    action.owner = owner
    action.due_on = due_on
    action.full_clean()
    versioned_update(instance=action, expected_version=expected_version, fields=["description", "owner", "due_on"])
    audit_record(
        actor=changed_by,
        action="channel.action_changed",
        obj=action,
        changes={"owner": owner.pk, "due_on": due_on.isoformat()},
        request=request,
    )
    return action
