"""Report pages: the list and history, a request, one report with its progress, the download, make again,
try again, and schedules. A view first fetches through a selector scoped to the user: out of scope is a 404;
a reader on a coordinator's page gets a 403."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from accounts.permissions import Capability, has_capability, signed_in_user
from core.downloads import export_list
from core.forms import add_service_errors
from core.idempotency import REUSED_MESSAGE
from core.lists import filters_used
from core.storage import stored_file_response

from . import exports, services
from .forms import ConfirmForm, MakeAgainForm, ReportRequestForm, RevisionForm, ScheduleEditForm, ScheduleForm
from .leases import report_sweep_stale
from .models import Report, ReportState
from .register import release_current
from .selectors import (
    release_get_for_user,
    release_list_visible_to,
    report_get_for_user,
    report_list_for_page,
    schedule_get_for_user,
    schedule_list_visible_to,
)

PAGE_SIZE = 25


def _require_view(request: HttpRequest) -> None:
    if not has_capability(request.user, Capability.REPORTS_VIEW):
        raise Http404


def _require_request(request: HttpRequest) -> None:
    """Coordinators only; other report readers see the page exists but may not use it."""
    _require_view(request)
    if not has_capability(request.user, Capability.REPORTS_REQUEST):
        raise PermissionDenied(
            "Only the Prevent coordinators ask for reports, schedule them and keep the publication register."
        )


def report_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    can_request = has_capability(request.user, Capability.REPORTS_REQUEST)
    if can_request:
        report_sweep_stale()  # a report whose worker died, or whose message was lost, goes back in the queue
    filterset = report_list_for_page(user=request.user, params=request.GET)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/list.html",
        {
            "filter": filterset,
            "filters_used": filters_used(filterset),
            "page_obj": page,
            "reports": page.object_list,
            "can_request": can_request,
        },
    )


def report_export(request: HttpRequest) -> HttpResponseBase:
    """The reports the list shows with these filters (their titles and dates, never their figures)."""
    return export_list(request, exports.REPORTS)


def report_request(request: HttpRequest) -> HttpResponse:
    _require_request(request)
    form = ReportRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_request(
                requested_by=signed_in_user(request),
                title=data["title"],
                committee=data["committee"],
                meeting_date=data.get("meeting_date"),
                period_start=data["period_start"],
                period_end=data["period_end"],
                classification=data["classification"],
                sections=data["sections"],
                request=request,
                form_token=data["form_token"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("reports:detail", pk=report.pk)
    return render(
        request,
        "reports/form_page.html",
        {
            "form": form,
            "heading": "Request a committee report",
            "intro": "The report is made in the background from the figures in the portal on the day it is made. "
            "It takes a minute or so; you can leave the page and come back.",
            "back_url": reverse("reports:list"),
            "back_text": "Back to committee reports",
        },
    )


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    report = report_get_for_user(user=request.user, pk=pk)
    can_request = has_capability(request.user, Capability.REPORTS_REQUEST)
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "can_request": can_request,
            "again_form": MakeAgainForm(),
            "retry_form": ConfirmForm(submit_label="Try again"),
            "made_again": list(report.made_again.order_by("-created_at")[:5]) if can_request else [],
        },
    )


def _status(report: Report) -> dict[str, Any]:
    return {
        "state": report.state,
        "state_label": report.get_state_display(),
        "progress": report.progress,
        "note": report.progress_note,
        "finished": report.is_finished,
        "download_url": reverse("reports:download", kwargs={"pk": report.pk})
        if report.state == ReportState.DONE
        else None,
    }


@never_cache
def report_status(request: HttpRequest, pk: int) -> JsonResponse:
    """For the page's progress script: state and progress only, never a figure."""
    _require_view(request)
    report = report_get_for_user(user=request.user, pk=pk)
    return JsonResponse(_status(report))


def report_download(request: HttpRequest, pk: int) -> FileResponse:
    _require_view(request)
    report = report_get_for_user(user=request.user, pk=pk)
    if report.state != ReportState.DONE or not report.file_path or not default_storage.exists(report.file_path):
        raise Http404
    with transaction.atomic():
        services.report_record_download(report=report, user=signed_in_user(request), request=request)
    return stored_file_response(report.file_path, filename=report.download_name, content_type="application/pdf")


def report_make_again(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    report = report_get_for_user(user=request.user, pk=pk)
    _require_request(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = MakeAgainForm(request.POST)
    if not form.is_valid():
        messages.error(request, REUSED_MESSAGE)
        return redirect("reports:detail", pk=report.pk)
    try:
        again = services.report_make_again(
            report=report,
            requested_by=signed_in_user(request),
            request=request,
            form_token=form.cleaned_data["form_token"],
        )
    except ValidationError as exc:
        # A spent token (a double click), or a General Release report whose period is no reporting period.
        messages.error(request, " ".join(exc.messages))
        return redirect("reports:detail", pk=report.pk)
    messages.success(request, "A new report is being made with the same parameters.")
    return redirect("reports:detail", pk=again.pk)


def report_retry(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    report = report_get_for_user(user=request.user, pk=pk)
    _require_request(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if report.state != ReportState.FAILED:
        messages.info(request, "Only a failed report can be tried again.")
        return redirect("reports:detail", pk=report.pk)
    services.report_retry(report=report, actor=signed_in_user(request), request=request)
    messages.success(request, "The report is being made again.")
    return redirect("reports:detail", pk=report.pk)


def release_list(request: HttpRequest) -> HttpResponse:
    """The publication register: every General Release of figures of people, latest period first."""
    _require_request(request)
    page = Paginator(release_list_visible_to(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/register.html", {"page_obj": page, "releases": page.object_list})


def release_revise(request: HttpRequest, pk: int) -> HttpResponse:
    _require_request(request)
    release = release_get_for_user(user=request.user, pk=pk)
    current = release_current(start=release.period_start, end=release.period_end)
    if current is None or current.pk != release.pk:
        messages.info(request, "These figures have been revised already: revise the latest release of the period.")
        return redirect("reports:register")
    form = RevisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.release_revision_request(
                release=release,
                requested_by=signed_in_user(request),
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The revised figures are being checked and made into a report.")
            return redirect("reports:detail", pk=report.pk)
    return render(
        request,
        "reports/form_page.html",
        {
            "form": form,
            "heading": f"Release revised figures for {release.period_start:%-d %B %Y} to {release.period_end:%-d %B %Y}",
            "intro": "The figures are made again from today's data and checked against every release they overlap, "
            "this one included, withholding more where a difference could give someone away. From then on every "
            "General Release report for the period prints the revised figures.",
            "back_url": reverse("reports:register"),
            "back_text": "Back to the publication register",
        },
    )


def schedule_list(request: HttpRequest) -> HttpResponse:
    _require_request(request)
    schedules = list(schedule_list_visible_to(user=request.user))
    return render(
        request,
        "reports/schedule_list.html",
        {"schedules": schedules, "stop_form": ConfirmForm(submit_label="Stop", secondary=True)},
    )


def schedule_new(request: HttpRequest) -> HttpResponse:
    _require_request(request)
    form = ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.schedule_create(
                created_by=signed_in_user(request),
                title=data["title"],
                committee=data["committee"],
                frequency=data["frequency"],
                classification=data["classification"],
                sections=data["sections"],
                recipients=data["recipients"],
                next_run_on=data["first_run_on"],
                request=request,
                form_token=data["form_token"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The schedule is saved.")
            return redirect("reports:schedules")
    return _schedule_form_page(
        request,
        form,
        heading="Schedule a report",
        intro="On each date the portal makes the report for the whole period just ended (for a quarterly report "
        "made on 1 January: 1 October to 31 December), and e-mails a link to the people you list.",
    )


def _schedule_form_page(request: HttpRequest, form: Any, *, heading: str, intro: str) -> HttpResponse:
    context = {"form": form, "heading": heading, "intro": intro}
    context.update(back_url=reverse("reports:schedules"), back_text="Back to scheduled reports")
    return render(request, "reports/form_page.html", context)


def schedule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_request(request)
    schedule = schedule_get_for_user(user=request.user, pk=pk)
    initial = {name: getattr(schedule, name) for name in services.SCHEDULE_EDITABLE}
    form = ScheduleEditForm(request.POST or None, initial={**initial, "version": schedule.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.schedule_update(
                schedule=schedule,
                actor=signed_in_user(request),
                expected_version=data["version"],
                request=request,
                **{name: data[name] for name in services.SCHEDULE_EDITABLE},
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The schedule is saved.")
            return redirect("reports:schedules")
    return _schedule_form_page(
        request,
        form,
        heading=f"Change the schedule \u201c{schedule.title}\u201d",
        intro=f"Changes apply from the next report. The date of the next report stays {schedule.next_run_on:%-d %B %Y}.",
    )


def schedule_stop(request: HttpRequest, pk: int) -> HttpResponse:
    _require_request(request)
    schedule = schedule_get_for_user(user=request.user, pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.schedule_stop(schedule=schedule, actor=signed_in_user(request), request=request)
    messages.success(request, f"No more reports will be made by the schedule \u201c{schedule.title}\u201d.")
    return redirect("reports:schedules")
