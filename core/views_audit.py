"""The audit trail: search for coordinators and system administrators, and a CSV export of a search (the
export is itself an audit event). There is no page that changes or deletes an event."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.permissions import Capability, capability_required

from .audit import audit_record
from .selectors import audit_event_filter_for

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
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", {"filter": filterset, "page_obj": page, "events": page.object_list})


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> str:
    """Neutralises spreadsheet formulas (CSV injection): a value starting with = + - @ is prefixed with '."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _rows(events: Any) -> Iterator[list[str]]:
    yield CSV_COLUMNS
    for event in events.iterator(chunk_size=2000):
        yield [
            _cell(event.occurred_at.isoformat()),
            _cell(event.actor.email if event.actor else event.actor_email),
            _cell(event.actor.full_name if event.actor else ""),
            _cell(event.ip_address),
            _cell(event.action),
            _cell(event.object_type),
            _cell(event.object_id),
            _cell(json.dumps(event.changes, sort_keys=True) if event.changes else ""),
            _cell(event.detail),
        ]


@capability_required(Capability.AUDIT_VIEW)
def audit_export(request: HttpRequest) -> HttpResponse:
    filterset = audit_event_filter_for(user=request.user, filters=request.GET)
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, "Correct the search before exporting it.")
        return redirect(f"{reverse('core:audit_list')}?{request.GET.urlencode()}")
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
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse((writer.writerow(row) for row in _rows(events)), content_type="text/csv")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-events-{stamp}.csv"'
    return response
