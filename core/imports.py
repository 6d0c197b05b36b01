"""The upload, preview and confirm pages every file import uses (the GIAS schools file, training attendance).

An app describes its import once as an `ImportFlow`: how to check an upload, how to read the waiting file back,
what the preview shows and how to apply it. The pages, the waiting file (`core.uploads.PendingUploads`) and the
templates `core/import_upload.html` and `core/import_preview.html` are shared; the parsers stay in their apps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .forms import refused_upload_form
from .uploads import PendingUploads, limit_words, upload_refused

PREVIEW_ROWS = 200


class UploadRejected(Exception):
    """The file cannot be read at all; the message says why, in words for the person who uploaded it."""


@dataclass(frozen=True)
class ImportPreview:
    """What the preview page shows. `confirm_label` is empty when there is nothing to import."""

    summary: str
    stats: list[tuple[Any, str]]
    errors: list[tuple[Any, str]]
    confirm_label: str = ""
    nothing_to_import: str = ""
    detail: dict[str, Any] = field(default_factory=dict)  # for the app's detail template


@dataclass(frozen=True)
class ImportFlow:
    title: str  # "Import schools from GIAS"
    preview_title: str  # "Check the GIAS import"
    uploads: PendingUploads
    max_bytes_setting: str  # the setting holding the largest file accepted, in bytes; the view says it too
    upload_url: str  # URL names
    preview_url: str
    done_url: str
    intro_template: str  # the app's words about the file, on the upload page
    detail_template: str  # the app's tables of what would change, on the preview page
    error_hint: str  # what to do about rows in error
    check: Callable[[IO[bytes], forms.Form], bytes]  # the upload, read as a stream -> the bytes to keep; raises
    # UploadRejected
    load: Callable[[bytes], Any]  # the kept bytes -> the app's plan; raises UploadRejected
    preview: Callable[[Any], ImportPreview]
    apply: Callable[..., str]  # (plan, *, request, filename) -> the success message; raises ValidationError
    back_url: str = ""  # URL name of the upload page's back link, if it has one
    back_label: str = ""
    subnav: str = ""  # template of the app's sub-navigation, if it has one

    @property
    def max_bytes(self) -> int:
        return int(getattr(settings, self.max_bytes_setting))

    def limit_words(self) -> str:
        return limit_words(self.max_bytes)


def import_upload_page(request: HttpRequest, flow: ImportFlow, form: forms.Form) -> HttpResponse:
    """The upload page: a file that cannot be read at all is a form error; a readable one waits for its preview."""
    if request.method == "POST" and upload_refused(request):
        form = refused_upload_form(type(form), request.POST, message=flow.limit_words(), initial=form.initial)
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > flow.max_bytes:
            form.add_error("file", flow.limit_words())
        else:
            try:
                kept = flow.check(upload, form)
            except UploadRejected as error:
                form.add_error("file", str(error))
            else:
                flow.uploads.keep(request, kept, filename=upload.name or "")
                return redirect(flow.preview_url)
    return render(request, "core/import_upload.html", {"form": form, "flow": flow})


def import_preview_page(request: HttpRequest, flow: ImportFlow) -> HttpResponse:
    """The preview and its confirm step. Confirming reads the waiting file again and applies it in one
    transaction, so the preview cannot go stale and a file with rows in error writes nothing."""
    found = flow.uploads.waiting(request)
    if found is None:
        if request.method == "POST":
            messages.error(request, "That upload has expired or was already imported. Upload the file again.")
        return redirect(flow.upload_url)
    name, pending = found
    filename = pending.get("filename", "")
    try:
        plan = flow.load(flow.uploads.read(name))
    except UploadRejected:
        flow.uploads.forget(request)
        return redirect(flow.upload_url)
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            flow.uploads.forget(request)
            messages.info(request, "Import cancelled: nothing was changed.")
            return redirect(flow.upload_url)
        try:
            done = flow.apply(plan, request=request, filename=filename)
        except ValidationError:
            messages.error(request, "The file has rows in error, so nothing was imported.")
            return redirect(flow.preview_url)
        flow.uploads.forget(request)
        messages.success(request, done)
        return redirect(flow.done_url)
    preview = flow.preview(plan)
    context = {
        "flow": flow,
        "filename": filename,
        "preview": preview,
        "errors": preview.errors[:PREVIEW_ROWS],
        "preview_rows": PREVIEW_ROWS,
        **preview.detail,
    }
    return render(request, "core/import_preview.html", context)
