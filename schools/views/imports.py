"""The GIAS upload for coordinators: upload and check, then a preview, then confirm.

Between the two steps the parsed rows wait in a private temporary file named by a random token that only this
user's session holds; nothing of the file travels through the browser. The confirm step compares them with the
database again, so the preview cannot go stale."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.permissions import Capability, capability_required
from core.uploads import PendingUploads

from ..forms import ImportUploadForm
from ..gias import FIELD_LABELS, GiasFileError, ParsedFile, parse, plan
from ..models import School
from ..services import gias_import_apply

MAX_BYTES = 200 * 1024 * 1024
PREVIEW_ROWS = 200
UPLOADS = PendingUploads("schools_gias_import", "GIAS_IMPORT_DIR", "prevent-portal-gias", ".json")


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
                UPLOADS.keep(request, json.dumps(parsed.to_json()).encode(), filename=upload.name or "")
                return redirect("schools:import_preview")
    return render(request, "schools/import_upload.html", {"form": form})


@capability_required(Capability.SCHOOLS_IMPORT)
def import_preview(request: HttpRequest) -> HttpResponse:
    found = UPLOADS.waiting(request)
    if found is None:
        if request.method == "POST":
            messages.error(request, "That upload has expired or was already imported. Upload the file again.")
        return redirect("schools:import_upload")
    path, pending = found
    parsed = ParsedFile.from_json(json.loads(path.read_text(encoding="utf-8")))
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            UPLOADS.forget(request)
            messages.info(request, "Import cancelled: nothing was changed.")
            return redirect("schools:import_upload")
        try:
            result = gias_import_apply(
                parsed=parsed, actor=request.user, request=request, filename=pending.get("filename", "")
            )
        except ValidationError:
            messages.error(request, "The file has rows in error, so nothing was imported.")
            return redirect("schools:import_preview")
        UPLOADS.forget(request)
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
