"""Reads of the audit trail, for the roles that may search it (coordinators and system administrators)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from accounts.permissions import Capability, has_capability

from .models import AuditEvent


def audit_event_filter_for(*, user: Any, filters: Any = None) -> Any:
    """A filter set over every event, newest first (its `.qs` is the match); a 404 for anyone without the audit
    capability. Fields with invalid values are left out of `.qs` and reported on the form."""
    if not has_capability(user, Capability.AUDIT_VIEW):
        raise Http404
    from .filters import AuditEventFilter

    qs = AuditEvent.objects.select_related("actor").order_by("-occurred_at", "-id")
    return AuditEventFilter(filters or None, queryset=qs)
