from __future__ import annotations

import io
import uuid
import zipfile

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


def stored_bundle() -> str:
    """A small zip in the file store, as a made bundle leaves one."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("subject-access.pdf", b"%PDF-1.4\n%%EOF\n")
    return default_storage.save(f"sar/test/{uuid.uuid4().hex}.zip", ContentFile(buffer.getvalue()))
