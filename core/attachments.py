"""Attachments on referrals, cases and chronology entries: the one way a document is checked, kept and sent.

A file is kept only if it is no larger than ATTACHMENT_MAX_BYTES, its content (not its name) is one of the
allowed types, and ClamAV's daemon found it clean (`core.clamd`). A file that is too large, of another type,
infected, or that could not be scanned is refused with a `ValidationError` on the form's "file" field and
nothing is written. The bytes go to the file store (`core.storage`), the row and its audit event in the same
transaction. The apps' views check who may see or change the record first; `attachment_send` audits the download.
"""

from __future__ import annotations

import logging
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from .audit import audit_record
from .clamd import ScanUnavailable, clamd_scan
from .forms import AttachmentForm, add_service_errors, refused_upload_form
from .idempotency import create_once
from .models import Attachment, StoredFile
from .storage import stored_file_response
from .uploads import limit_words, upload_refused

logger = logging.getLogger(__name__)

ALLOWED_WORDS = "a PDF, an image (PNG, JPEG or GIF), a Word or Excel document, or a plain text file"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Bytes that never appear in plain text: NUL and the C0 controls other than tab, line feed, form feed, carriage
# return and escape.
NOT_TEXT = bytes([*range(0, 9), 11, *range(14, 27), *range(28, 32)])
READ_BYTES = 64 * 1024


@dataclass(frozen=True)
class FileKind:
    label: str
    media_type: str
    extension: str


PDF = FileKind("PDF document", "application/pdf", ".pdf")
PNG = FileKind("PNG image", "image/png", ".png")
JPEG = FileKind("JPEG image", "image/jpeg", ".jpg")
GIF = FileKind("GIF image", "image/gif", ".gif")
DOCX = FileKind("Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
XLSX = FileKind("Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
DOC = FileKind("Word 97-2003 document", "application/msword", ".doc")
XLS = FileKind("Excel 97-2003 workbook", "application/vnd.ms-excel", ".xls")
TEXT = FileKind("Plain text", "text/plain", ".txt")
SIGNATURES: list[tuple[bytes, FileKind]] = [
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
]


def _office_zip(stream: IO[bytes]) -> FileKind | None:
    """A Word or Excel file (Office Open XML) is a zip with [Content_Types].xml and word/ or xl/ parts. Only the
    zip's directory is read."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.startswith("word/") for name in names):
        return DOCX
    if any(name.startswith("xl/") for name in names):
        return XLSX
    return None


def _is_text(stream: IO[bytes]) -> bool:
    """Plain text: no control bytes anywhere, and UTF-8 or Windows-1252 in its first block."""
    head = b""
    for block in iter(lambda: stream.read(READ_BYTES), b""):
        if not head:
            head = block
        if any(byte in NOT_TEXT for byte in block):
            return False
    if not head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not just a character cut at the block's end
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return False
    return True


def file_kind(stream: IO[bytes], *, name: str = "") -> FileKind | None:
    """What the content is, from its bytes, or None if it is not an allowed type. The name only tells a Word
    97-2003 file from an Excel one, both being the same container."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    try:
        for signature, kind in SIGNATURES:
            if head.startswith(signature):
                return kind
        if head.startswith(b"PK\x03\x04"):
            return _office_zip(stream)
        if head.startswith(OLE):
            return XLS if name.lower().endswith((".xls", ".xlt")) else DOC
        return TEXT if _is_text(stream) else None
    finally:
        stream.seek(0)


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": [ValidationError(message, code="refused")]})


def attachment_check(upload: UploadedFile[bytes]) -> FileKind:
    """Size, type by content, then a virus scan. Raises ValidationError on "file" with the reason."""
    limit = int(settings.ATTACHMENT_MAX_BYTES)
    if upload.size is None or upload.size > limit:
        raise _refuse(limit_words(limit))
    if upload.size == 0:
        raise _refuse("The selected file is empty")
    stream: IO[bytes] = upload.file  # type: ignore[assignment]
    kind = file_kind(stream, name=upload.name or "")
    if kind is None:
        raise _refuse(f"The file must be {ALLOWED_WORDS}")
    try:
        result = clamd_scan(stream)
    except ScanUnavailable as error:
        logger.error("attachment refused: not scanned (%s)", error)
        raise _refuse(
            "The file could not be checked for viruses, so it was not kept. Try again later; if it happens again, "
            "contact the Prevent team"
        ) from None
    if not result.clean:
        logger.warning("attachment refused: clamd found %s", result.signature)
        raise _refuse(f"The file contains a virus ({result.signature}) and was not kept. Do not open it")
    return kind


def _safe_name(name: str, kind: FileKind) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "attachment"
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>:|?*')[:150] or "attachment"
    return base if base.lower().endswith(kind.extension) else f"{base}{kind.extension}"


def attachment_add(
    *,
    target: models.Model,
    upload: UploadedFile[bytes],
    description: str,
    actor: AbstractBaseUser,
    request: HttpRequest | None = None,
    form_token: str | None = None,
) -> Attachment:
    """Checks and scans the upload (outside any transaction: nothing is held while clamd reads it), then keeps
    the file, its row and the audit event together. Raises ValidationError when the file is refused."""
    kind = attachment_check(upload)
    content_type = ContentType.objects.get_for_model(target)

    def create() -> Attachment:
        stored_name = default_storage.save(
            f"attachments/{content_type.app_label}.{content_type.model}/{target.pk}/{uuid.uuid4().hex}", upload
        )
        stored = StoredFile.objects.get(name=stored_name)
        attachment = Attachment.objects.create(
            content_type=content_type,
            object_id=target.pk,
            stored_name=stored_name,
            original_name=_safe_name(upload.name or "", kind),
            kind=kind.label,
            media_type=kind.media_type,
            size=stored.size,
            sha256=stored.sha256,
            description=description.strip(),
            uploaded_by_id=actor.pk,
        )
        # The file's name and description may name the person: the event names the record and the attachment.
        audit_record(
            actor=actor,
            action="core.attachment_added",
            obj=target,
            detail=f"attachment {attachment.pk}: {kind.label}, {stored.size} bytes",
            request=request,
        )
        return attachment

    return create_once(token=form_token, actor=actor, model=Attachment, create=create)


def attachment_send(
    *, attachment: Attachment, actor: AbstractBaseUser | AnonymousUser, request: HttpRequest | None = None
) -> FileResponse:
    """The download, audited. The caller has checked that the user may see the record the file is on."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="core.attachment_downloaded",
            object_type=f"{attachment.content_type.app_label}.{attachment.content_type.model}",
            object_id=attachment.object_id,
            detail=f"attachment {attachment.pk}",
            request=request,
        )
    return stored_file_response(
        attachment.stored_name, filename=attachment.original_name, content_type=attachment.media_type
    )


# --- Reads --------------------------------------------------------------------------------------------------


def attachments_of(target: models.Model) -> list[Attachment]:
    content_type = ContentType.objects.get_for_model(target)
    return list(Attachment.objects.filter(content_type=content_type, object_id=target.pk).select_related("uploaded_by"))


def attachments_by_object(model: type[models.Model], ids: Iterable[Any]) -> dict[int, list[Attachment]]:
    """For a page listing many records (a chronology): each record's attachments, in one query."""
    found: dict[int, list[Attachment]] = defaultdict(list)
    rows = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=list(ids)
    ).select_related("uploaded_by")
    for attachment in rows:
        found[attachment.object_id].append(attachment)
    return dict(found)


def _on_records(on: Iterable[tuple[type[models.Model], Any]]) -> models.Q:
    query = models.Q(pk__in=[])
    for model, ids in on:
        query |= models.Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    return query


def attachment_get(*, pk: int, on: Iterable[tuple[type[models.Model], Any]]) -> Attachment:
    """The attachment if it is on one of the records `on` names, as (model, ids or a values("pk") queryset) pairs
    the caller has checked the user may see; else Attachment.DoesNotExist."""
    query = _on_records(on)
    return Attachment.objects.select_related("content_type").get(query, pk=pk)


def attachments_delete(*, on: Iterable[tuple[type[models.Model], Any]]) -> int:
    """Deletes every attachment on the records `on` names, as (model, ids or a values("pk") queryset) pairs, with
    its stored file, in the caller's transaction (the retention schedule's anonymisers). Returns how many."""
    query = _on_records(on)
    with transaction.atomic():
        names = list(Attachment.objects.filter(query).values_list("stored_name", flat=True))
        StoredFile.objects.filter(name__in=names).delete()
        removed, _ = Attachment.objects.filter(query).delete()
    return removed


# --- The upload page every app's attachment view uses -------------------------------------------------------


def attachment_upload_page(
    request: HttpRequest, *, target: models.Model, actor: AbstractBaseUser, title: str, caption: str, back_url: str
) -> HttpResponse:
    """The form to attach a file to `target` (the view has checked that `actor`, the signed-in user, may change
    it). A refused file
    comes back as the GOV.UK error summary with nothing kept; a kept one returns to `back_url`."""
    form: forms.Form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and upload_refused(request):
        form = refused_upload_form(
            AttachmentForm, request.POST, message=limit_words(int(settings.ATTACHMENT_MAX_BYTES))
        )
    elif request.method == "POST" and form.is_valid():
        try:
            attachment_add(
                target=target,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                actor=actor,
                request=request,
                form_token=form.cleaned_data["form_token"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The file was checked and attached.")
            return redirect(back_url)
    context = {"form": form, "title": title, "caption": caption, "back_url": back_url, "action_url": request.path}
    return render(request, "core/attachment_upload.html", context)


def with_download_urls(attachments: list[Attachment], url_name: str, **kwargs: Any) -> list[Attachment]:
    for attachment in attachments:
        attachment.download_url = reverse(url_name, kwargs={**kwargs, "attachment_pk": attachment.pk})  # type: ignore[attr-defined]
    return attachments
