"""The GIAS upload for coordinators: upload and check, then a preview, then confirm.

Between the two steps the parsed rows wait in a private temporary file named by a random token that only this
user's session holds; nothing of the file travels through the browser. The confirm step compares them with the
database again, so the preview cannot go stale."""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.permissions import Capability, capability_required

from ..forms import ImportUploadForm
from ..gias import FIELD_LABELS, GiasFileError, ParsedFile, parse, plan
from ..models import School
from ..services import gias_import_apply

SESSION_KEY = "schools_gias_import"
MAX_BYTES = 200 * 1024 * 1024
KEEP_SECONDS = 24 * 3600
PREVIEW_ROWS = 200


def _store() -> Path:
    path = Path(getattr(settings, "GIAS_IMPORT_DIR", "") or Path(tempfile.gettempdir()) / "prevent-portal-gias")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _sweep(store: Path) -> None:
    """Removes uploads nobody confirmed within a day."""
    cutoff = time.time() - KEEP_SECONDS
    for old in store.glob("*.json"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass


def _pending_path(request: HttpRequest) -> tuple[Path, dict[str, Any]] | None:
    pending = request.session.get(SESSION_KEY)
    if not isinstance(pending, dict):
        return None
    token = str(pending.get("token", ""))
    if not token.isalnum() or pending.get("user_id") != request.user.pk:
        return None
    path = _store() / f"{token}.json"
    return (path, pending) if path.exists() else None


def _forget(request: HttpRequest) -> None:
    found = _pending_path(request)
    if found is not None:
        found[0].unlink(missing_ok=True)
    request.session.pop(SESSION_KEY, None)


@capability_required(Capability.SCHOOLS_IMPORT)
def import_upload(request: HttpRequest) -> HttpResponse:
    la_code = getattr(settings, "COUNCIL_LA_CODE", "") or (
        School.objects.exclude(la_code="").order_by("-id").values_list("la_code", flat=True).first() or ""
    )
    form = ImportUploadForm(request.POST or None, request.FILES or None, initial={"la_code": la_code})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            form.add_error("file", "The file must be smaller than 200 MB")
        else:
            try:
                parsed = parse(upload.read(), la_code=form.cleaned_data["la_code"])
            except GiasFileError as error:
                form.add_error("file", str(error))
            else:
                _forget(request)
                store = _store()
                _sweep(store)
                token = secrets.token_hex(16)
                path = store / f"{token}.json"
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    json.dump(parsed.to_json(), out)
                request.session[SESSION_KEY] = {
                    "token": token,
                    "user_id": request.user.pk,
                    "filename": os.path.basename(upload.name or "")[:120],
                }
                return redirect("schools:import_preview")
    return render(request, "schools/import_upload.html", {"form": form})


@capability_required(Capability.SCHOOLS_IMPORT)
def import_preview(request: HttpRequest) -> HttpResponse:
    found = _pending_path(request)
    if found is None:
        if request.method == "POST":
            messages.error(request, "That upload has expired or was already imported. Upload the file again.")
        return redirect("schools:import_upload")
    path, pending = found
    parsed = ParsedFile.from_json(json.loads(path.read_text(encoding="utf-8")))
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            _forget(request)
            messages.info(request, "Import cancelled: nothing was changed.")
            return redirect("schools:import_upload")
        try:
            result = gias_import_apply(
                parsed=parsed, actor=request.user, request=request, filename=pending.get("filename", "")
            )
        except ValidationError:
            messages.error(request, "The file has rows in error, so nothing was imported.")
            return redirect("schools:import_preview")
        _forget(request)
        messages.success(request, f"GIAS import done: {result.summary()}.")
        return redirect("schools:list")
    result = plan(parsed)
    changed = [(row, [FIELD_LABELS.get(f, f) for f in fields]) for row, fields in result.changed[:PREVIEW_ROWS]]
    return render(
        request,
        "schools/import_preview.html",
        {
            "result": result,
            "parsed": parsed,
            "filename": pending.get("filename", ""),
            "changed": changed,
            "new": result.new[:PREVIEW_ROWS],
            "closed": result.closed[:PREVIEW_ROWS],
            "errors": result.errors[:PREVIEW_ROWS],
            "preview_rows": PREVIEW_ROWS,
        },
    )
