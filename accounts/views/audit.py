"""The audit trail: search for coordinators and system administrators, and a CSV export of a search (the
export is itself an audit event). There is no page that changes or deletes an event."""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_record
from core.csv_export import csv_cell, csv_response
from core.models import AuditEvent
from core.pagination import keyset_page

from ..permissions import Capability, capability_required
from ..selectors import audit_event_filter_for

PAGE_SIZE = 50
CSV_COLUMNS = [
    "occurred_at",
    "actor_email",
    "actor_name",
    "ip_address",
    "action",
    "object_type",
    "object_id",
    "changes",
    "detail",
]


@capability_required(Capability.AUDIT_VIEW)
def audit_list(request: HttpRequest) -> HttpResponse:
    filterset = audit_event_filter_for(user=request.user, filters=request.GET)
    # Keyset pages: the oldest page of a million events costs what the newest does (no OFFSET, a bounded count).
    page = keyset_page(filterset.qs, params=request.GET, per_page=PAGE_SIZE, field="occurred_at")
    return render(request, "accounts/audit_list.html", {"filter": filterset, "page": page, "events": page.object_list})


def _rows(events: QuerySet[AuditEvent]) -> Iterator[list[str]]:
    yield CSV_COLUMNS
    for event in events.iterator(chunk_size=2000):
        yield [
            csv_cell(event.occurred_at.isoformat()),
            csv_cell(event.actor.email if event.actor else event.actor_email),
            csv_cell(event.actor.full_name if event.actor else ""),
            csv_cell(event.ip_address),
            csv_cell(event.action),
            csv_cell(event.object_type),
            csv_cell(event.object_id),
            csv_cell(json.dumps(event.changes, sort_keys=True) if event.changes else ""),
            csv_cell(event.detail),
        ]


@capability_required(Capability.AUDIT_VIEW)
def audit_export(request: HttpRequest) -> HttpResponseBase:
    filterset = audit_event_filter_for(user=request.user, filters=request.GET)
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, "Correct the search before exporting it.")
        return redirect(f"{reverse('audit:list')}?{request.GET.urlencode()}")
    events = filterset.qs
    used = sorted(k for k, v in (filterset.form.cleaned_data if filterset.is_bound else {}).items() if v)
    with transaction.atomic():
        count = events.count()
        # The search terms may name a person, so only which filters were used is recorded.
        audit_record(
            actor=request.user,
            action="audit.exported",
            object_type="core.auditevent",
            detail=f"{count} events; filters: {', '.join(used) or 'none'}",
            request=request,
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csv_response(_rows(events), filename=f"audit-events-{stamp}.csv")
