"""A case's attachments and its chronology entries': chairs and coordinators (who may change the case) attach
files on its pages; everyone who may read the case downloads them (audited). Out of scope is a 404, a reader who
may not change the case a 403 on the upload pages."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import Capability, capability_required, signed_in_user
from core.attachments import (
    attachment_get,
    attachment_send,
    attachment_upload_page,
    attachments_by_object,
    with_download_urls,
)
from core.models import Attachment
from core.uploads import upload_limit

from ..models.cases import Case, CaseEntry
from ..selectors import case_get_for_user
from .common import case_for_write

CASES = Capability.CASES_VIEW


@capability_required(CASES)
@require_http_methods(["GET", "POST"])
@upload_limit("ATTACHMENT_MAX_BYTES")
def case_attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for_write(request, pk)
    return attachment_upload_page(
        request,
        target=case,
        actor=signed_in_user(request),
        title="Attach a file to the case",
        caption=case.reference,
        back_url=reverse("channel:case_detail", args=[case.pk]) + "#attachments",
    )


@capability_required(CASES)
@require_http_methods(["GET", "POST"])
@upload_limit("ATTACHMENT_MAX_BYTES")
def entry_attachment_add(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    case = case_for_write(request, pk)
    entry = get_object_or_404(CaseEntry, pk=entry_pk, case=case)
    return attachment_upload_page(
        request,
        target=entry,
        actor=signed_in_user(request),
        title=f"Attach a file to the entry of {entry.on:%-d %B %Y}",
        caption=case.reference,
        back_url=reverse("channel:case_chronology", args=[case.pk]) + f"#entry-{entry.pk}",
    )


@capability_required(CASES)
@require_GET
def case_attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    case = case_get_for_user(user=request.user, pk=pk, request=request)
    entries = CaseEntry.objects.filter(case=case).values("pk")
    try:
        attachment = attachment_get(pk=attachment_pk, on=[(Case, [case.pk]), (CaseEntry, entries)])
    except Attachment.DoesNotExist:
        raise Http404 from None
    return attachment_send(attachment=attachment, actor=signed_in_user(request), request=request)


def entries_with_attachments(case: Case, entries: list[CaseEntry]) -> list[CaseEntry]:
    """Sets each entry's `attachments` (with download links), one query for them all."""
    found = attachments_by_object(CaseEntry, [entry.pk for entry in entries])
    for entry in entries:
        files: Any = found.get(entry.pk, [])
        entry.attachments = with_download_urls(files, "channel:case_attachment_download", pk=case.pk)  # type: ignore[attr-defined]
    return entries
