"""The audit trail: search for coordinators and system administrators, and a CSV export of a search (the
export is itself an audit event). There is no page that changes or deletes an event."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from core.csv_export import CsvColumn, export_list, iso
from core.pagination import keyset_page

from ..permissions import Capability, capability_required
from ..selectors import audit_event_filter_for

PAGE_SIZE = 50


@capability_required(Capability.AUDIT_VIEW)
def audit_list(request: HttpRequest) -> HttpResponse:
    filterset = audit_event_filter_for(user=request.user, filters=request.GET)
    # Keyset pages: the oldest page of a million events costs what the newest does (no OFFSET, a bounded count).
    page = keyset_page(filterset.qs, params=request.GET, per_page=PAGE_SIZE, field="occurred_at")
    return render(request, "accounts/audit_list.html", {"filter": filterset, "page": page, "events": page.object_list})


AUDIT_COLUMNS = [
    CsvColumn("occurred_at", "occurred_at", iso),
    CsvColumn(
        "actor_email", ("actor_id", "actor__email", "actor_email"), lambda by, email, kept: email if by else kept
    ),
    CsvColumn("actor_name", "actor__full_name"),
    CsvColumn("ip_address", "ip_address"),
    CsvColumn("action", "action"),
    CsvColumn("object_type", "object_type"),
    CsvColumn("object_id", "object_id"),
    CsvColumn("changes", "changes", lambda changes: json.dumps(changes, sort_keys=True) if changes else ""),
    CsvColumn("detail", "detail"),
]


@capability_required(Capability.AUDIT_VIEW)
def audit_export(request: HttpRequest) -> HttpResponseBase:
    """The events the search shows, as CSV; the export is itself an event (which filters, never the terms)."""
    filterset = audit_event_filter_for(user=request.user, filters=request.GET)
    return export_list(
        request, filterset=filterset, columns=AUDIT_COLUMNS, name="audit-events", action="audit.exported",
        list_url=reverse("audit:list"),
    )  # fmt: skip
