"""The attendance upload: upload and check, then a preview, then confirm. Between the steps the file waits in a
private temporary file named by a random token that only this user's session holds; the confirm step reads and
checks it again, so the preview cannot go stale and a bad file writes nothing."""

from __future__ import annotations

import os
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.permissions import Capability, capability_required, has_capability

from ..forms import ImportUploadForm
from ..importer import ImportFileError, parse
from ..services import attendance_import_apply

SESSION_KEY = "training_attendance_import"
MAX_BYTES = 20 * 1024 * 1024
KEEP_SECONDS = 24 * 3600
PREVIEW_ROWS = 200


def _store() -> Path:
    path = Path(getattr(settings, "TRAINING_IMPORT_DIR", "") or Path(tempfile.gettempdir()) / "prevent-portal-training")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _sweep(store: Path) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for old in store.glob("*.csv"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass


def _pending(request: HttpRequest) -> tuple[Path, dict[str, Any]] | None:
    pending = request.session.get(SESSION_KEY)
    if not isinstance(pending, dict):
        return None
    token = str(pending.get("token", ""))
    if not token.isalnum() or pending.get("user_id") != request.user.pk:
        return None
    path = _store() / f"{token}.csv"
    return (path, pending) if path.exists() else None


def _forget(request: HttpRequest) -> None:
    found = _pending(request)
    if found is not None:
        found[0].unlink(missing_ok=True)
    request.session.pop(SESSION_KEY, None)


def _require_edit(request: HttpRequest) -> None:
    if not has_capability(request.user, Capability.TRAINING_EDIT):
        raise PermissionDenied


@capability_required(Capability.TRAINING_VIEW)
def import_upload(request: HttpRequest) -> HttpResponse:
    _require_edit(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            form.add_error("file", "The file must be smaller than 20 MB")
        else:
            data = upload.read()
            try:
                parse(data)
            except ImportFileError as error:
                form.add_error("file", str(error))
            else:
                _forget(request)
                store = _store()
                _sweep(store)
                token = secrets.token_hex(16)
                fd = os.open(store / f"{token}.csv", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                request.session[SESSION_KEY] = {
                    "token": token,
                    "user_id": request.user.pk,
                    "filename": os.path.basename(upload.name or "")[:120],
                }
                return redirect("training:import_preview")
    return render(request, "training/import_upload.html", {"form": form})


@capability_required(Capability.TRAINING_VIEW)
def import_preview(request: HttpRequest) -> HttpResponse:
    _require_edit(request)
    found = _pending(request)
    if found is None:
        if request.method == "POST":
            messages.error(request, "That upload has expired or was already imported. Upload the file again.")
        return redirect("training:import_upload")
    path, pending = found
    try:
        plan = parse(path.read_bytes())
    except ImportFileError:
        _forget(request)
        return redirect("training:import_upload")
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            _forget(request)
            messages.info(request, "Import cancelled: nothing was changed.")
            return redirect("training:import_upload")
        try:
            counts = attendance_import_apply(
                plan=plan, actor=request.user, request=request, filename=pending.get("filename", "")
            )
        except ValidationError:
            messages.error(request, "The file has rows in error, so nothing was imported.")
            return redirect("training:import_preview")
        _forget(request)
        messages.success(
            request,
            f"Imported: {counts['sessions_new']} new sessions, {counts['attendances_new']} new and "
            f"{counts['attendances_changed']} changed school attendances, {counts['attendees_new']} new named people.",
        )
        return redirect("training:session_list")
    return render(
        request,
        "training/import_preview.html",
        {
            "plan": plan,
            "filename": pending.get("filename", ""),
            "errors": plan.errors[:PREVIEW_ROWS],
            "sessions": plan.session_rows(PREVIEW_ROWS),
            "preview_rows": PREVIEW_ROWS,
        },
    )
