"""Visits, calls and e-mails of the schools resilience adviser, their actions, and DSL network meetings and
safeguarding conferences. Coordinators and advisers change them; a DSL reads their own school's visits."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Membership, User
from accounts.permissions import Capability, capability_required, has_capability, signed_in_user
from accounts.roles import Role
from core.downloads import export_list
from core.forms import add_service_errors
from core.lists import filters_used
from core.locking import STALE_MESSAGE, StaleEdit

from .. import exports
from ..filters import ActionFilter
from ..forms.visits import ActionForm, MeetingForm, VisitForm
from ..models import Contact, ContactRole, NetworkMeeting
from ..selectors import (
    action_get_for_user,
    action_owner_choices,
    meeting_get_for_user,
    meeting_list_for_page,
    my_actions_for_page,
    overdue_actions_for_page,
    school_get_for_user,
    visit_get_for_user,
)
from ..services.visits import (
    action_complete,
    action_update,
    meeting_create,
    meeting_update,
    visit_log,
    visit_update,
)

PAGE_SIZE = 50


def _advisers() -> QuerySet[User]:
    ids = Membership.objects.current().filter(role__in=[Role.COORDINATOR, Role.ADVISER]).values("user_id")
    return User.objects.filter(is_active=True, pk__in=ids).order_by("full_name")


@capability_required(Capability.VISITS_VIEW)
def visit_add(request: HttpRequest, urn: int) -> HttpResponse:
    school = school_get_for_user(user=request.user, urn=urn)
    if not has_capability(request.user, Capability.VISITS_EDIT):
        raise PermissionDenied("Only the Prevent team logs visits.")
    initial = {
        "visited_on": timezone.localdate(),
        "kind": "visit",
        "offer_level": school.support_tier,
        "adviser": request.user.pk,
    }
    form = VisitForm(
        request.POST or None, initial=initial, advisers=_advisers(), owners=action_owner_choices(school=school)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = visit_log(
                school=school,
                adviser=data["adviser"],
                visited_on=data["visited_on"],
                kind=data["kind"],
                offer_level=data["offer_level"],
                purpose=data["purpose"],
                notes=data["notes"],
                follow_up_on=data["follow_up_on"],
                actions=form.actions(),
                actor=signed_in_user(request),
                request=request,
                form_token=data["form_token"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{visit.get_kind_display()} saved.")
            return redirect("schools:visit_detail", pk=visit.pk)
    return render(request, "schools/visit_form.html", {"school": school, "form": form})


@capability_required(Capability.VISITS_VIEW)
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = visit_get_for_user(user=request.user, pk=pk)
    if not has_capability(request.user, Capability.VISITS_EDIT):
        raise PermissionDenied("Only the Prevent team changes visits.")
    initial = {
        "visited_on": visit.visited_on,
        "kind": visit.kind,
        "offer_level": visit.offer_level,
        "purpose": visit.purpose,
        "adviser": visit.adviser_id,
        "notes": visit.notes,
        "follow_up_on": visit.follow_up_on,
        "version": visit.version,
    }
    form = VisitForm(
        request.POST or None,
        initial=initial,
        advisers=_advisers() | User.objects.filter(pk=visit.adviser_id),
        owners=action_owner_choices(school=visit.school),
        submit_label="Save changes",
        new_actions=True,
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("action_")}
        try:
            visit_update(
                visit=visit,
                actor=signed_in_user(request),
                actions=form.actions(),
                request=request,
                version=data.pop("version"),
                form_token=data.pop("form_token"),
                **data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{visit.get_kind_display()} saved.")
            return redirect("schools:visit_detail", pk=visit.pk)
    return render(request, "schools/visit_form.html", {"school": visit.school, "form": form, "visit": visit})


@capability_required(Capability.VISITS_VIEW)
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = visit_get_for_user(user=request.user, pk=pk)
    actions = list(visit.actions.select_related("owner", "done_by").order_by("due_on", "id"))
    return render(
        request,
        "schools/visit_detail.html",
        {
            "visit": visit,
            "actions": actions,
            "may_edit": has_capability(request.user, Capability.VISITS_EDIT),
            "today": timezone.localdate(),
        },
    )


@capability_required(Capability.VISITS_EDIT)
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = action_get_for_user(user=request.user, pk=pk)
    owners = action_owner_choices(school=action.school) | User.objects.filter(pk=action.owner_id)
    initial = {
        "description": action.description,
        "owner": action.owner_id,
        "due_on": action.due_on,
        "version": action.version,
    }
    form = ActionForm(request.POST or None, initial=initial, owners=owners.distinct())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            action_update(action=action, actor=signed_in_user(request), request=request, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Action saved: {data['description']}")
            return redirect("schools:visit_detail", pk=action.visit_id)
    return render(request, "schools/action_form.html", {"form": form, "action": action})


@capability_required(Capability.VISITS_EDIT)
@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    action = action_get_for_user(user=request.user, pk=pk)
    done = request.POST.get("done", "yes") != "no"
    opened_at = request.POST.get("version", "")
    try:
        action_complete(
            action=action,
            actor=signed_in_user(request),
            done=done,
            version=int(opened_at) if opened_at.isdigit() else None,
            request=request,
        )
    except StaleEdit:
        messages.error(request, f"{STALE_MESSAGE}: check the action and mark it again. {action.description}")
    else:
        messages.success(request, f"Action marked {'done' if done else 'not done'}: {action.description}")
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("schools:visit_detail", pk=action.visit_id)


def _action_list(request: HttpRequest, filterset: ActionFilter, *, title: str, intro: str) -> HttpResponse:
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "schools/action_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "actions": page.object_list,
            "grouped": filterset.grouped,
            "title": title,
            "intro": intro,
            "today": timezone.localdate(),
        },
    )


@capability_required(Capability.VISITS_EDIT)
def my_actions(request: HttpRequest) -> HttpResponse:
    return _action_list(
        request,
        my_actions_for_page(user=request.user, filters=request.GET),
        title="My actions",
        intro="Actions from visits that you own and have not done yet.",
    )


@capability_required(Capability.VISITS_EDIT)
def overdue_actions(request: HttpRequest) -> HttpResponse:
    return _action_list(
        request,
        overdue_actions_for_page(user=request.user, filters=request.GET, on=timezone.localdate()),
        title="Overdue actions",
        intro="Every action from a visit whose due date has passed and that is not done.",
    )


# ---- network meetings and conferences ----


def _dsl_contacts() -> QuerySet[Contact]:
    return (
        Contact.objects.filter(is_current=True, role__in=[ContactRole.DSL, ContactRole.DEPUTY_DSL])
        .select_related("school")
        .order_by("school__name", "full_name")
    )


@capability_required(Capability.VISITS_EDIT)
def meeting_list(request: HttpRequest) -> HttpResponse:
    filterset = meeting_list_for_page(user=request.user, params=request.GET)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter": filterset, "filters_used": filters_used(filterset), "page_obj": page}
    return render(request, "schools/meeting_list.html", {**context, "meetings": page.object_list})


@capability_required(Capability.VISITS_EDIT)
def meeting_export(request: HttpRequest) -> HttpResponseBase:
    return export_list(request, exports.MEETINGS)


@capability_required(Capability.VISITS_EDIT)
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    attendees = meeting.attendees.select_related("school").order_by("school__name", "full_name")
    return render(request, "schools/meeting_detail.html", {"meeting": meeting, "attendees": attendees})


@capability_required(Capability.VISITS_EDIT)
def meeting_add(request: HttpRequest) -> HttpResponse:
    return _meeting_form(request, None)


@capability_required(Capability.VISITS_EDIT)
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_form(request, meeting_get_for_user(user=request.user, pk=pk))


MAX_LISTED_ATTENDEES = 1500


def _meeting_form(request: HttpRequest, meeting: NetworkMeeting | None) -> HttpResponse:
    contacts = _dsl_contacts()
    # A bounded count: counting every DSL of a national deployment only to learn there are too many to list.
    listed_all = contacts.values("pk")[: MAX_LISTED_ATTENDEES + 1].count() <= MAX_LISTED_ATTENDEES
    if not listed_all:
        contacts = contacts.filter(pk__in=meeting.attendees.values_list("pk", flat=True) if meeting else [])
    if meeting is not None and listed_all:
        # People who attended and have since left their school still show, ticked.
        contacts = (
            Contact.objects.filter(
                Q(is_current=True, role__in=[ContactRole.DSL, ContactRole.DEPUTY_DSL])
                | Q(pk__in=meeting.attendees.values("pk"))
            )
            .select_related("school")
            .order_by("school__name", "full_name")
        )
    if meeting is not None:
        initial = {
            "kind": meeting.kind,
            "title": meeting.title,
            "held_on": meeting.held_on,
            "venue": meeting.venue,
            "notes": meeting.notes,
            "attendees": list(meeting.attendees.values_list("pk", flat=True)),
            "version": meeting.version,
        }
    else:
        initial = {"kind": "network", "held_on": timezone.localdate()}
    form = MeetingForm(
        request.POST or None, initial=initial, contacts=contacts, listed_all=listed_all, editing=meeting is not None
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        attendees = list(data.pop("attendees"))
        urns = data.pop("add_urns")
        if urns:
            attendees += list(_dsl_contacts().filter(school__urn__in=urns))
        try:
            if meeting is None:
                saved = meeting_create(actor=signed_in_user(request), attendees=attendees, request=request, **data)
            else:
                saved = meeting_update(
                    meeting=meeting, actor=signed_in_user(request), attendees=attendees, request=request, **data
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{saved.title} saved.")
            return redirect("schools:meeting_detail", pk=saved.pk)
    return render(request, "schools/meeting_form.html", {"form": form, "meeting": meeting})
