"""The retention schedule page for system administrators, at /retention/ (the schedule and its rules are core's;
who may change them is accounts'): the periods, what each rule would do today (the dry run), starting the
schedule, and the last run."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import add_service_errors
from core.retention import (
    SETTING_FIELDS,
    retention_preview,
    retention_rules,
    retention_settings,
    retention_settings_update,
    retention_start,
)

from ..forms import RetentionScheduleForm
from ..permissions import Capability, capability_required, signed_in_user


@capability_required(Capability.RETENTION_MANAGE)
@require_http_methods(["GET", "POST"])
def retention_page(request: HttpRequest) -> HttpResponse:
    row = retention_settings()
    form = RetentionScheduleForm(
        request.POST if request.method == "POST" else None, instance=row, initial={"version": row.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            retention_settings_update(
                actor=signed_in_user(request),
                values={name: form.cleaned_data[name] for name in SETTING_FIELDS},
                expected_version=form.cleaned_data["version"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The retention schedule is saved.")
            return redirect("retention:page")
    last_counts = row.last_run_counts or {}
    return render(
        request,
        "accounts/retention.html",
        {
            "form": form,
            "schedule": row,
            "preview": retention_preview(),
            "last_run": [(rule.label, last_counts.get(rule.key, 0)) for rule in retention_rules()],
        },
    )


@capability_required(Capability.RETENTION_MANAGE)
@require_POST
def retention_start_view(request: HttpRequest) -> HttpResponse:
    retention_start(actor=signed_in_user(request), request=request)
    messages.success(request, "The retention schedule is started: it is applied every night from tonight.")
    return redirect("retention:page")
