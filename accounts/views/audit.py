"""The audit trail: search for coordinators and system administrators, and a CSV export of a search (the
export is itself an audit event). There is no page that changes or deletes an event."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from core.downloads import export_list
from core.pagination import keyset_page

from .. import exports
from ..permissions import Capability, capability_required
from ..selectors import audit_event_filter_for

PAGE_SIZE = 50


@capability_required(Capability.AUDIT_VIEW)
def audit_list(request: HttpRequest) -> HttpResponse:
    filterset = audit_event_filter_for(user=request.user, filters=request.GET)
    # Keyset pages: the oldest page of a million events costs what the newest does (no OFFSET, a bounded count).
    page = keyset_page(filterset.qs, params=request.GET, per_page=PAGE_SIZE, field="occurred_at")
    return render(request, "accounts/audit_list.html", {"filter": filterset, "page": page, "events": page.object_list})


@capability_required(Capability.AUDIT_VIEW)
def audit_export(request: HttpRequest) -> HttpResponseBase:
    """The events the search shows, as CSV; the export is itself an event (which filters, never the terms)."""
    return export_list(request, exports.AUDIT_EVENTS)
