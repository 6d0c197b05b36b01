"""Every file the portal keeps, in the database: report PDFs, attachments, imports waiting for their confirm step.

`DatabaseStorage` is the project's default Django storage (`STORAGES["default"]`), so code saves and opens files
through `django.core.files.storage.default_storage` and never touches a disk. A file is a `core.StoredFile` row
and its bytes are `core.StoredFileChunk` rows of `FILE_STORAGE_CHUNK_BYTES` (1 MB) each, written one chunk at a
time from the upload or rendered bytes and read back one chunk at a time, so a 25 MB file is never whole in
memory and any web or worker process can serve any file: they share nothing but the database (PostgreSQL in
production, SQLite in the embedded default). A file saved inside a transaction that rolls back is gone with it.
"""

from __future__ import annotations

import errno
import hashlib
import io
import posixpath
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import transaction
from django.http import FileResponse
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from .models import StoredFile, StoredFileChunk


def chunk_bytes() -> int:
    step = int(getattr(settings, "FILE_STORAGE_CHUNK_BYTES", 1024 * 1024))
    if step <= 0:
        raise OSError(errno.EINVAL, "the file store's chunk size (FILE_STORAGE_CHUNK_BYTES) is not positive")
    return step


class StoredFileReader(io.RawIOBase):
    """A read-only, seekable view of one stored file that fetches one chunk per query and holds only that chunk."""

    def __init__(self, stored: StoredFile) -> None:
        super().__init__()
        self.file_id = stored.pk
        self.size = stored.size
        self.chunk_size = stored.chunk_size
        self.name = stored.name
        self._position = 0
        self._index = -1
        self._data = b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def _chunk(self, index: int) -> bytes:
        if index != self._index:
            data = StoredFileChunk.objects.filter(file_id=self.file_id, index=index).values_list("data", flat=True)
            found = list(data)
            if not found:
                raise OSError(f"{self.name}: chunk {index} is missing")
            self._data, self._index = bytes(found[0]), index
        return self._data

    def readinto(self, buffer: Any) -> int:
        if self._position >= self.size:
            return 0
        index, offset = divmod(self._position, self.chunk_size)
        data = self._chunk(index)
        view = memoryview(buffer).cast("B")
        count = min(len(view), len(data) - offset)
        view[:count] = data[offset : offset + count]
        self._position += count
        return count


@deconstructible
class DatabaseStorage(Storage):
    """Django's Storage API over `StoredFile` and `StoredFileChunk`. There are no URLs: files are sent by views
    that check who is asking (`stored_file_response`)."""

    def _open(self, name: str, mode: str = "rb") -> File[bytes]:
        if mode not in ("r", "rb"):
            raise ValueError("Stored files are read-only: save a new file instead.")
        stored = StoredFile.objects.filter(name=name).first()
        if stored is None:
            raise FileNotFoundError(name)
        # Buffered, so that read(n) gives n bytes across chunk boundaries; the buffer is one chunk.
        return File(io.BufferedReader(StoredFileReader(stored), buffer_size=stored.chunk_size), name=name)

    def _save(self, name: str, content: File[Any]) -> str:
        size = 0
        digest = hashlib.sha256()
        step = chunk_bytes()
        with transaction.atomic():
            stored = StoredFile.objects.create(name=name, chunk_size=step)
            for index, piece in enumerate(_pieces(content, step)):
                StoredFileChunk.objects.create(file=stored, index=index, data=piece)
                size += len(piece)
                digest.update(piece)
            StoredFile.objects.filter(pk=stored.pk).update(size=size, sha256=digest.hexdigest())
        return name

    def delete(self, name: str) -> None:
        StoredFile.objects.filter(name=name).delete()

    def exists(self, name: str) -> bool:
        return StoredFile.objects.filter(name=name).exists()

    def size(self, name: str) -> int:
        return int(self._row(name).size)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        prefix = path.strip("/") + "/" if path.strip("/") else ""
        directories: set[str] = set()
        files: list[str] = []
        for name in StoredFile.objects.filter(name__startswith=prefix).values_list("name", flat=True):
            head, _, tail = name[len(prefix) :].partition("/")
            if tail:
                directories.add(head)
            else:
                files.append(head)
        return sorted(directories), sorted(files)

    def get_created_time(self, name: str) -> datetime:
        return self._row(name).created_at

    def get_modified_time(self, name: str) -> datetime:
        return self._row(name).created_at

    def _row(self, name: str) -> StoredFile:
        stored = StoredFile.objects.filter(name=name).first()
        if stored is None:
            raise FileNotFoundError(name)
        return stored


def _pieces(content: File[Any] | IO[bytes], step: int) -> Iterator[bytes]:
    """Exactly `step` bytes at a time (the last piece shorter), whatever sizes the source reads in."""
    if hasattr(content, "seek") and (not hasattr(content, "seekable") or content.seekable()):
        content.seek(0)
    pending = b""
    while True:
        block = content.read(step - len(pending))
        if not block:
            break
        pending += block
        if len(pending) == step:
            yield pending
            pending = b""
    if pending:
        yield pending


def stored_sha256(name: str) -> str:
    return str(StoredFile.objects.values_list("sha256", flat=True).get(name=name))


def stored_files_delete_older(*, prefix: str, older_than: timedelta) -> int:
    """Removes files under `prefix` made more than `older_than` ago (imports nobody confirmed); how many went."""
    cutoff = timezone.now() - older_than
    doomed = StoredFile.objects.filter(name__startswith=prefix, created_at__lt=cutoff)
    count = doomed.count()
    doomed.delete()
    return count


def stored_file_response(name: str, *, filename: str, content_type: str) -> FileResponse:
    """Sends a stored file as a download, a chunk at a time, and never into a cache. The caller has checked who
    is asking and audited the download; a missing file raises FileNotFoundError."""
    handle = default_storage.open(name, "rb")
    response = FileResponse(
        handle, content_type=content_type, as_attachment=True, filename=posixpath.basename(filename)
    )
    response.block_size = chunk_bytes()
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
