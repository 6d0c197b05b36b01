"""How each versioned record of the channel app is edited, for core.locking's registry: the generic two-saves
test drives every one of these through the app's real edit service (tests/core/test_edit_services.py)."""

from __future__ import annotations

from core.locking import EditService

from .models.cases import Case, EntryKind, SupportItem
from .models.meetings import Action, Meeting
from .models.panels import Panel
from .services.actions import action_update
from .services.cases import case_update
from .services.meetings import meeting_notes_save
from .services.panels import panel_update
from .services.support import support_item_update


def _latest_note(case: Case) -> str | None:
    return case.entries.filter(kind=EntryKind.NOTE).order_by("-pk").values_list("text", flat=True).first()


EDIT_SERVICES = (
    EditService(
        model=Panel,
        edit=lambda *, instance, expected_version, actor, text: panel_update(
            panel=instance, data={"name": text}, changed_by=actor, expected_version=expected_version
        ),
        read=lambda panel: panel.name,
    ),
    EditService(
        model=Case,
        # The case details page: the text is its note for the chronology, written with the change.
        edit=lambda *, instance, expected_version, actor, text: case_update(
            case=instance,
            changed_by=actor,
            case_officer=instance.case_officer,
            review_due_on=instance.review_due_on,
            exit_proposed=instance.exit_proposed,
            expected_version=expected_version,
            note=text,
        ),  # fmt: skip
        read=_latest_note,
    ),
    EditService(
        model=SupportItem,
        edit=lambda *, instance, expected_version, actor, text: support_item_update(
            item=instance,
            description=text,
            ends_on=instance.ends_on,
            changed_by=actor,
            expected_version=expected_version,
        ),  # fmt: skip
        read=lambda item: item.description,
    ),
    EditService(
        model=Meeting,
        edit=lambda *, instance, expected_version, actor, text: meeting_notes_save(
            meeting=instance, notes=text, saved_by=actor, expected_version=expected_version
        ),
        read=lambda meeting: meeting.notes,
    ),
    EditService(
        model=Action,
        edit=lambda *, instance, expected_version, actor, text: action_update(
            action=instance,
            description=text,
            owner=instance.owner,
            due_on=instance.due_on,
            changed_by=actor,
            expected_version=expected_version,
        ),  # fmt: skip
        read=lambda action: action.description,
    ),
)
