"""Subject access requests: asked for by a coordinator, made on the worker (a tagged OFFICIAL-SENSITIVE PDF of
everything held and the attachments, in one zip in the file store), downloaded for the redaction review and
released. Every step writes an audit event naming the request and the person, never their content."""

from __future__ import annotations

import hashlib
import logging
import tempfile
import zipfile
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from core.audit import audit_record
from core.outbox import outbox_task
from core.storage import stored_file_response
from people.models import Person
from reports.rendering import FONT_DIR

from .models import SarState, SubjectAccessRequest
from .selectors import bundle_parts

logger = logging.getLogger(__name__)
MARKING = "OFFICIAL-SENSITIVE"


@transaction.atomic
def sar_request(*, person: Person, actor: AbstractBaseUser, request: HttpRequest | None = None) -> SubjectAccessRequest:
    from .tasks import sar_build_task

    sar = SubjectAccessRequest.objects.create(person=person, requested_by_id=actor.pk, progress_note="Waiting")
    audit_record(actor=actor, action="sar.requested", obj=sar, detail=f"person {person.pk}", request=request)
    outbox_task(task=sar_build_task, args=[sar.pk])
    return sar


def _progress(sar_id: int, percent: int, note: str) -> None:
    SubjectAccessRequest.objects.filter(pk=sar_id).update(progress=percent, progress_note=note[:120])


def sar_pdf(sar: SubjectAccessRequest, bundle: Any) -> tuple[bytes, int]:
    from weasyprint import HTML

    html = render_to_string(
        "sar/pdf/bundle.html",
        {
            "sar": sar,
            "person": sar.person,
            "bundle": bundle,
            "marking": MARKING,
            "council_name": settings.COUNCIL_NAME,
            "font_dir": FONT_DIR.as_uri(),
            "made_at": timezone.now(),
        },
    )
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    return document.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False), len(document.pages)


def sar_build(*, sar_id: int) -> SubjectAccessRequest | None:
    """Makes the bundle. Claimed by a conditional update, so a message delivered twice makes it once."""
    claimed = SubjectAccessRequest.objects.filter(pk=sar_id, state=SarState.QUEUED).update(
        state=SarState.RUNNING, progress=5, progress_note="Gathering the records"
    )
    if not claimed:
        return None
    sar = SubjectAccessRequest.objects.select_related("person").get(pk=sar_id)
    bundle = bundle_parts(sar.person)
    _progress(sar_id, 40, "Making the PDF")
    pdf, pages = sar_pdf(sar, bundle)
    _progress(sar_id, 70, "Adding the attachments")
    digest = hashlib.sha256()
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"subject-access-{sar.pk}.pdf", pdf)
            for attachment in bundle.attachments:
                with (
                    default_storage.open(attachment.stored_name) as source,
                    archive.open(f"attachments/{attachment.pk}-{attachment.original_name}", "w") as target,
                ):
                    for piece in iter(lambda: source.read(1024 * 1024), b""):
                        target.write(piece)
        spool.seek(0)
        for piece in iter(lambda: spool.read(1024 * 1024), b""):
            digest.update(piece)
        size = spool.tell()
        spool.seek(0)
        _progress(sar_id, 90, "Saving the file")
        with transaction.atomic():
            name = default_storage.save(f"sar/{sar.pk}/subject-access-{sar.pk}.zip", File(spool))
            SubjectAccessRequest.objects.filter(pk=sar_id).update(
                state=SarState.DONE, progress=100, progress_note="Ready for review", finished_at=timezone.now(),
                file_name=name, file_size=size, sha256=digest.hexdigest(), pages=pages,
                parts={p.key: len(p.records) for p in bundle.parts}, third_parties=bundle.third_parties,
            )  # fmt: skip
            audit_record(actor=None, action="sar.made", obj=sar, detail=f"person {sar.person_id}; {pages} pages")
    sar.refresh_from_db()
    return sar


def sar_mark_failed(*, sar_id: int, error: str) -> None:
    SubjectAccessRequest.objects.filter(pk=sar_id).exclude(state=SarState.DONE).update(
        state=SarState.FAILED, error=error[:2000], progress_note="Failed", finished_at=timezone.now()
    )


def sar_download(*, sar: SubjectAccessRequest, actor: AbstractBaseUser, request: HttpRequest) -> FileResponse:
    with transaction.atomic():
        audit_record(actor=actor, action="sar.downloaded", obj=sar, detail=f"person {sar.person_id}", request=request)
    return stored_file_response(sar.file_name, filename=f"subject-access-{sar.pk}.zip", content_type="application/zip")


@transaction.atomic
def sar_release(*, sar: SubjectAccessRequest, actor: AbstractBaseUser, request: HttpRequest | None = None) -> None:
    row = SubjectAccessRequest.objects.select_for_update().get(pk=sar.pk)
    if row.state != SarState.DONE:
        raise ValidationError("The bundle is not ready yet.")
    if row.released_at is not None:
        raise ValidationError("The bundle was released already.")
    row.released_at, row.released_by_id = timezone.now(), actor.pk
    row.save(update_fields=["released_at", "released_by"])
    audit_record(actor=actor, action="sar.released", obj=row, detail=f"person {row.person_id}", request=request)
