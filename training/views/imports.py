"""The attendance upload: upload and check, then a preview, then confirm (the shared pages of `core.imports`).
The confirm step reads and checks the waiting file again, so the preview cannot go stale and a bad file writes
nothing."""

from __future__ import annotations

from typing import IO

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from accounts.permissions import Capability, capability_required, has_capability, signed_in_user
from core.imports import (
    PREVIEW_ROWS,
    ImportFlow,
    ImportPreview,
    UploadRejected,
    import_preview_page,
    import_upload_page,
)
from core.uploads import PendingUploads, upload_limit

from ..forms.imports import ImportUploadForm
from ..import_writer import attendance_import_apply
from ..importer import ImportFileError, ImportPlan, parse


def _require_edit(request: HttpRequest) -> None:
    if not has_capability(request.user, Capability.TRAINING_EDIT):
        raise PermissionDenied


def _load(data: bytes) -> ImportPlan:
    try:
        return parse(data)
    except ImportFileError as error:
        raise UploadRejected(str(error)) from error


def _check(upload: IO[bytes], form: forms.Form) -> bytes:
    data = upload.read()  # at most TRAINING_IMPORT_MAX_BYTES
    _load(data)
    return data


def _preview(plan: ImportPlan) -> ImportPreview:
    return ImportPreview(
        summary="Nothing has been saved yet.",
        stats=[
            (plan.rows, "rows"),
            (len(plan.sessions), "sessions"),
            (plan.attendances, "school attendances"),
            (plan.head_count, "attendees"),
            (plan.named_attendees, "named people"),
            (len(plan.errors), "rows in error"),
        ],
        errors=plan.errors,
        confirm_label=f"Import {plan.rows} rows" if plan.rows and not plan.has_errors else "",
        detail={"plan": plan, "sessions": plan.session_rows(PREVIEW_ROWS)},
    )


def _apply(plan: ImportPlan, *, request: HttpRequest, filename: str) -> str:
    counts = attendance_import_apply(plan=plan, actor=signed_in_user(request), request=request, filename=filename)
    return (
        f"Imported: {counts['sessions_new']} new sessions, {counts['attendances_new']} new and "
        f"{counts['attendances_changed']} changed school attendances, {counts['attendees_new']} new named people."
    )


ATTENDANCE_IMPORT = ImportFlow(
    title="Import training attendance",
    preview_title="Check the attendance import",
    uploads=PendingUploads("training_attendance_import", "attendance", ".csv"),
    max_bytes_setting="TRAINING_IMPORT_MAX_BYTES",
    upload_url="training:import_upload",
    preview_url="training:import_preview",
    done_url="training:session_list",
    intro_template="training/import_intro.html",
    detail_template="training/import_sessions.html",
    error_hint="Correct the rows listed below in the file and upload it again.",
    check=_check,
    load=_load,
    preview=_preview,
    apply=_apply,
    subnav="training/includes/subnav.html",
)


@capability_required(Capability.TRAINING_VIEW)
@upload_limit("TRAINING_IMPORT_MAX_BYTES")
def import_upload(request: HttpRequest) -> HttpResponse:
    _require_edit(request)
    return import_upload_page(request, ATTENDANCE_IMPORT, ImportUploadForm(request.POST or None, request.FILES or None))


@capability_required(Capability.TRAINING_VIEW)
def import_preview(request: HttpRequest) -> HttpResponse:
    _require_edit(request)
    return import_preview_page(request, ATTENDANCE_IMPORT)
