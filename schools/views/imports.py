"""The GIAS upload for coordinators: upload and check, then a preview, then confirm (the shared pages of
`core.imports`). Between the steps the parsed rows wait as JSON; the confirm step compares them with the database
again, so the preview cannot go stale."""

from __future__ import annotations

import json
from typing import IO, Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from accounts.permissions import Capability, capability_required, signed_in_user
from core.imports import (
    PREVIEW_ROWS,
    ImportFlow,
    ImportPreview,
    UploadRejected,
    import_preview_page,
    import_upload_page,
)
from core.uploads import PendingUploads, upload_limit

from ..forms.schools import ImportUploadForm
from ..gias import FIELD_LABELS, GiasFileError, ParsedFile, parse, plan
from ..models import School
from ..services.schools import gias_import_apply


def _check(upload: IO[bytes], form: forms.Form) -> bytes:
    try:
        parsed = parse(upload, la_code=form.cleaned_data["la_code"])
    except GiasFileError as error:
        raise UploadRejected(str(error)) from error
    return json.dumps(parsed.to_json()).encode()


def _load(data: bytes) -> ParsedFile:
    return ParsedFile.from_json(json.loads(data.decode("utf-8")))


def _preview(parsed: ParsedFile) -> ImportPreview:
    result = plan(parsed)
    authority = f", local authority {parsed.la_code}" if parsed.la_code else ""
    changed = [(row, [FIELD_LABELS.get(f, f) for f in fields]) for row, fields in result.changed[:PREVIEW_ROWS]]
    return ImportPreview(
        summary=f"Read as {parsed.encoding} with {len(parsed.columns)} columns{authority}. Nothing has been saved yet.",
        stats=[
            (len(result.new), "new"),
            (len(result.changed), "changed"),
            (len(result.closed), "now closed"),
            (result.unchanged, "unchanged"),
            (result.other_la, "of other local authorities, ignored"),
            (len(result.errors), "rows in error"),
        ],
        errors=result.errors,
        confirm_label=(
            f"Import {len(result.new)} new and {len(result.changed)} changed schools"
            if result.has_changes and not result.has_errors
            else ""
        ),
        nothing_to_import=(
            "" if result.has_errors else "Nothing would change: every school in the file is already up to date."
        ),
        detail={"result": result, "new": result.new[:PREVIEW_ROWS], "changed": changed},
    )


def _apply(parsed: ParsedFile, *, request: HttpRequest, filename: str) -> str:
    result = gias_import_apply(parsed=parsed, actor=signed_in_user(request), request=request, filename=filename)
    return f"GIAS import done: {result.summary()}."


GIAS_IMPORT = ImportFlow(
    title="Import schools from GIAS",
    preview_title="Check the GIAS import",
    uploads=PendingUploads("schools_gias_import", "gias", ".json"),
    max_bytes_setting="GIAS_IMPORT_MAX_BYTES",
    upload_url="schools:import_upload",
    preview_url="schools:import_preview",
    done_url="schools:list",
    intro_template="schools/import_intro.html",
    detail_template="schools/import_changes.html",
    error_hint="Correct the rows listed below in the file, or download it again from GIAS, and upload it again.",
    check=_check,
    load=_load,
    preview=_preview,
    apply=_apply,
    back_url="schools:list",
    back_label="Schools",
)


@capability_required(Capability.SCHOOLS_IMPORT)
@upload_limit("GIAS_IMPORT_MAX_BYTES")
def import_upload(request: HttpRequest) -> HttpResponse:
    la_code = getattr(settings, "COUNCIL_LA_CODE", "") or (
        School.objects.exclude(la_code="").order_by("-id").values_list("la_code", flat=True).first() or ""
    )
    initial: dict[str, Any] = {"la_code": la_code}
    form = ImportUploadForm(request.POST or None, request.FILES or None, initial=initial)
    return import_upload_page(request, GIAS_IMPORT, form)


@capability_required(Capability.SCHOOLS_IMPORT)
def import_preview(request: HttpRequest) -> HttpResponse:
    return import_preview_page(request, GIAS_IMPORT)
