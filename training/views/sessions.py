"""Sessions: the list, a session's page, entering a session with its schools on one page, feedback, and the
schools' attendance rows with their named attendees."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import Capability, access_for, capability_required, signed_in_user
from core.downloads import export_list
from core.forms import add_service_errors
from core.lists import filters_used
from core.locking import StaleEdit, stale_edit_show_on_form
from core.pagination import ListPaginator
from schools.models import School

from .. import elearning, exports, selectors, services
from ..forms.elearning import ElearningForm
from ..forms.sessions import AttendanceCountsForm, AttendeeForm, CourseForm, FeedbackForm, SessionForm
from ..models import Attendee, Course

PER_PAGE = 50
ATTENDANCE_PER_PAGE = 100


@capability_required(Capability.TRAINING_VIEW)
def session_list(request: HttpRequest) -> HttpResponse:
    filterset = selectors.session_list_for_page(user=request.user, params=request.GET)
    page = ListPaginator(filterset.qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "training/session_list.html",
        {
            "filter": filterset,
            "filters_used": filters_used(filterset),
            "page_obj": page,
            "may_edit": selectors.may_edit_training(user=request.user),
        },
    )


@capability_required(Capability.TRAINING_VIEW)
def session_export(request: HttpRequest) -> HttpResponseBase:
    return export_list(request, exports.SESSIONS)


@capability_required(Capability.TRAINING_VIEW)
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, pk=pk)
    rows = selectors.attendances_visible_to(user=request.user, session=session).prefetch_related("attendees")
    page = Paginator(rows, ATTENDANCE_PER_PAGE).get_page(request.GET.get("page"))
    totals = rows.order_by().aggregate(
        staff=Coalesce(Sum("staff"), 0),
        pupils=Coalesce(Sum("pupils"), 0),
        parents=Coalesce(Sum("parents"), 0),
        institutions=Count("pk"),
    )
    may_edit = selectors.may_edit_training(user=request.user)
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "page_obj": page,
            "totals": totals,
            "may_edit": may_edit,
            "scoped": selectors.dashboard_scope(user=request.user).school_ids is not None,
            "better_pct": round(100 * session.better_understanding / session.responses) if session.responses else None,
        },
    )


def _require_edit(request: HttpRequest) -> None:
    if not selectors.may_edit_training(user=request.user):
        raise PermissionDenied


@capability_required(Capability.TRAINING_VIEW)
def session_add(request: HttpRequest) -> HttpResponse:
    _require_edit(request)
    initial: dict[str, Any] = {}
    code = request.GET.get("course", "")
    if code:
        initial["course"] = Course.objects.filter(code=code).first()
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(
                actor=signed_in_user(request),
                fields=form.session_fields(),
                attendance=form.attendance_rows,
                request=request,
                form_token=form.cleaned_data["form_token"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Session saved with {len(form.attendance_rows)} schools.")
            return redirect("training:session_detail", pk=session.pk)
    return render(request, "training/session_form.html", {"form": form, "session": None})


@capability_required(Capability.TRAINING_VIEW)
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, pk=pk)
    _require_edit(request)
    initial = {
        "course": session.course,
        "held_on": session.held_on,
        "sector": session.sector,
        "delivery": session.delivery,
        "venue": session.venue,
        "capacity": session.capacity,
        "trainer": session.trainer,
        "trainer_contact": session.trainer_contact,
        "trainer_name": session.trainer_name,
        "version": session.version,
    }
    form = SessionForm(request.POST or None, initial=initial, submit_label="Save changes", editing=True)
    form.fields["attendance"].label = "Add schools or change their numbers"
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(
                actor=signed_in_user(request),
                session=session,
                version=form.cleaned_data["version"],
                fields=form.session_fields(),
                attendance=form.attendance_rows,
                request=request,
                form_token=form.cleaned_data["form_token"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Session saved.")
            return redirect("training:session_detail", pk=session.pk)
    return render(request, "training/session_form.html", {"form": form, "session": session})


@capability_required(Capability.TRAINING_VIEW)
def session_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, pk=pk)
    _require_edit(request)
    form = FeedbackForm(
        request.POST or None,
        initial={
            "responses": session.responses,
            "better_understanding": session.better_understanding,
            "rating": session.rating,
            "quality_observation": session.quality_observation,
            "observed_on": session.observed_on,
            "version": session.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.session_feedback_record(
                actor=signed_in_user(request), session=session, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Feedback saved.")
            return redirect("training:session_detail", pk=session.pk)
    return render(request, "training/feedback_form.html", {"form": form, "session": session})


@capability_required(Capability.TRAINING_VIEW)
def attendance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One school's attendance at a session: its numbers (council team) and its named attendees (council team,
    and the school's own DSL for their staff)."""
    attendance = selectors.attendance_get_for_user(user=request.user, pk=pk)
    may_edit_people = selectors.may_edit_attendees(user=request.user, attendance=attendance)
    may_edit_counts = selectors.may_edit_training(user=request.user)
    counts_form = AttendanceCountsForm(
        initial={
            "staff": attendance.staff,
            "pupils": attendance.pupils,
            "parents": attendance.parents,
            "version": attendance.version,
        }
    )
    attendee_form = AttendeeForm(school_id=attendance.school_id)
    if request.method == "POST":
        action = request.POST.get("form")
        if action == "counts":
            if not may_edit_counts:
                raise PermissionDenied
            counts_form = AttendanceCountsForm(request.POST)
            if counts_form.is_valid():
                try:
                    services.attendance_counts_update(
                        actor=signed_in_user(request),
                        attendance=attendance,
                        request=request,
                        **counts_form.cleaned_data,
                    )
                except StaleEdit as exc:
                    stale_edit_show_on_form(counts_form, exc)
                else:
                    messages.success(request, "Numbers saved.")
                    return redirect("training:attendance_detail", pk=attendance.pk)
        elif action == "attendee":
            if not may_edit_people:
                raise PermissionDenied
            attendee_form = AttendeeForm(request.POST, school_id=attendance.school_id)
            if attendee_form.is_valid():
                d = attendee_form.cleaned_data
                try:
                    services.attendee_add(
                        actor=signed_in_user(request),
                        attendance=attendance,
                        full_name=d["full_name"],
                        email=d["email"] or "",
                        role=d["role"],
                        contact=d["contact"],
                        request=request,
                        form_token=d["form_token"],
                    )
                except ValidationError as exc:
                    add_service_errors(attendee_form, exc)
                else:
                    messages.success(request, "Person added.")
                    return redirect("training:attendance_detail", pk=attendance.pk)
        else:
            raise Http404
    return render(
        request,
        "training/attendance_detail.html",
        {
            "attendance": attendance,
            "session": attendance.session,
            "attendees": attendance.attendees.select_related("contact").order_by("full_name"),
            "counts_form": counts_form,
            "attendee_form": attendee_form,
            "may_edit_people": may_edit_people,
            "may_edit_counts": may_edit_counts,
        },
    )


@capability_required(Capability.TRAINING_VIEW)
@require_POST
def attendance_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attendance = selectors.attendance_get_for_user(user=request.user, pk=pk)
    _require_edit(request)
    session_pk = attendance.session_id
    services.attendance_remove(actor=signed_in_user(request), attendance=attendance, request=request)
    messages.success(request, "School removed from the session.")
    return redirect("training:session_detail", pk=session_pk)


@capability_required(Capability.TRAINING_VIEW)
@require_POST
def attendee_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attendee = get_object_or_404(Attendee.objects.select_related("attendance"), pk=pk)
    attendance = selectors.attendance_get_for_user(user=request.user, pk=attendee.attendance_id)
    if not selectors.may_edit_attendees(user=request.user, attendance=attendance):
        raise PermissionDenied
    services.attendee_remove(actor=signed_in_user(request), attendee=attendee, request=request)
    messages.success(request, "Person removed.")
    return redirect("training:attendance_detail", pk=attendance.pk)


@capability_required(Capability.TRAINING_VIEW)
def course_list(request: HttpRequest) -> HttpResponse:
    courses = Course.objects.annotate(session_count=Count("sessions")).order_by("order", "name")
    return render(
        request,
        "training/course_list.html",
        {"courses": courses, "may_edit": selectors.may_edit_training(user=request.user)},
    )


@capability_required(Capability.TRAINING_VIEW)
def record_elearning(request: HttpRequest) -> HttpResponse:
    """Home Office e-learning completed by a school's staff: a DSL for their own school, the council team for any."""
    today = timezone.localdate()
    schools: list[School] | None = None
    if not selectors.may_edit_training(user=request.user):
        own = access_for(request.user).school_ids
        if not own:
            raise PermissionDenied
        schools = list(School.objects.filter(pk__in=own).order_by("name"))
    initial = {"urn": request.GET.get("urn", ""), "other_staff": 0}
    form = ElearningForm(request.POST or None, schools=schools, today=today, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            attendance = elearning.elearning_record(
                actor=signed_in_user(request),
                school=d["school"],
                course=d["course"],
                completed_on=d["completed_on"],
                contacts=list(d["contacts"]),
                other_staff=d["other_staff"] or 0,
                request=request,
                form_token=d["form_token"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "E-learning recorded.")
            return redirect("training:attendance_detail", pk=attendance.pk)
    return render(request, "training/elearning_form.html", {"form": form})


@capability_required(Capability.TRAINING_VIEW)
def course_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_edit(request)
    course = get_object_or_404(Course, pk=pk) if pk is not None else None
    form = CourseForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if course is None:
                services.course_create(
                    actor=signed_in_user(request),
                    fields=fields,
                    request=request,
                    form_token=form.cleaned_data["form_token"],
                )
            else:
                services.course_update(
                    actor=signed_in_user(request),
                    course=course,
                    version=form.cleaned_data["version"],
                    fields=fields,
                    request=request,
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Course saved.")
            return redirect("training:course_list")
    return render(request, "training/course_form.html", {"form": form, "course": course})


@capability_required(Capability.TRAINING_VIEW)
@require_POST
def session_delete(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, pk=pk)
    _require_edit(request)
    services.session_delete(actor=signed_in_user(request), session=session, request=request)
    messages.success(request, "Session deleted with its attendance.")
    return redirect("training:session_list")
