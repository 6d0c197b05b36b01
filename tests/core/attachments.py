"""Files for the attachment tests, and attachments made directly (for pages and the access table), as the
service leaves them after a clean scan."""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from core.models import Attachment
from tests.support.clamd_server import EICAR

CLEAN_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
INFECTED_PDF = b"%PDF-1.4\n% " + EICAR + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
OLE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64
TEXT = b"Chronology from the school, 3 March: met the family.\n"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"


def office_file(part: str) -> bytes:
    """A minimal Office Open XML file: `word/document.xml` for Word, `xl/workbook.xml` for Excel."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not an office file")
    return buffer.getvalue()


def attachment_on(
    target: Any, *, uploaded_by: Any, content: bytes = CLEAN_PDF, name: str = "summary.pdf"
) -> Attachment:
    stored = default_storage.save(f"attachments/test/{uuid.uuid4().hex}", ContentFile(content))
    return Attachment.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        stored_name=stored,
        original_name=name,
        kind="PDF document",
        media_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=uploaded_by,
    )
