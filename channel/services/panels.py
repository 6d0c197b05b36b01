"""Changing a panel's name, kind or whether it is in use (system administrators, in the admin site)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from accounts.models import User
from core.audit import audit_record, changes_between, snapshot
from core.locking import versioned_update

from ..models.panels import Panel

PANEL_FIELDS = ("name", "kind", "is_active")


@transaction.atomic
def panel_update(
    *,
    panel: Panel,
    data: dict[str, Any],
    changed_by: User,
    expected_version: int | None,
    request: HttpRequest | None = None,
) -> Panel:
    """Saves the panel's own fields; a save from a form opened before someone else's save is refused (StaleEdit)."""
    before = snapshot(Panel.objects.get(pk=panel.pk), PANEL_FIELDS)
    for name in PANEL_FIELDS:
        if name in data:
            setattr(panel, name, data[name])
    panel.full_clean()
    versioned_update(instance=panel, expected_version=expected_version, fields=PANEL_FIELDS)
    audit_record(
        actor=changed_by, action="channel.panel_changed", obj=panel, changes=changes_between(before, panel),
        request=request,
    )  # fmt: skip
    return panel
