"""Uploads: how big a page accepts, and an uploaded file waiting between its preview and the confirm step.

Every view that takes a file names its limit with `@upload_limit("SETTING")` (a setting in bytes). The
`UploadLimitMiddleware` (before CSRF, whose check reads the body) answers a request whose declared length is over
the view's limit with the "too big" page at once, without reading the body, and otherwise puts a handler in front
of Django's that stops reading as soon as the file parts pass the limit (a body sent without a length), which the
view sees as `upload_refused(request)`. A view with no declared limit accepts no more than
DATA_UPLOAD_MAX_MEMORY_SIZE. File parts above FILE_UPLOAD_MAX_MEMORY_SIZE wait in a temporary file for the length
of the request only.

An import waiting for its confirm step is kept in the file store (core.storage, so any web server can show the
preview and confirm it) under a random token that only the uploader's session holds: nothing of the file travels
through a hidden form field and another user cannot confirm it. Files nobody confirmed go after a day
(`pending_uploads_sweep`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .storage import stored_files_delete_older

KEEP = timedelta(days=1)
PENDING_PREFIX = "pending/"
# Room for the form's other fields and the multipart headers around the file.
FORM_ALLOWANCE = 64 * 1024

View = TypeVar("View", bound=Callable[..., Any])


def upload_limit(setting: str) -> Callable[[View], View]:
    """Marks a view as taking a file of at most `settings.<setting>` bytes. Put it nearest the function, under
    the access decorators, so they carry the mark outwards."""

    def mark(view: View) -> View:
        view.upload_max_bytes_setting = setting  # type: ignore[attr-defined]
        return view

    return mark


def view_upload_limit(view: Callable[..., Any]) -> int:
    setting = getattr(view, "upload_max_bytes_setting", "")
    return int(getattr(settings, setting)) if setting else int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def limit_words(max_bytes: int) -> str:
    size = f"{max_bytes // (1024 * 1024)} MB" if max_bytes >= 1024 * 1024 else f"{max_bytes // 1024} KB"
    return f"The file must be smaller than {size}"


class LimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of every file part of one request and stops reading the body once they pass the limit."""

    def __init__(self, request: HttpRequest, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0
        self.too_large = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def upload_refused(request: HttpRequest) -> bool:
    """Whether the body's file parts passed the view's limit (their reading was stopped)."""
    return any(isinstance(h, LimitedUploadHandler) and h.too_large for h in request.upload_handlers)


def too_large_response(request: HttpRequest, max_bytes: int) -> HttpResponse:
    response = render(
        request,
        "core/upload_too_large.html",
        {"limit_words": limit_words(max_bytes), "back_url": request.path},
        status=413,
    )
    response["Connection"] = "close"  # the rest of the body is never read
    return response


class UploadLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        max_bytes = view_upload_limit(view)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > max_bytes + FORM_ALLOWANCE:
            return too_large_response(request, max_bytes)
        request.upload_handlers.insert(0, LimitedUploadHandler(request, max_bytes))
        return None


@dataclass(frozen=True)
class PendingUploads:
    session_key: str
    kind: str  # its folder in the file store: pending/<kind>/
    suffix: str  # ".json", ".csv"

    def _name(self, token: str) -> str:
        return f"{PENDING_PREFIX}{self.kind}/{token}{self.suffix}"

    def keep(self, request: HttpRequest, data: bytes, *, filename: str) -> None:
        """Stores the bytes for this user's session, replacing any upload of theirs still waiting."""
        self.forget(request)
        pending_uploads_sweep()
        token = secrets.token_hex(16)
        default_storage.save(self._name(token), ContentFile(data))
        request.session[self.session_key] = {
            "token": token,
            "user_id": request.user.pk,
            "filename": str(filename or "").replace("\\", "/").rsplit("/", 1)[-1][:120],
        }

    def waiting(self, request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
        """The waiting file's name in the store and its session record, or None if there is none for this user."""
        pending = request.session.get(self.session_key)
        if not isinstance(pending, dict):
            return None
        token = str(pending.get("token", ""))
        if not token.isalnum() or pending.get("user_id") != request.user.pk:
            return None
        name = self._name(token)
        return (name, pending) if default_storage.exists(name) else None

    def read(self, name: str) -> bytes:
        with default_storage.open(name, "rb") as stored:
            return bytes(stored.read())

    def forget(self, request: HttpRequest) -> None:
        found = self.waiting(request)
        if found is not None:
            default_storage.delete(found[0])
        request.session.pop(self.session_key, None)


def pending_uploads_sweep() -> int:
    """Removes imports nobody confirmed within a day; how many went."""
    return stored_files_delete_older(prefix=PENDING_PREFIX, older_than=KEEP)
