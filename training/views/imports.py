"""The attendance upload: upload and check, then a preview, then confirm. Between the steps the file waits in a
private temporary file named by a random token that only this user's session holds; the confirm step reads and
checks it again, so the preview cannot go stale and a bad file writes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.permissions import Capability, capability_required, has_capability
from core.uploads import PendingUploads

from ..forms import ImportUploadForm
from ..importer import ImportFileError, parse
from ..services import attendance_import_apply

MAX_BYTES = 20 * 1024 * 1024
PREVIEW_ROWS = 200
UPLOADS = PendingUploads("training_attendance_import", "TRAINING_IMPORT_DIR", "prevent-portal-training", ".csv")


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
                UPLOADS.keep(request, data, filename=upload.name or "")
                return redirect("training:import_preview")
    return render(request, "training/import_upload.html", {"form": form})


@capability_required(Capability.TRAINING_VIEW)
def import_preview(request: HttpRequest) -> HttpResponse:
    _require_edit(request)
    found = UPLOADS.waiting(request)
    if found is None:
        if request.method == "POST":
            messages.error(request, "That upload has expired or was already imported. Upload the file again.")
        return redirect("training:import_upload")
    path, pending = found
    try:
        plan = parse(path.read_bytes())
    except ImportFileError:
        UPLOADS.forget(request)
        return redirect("training:import_upload")
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            UPLOADS.forget(request)
            messages.info(request, "Import cancelled: nothing was changed.")
            return redirect("training:import_upload")
        try:
            counts = attendance_import_apply(
                plan=plan, actor=request.user, request=request, filename=pending.get("filename", "")
            )
        except ValidationError:
            messages.error(request, "The file has rows in error, so nothing was imported.")
            return redirect("training:import_preview")
        UPLOADS.forget(request)
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
