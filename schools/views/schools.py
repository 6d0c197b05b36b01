"""The school list, its CSV export, the school page and the pages that change a school, its contacts and its
Prevent duty checklist. Each view fetches the school through schools.selectors first: a school the user may not
see is a 404; one they may see but not change is a 403."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.permissions import Capability, access_for, capability_required, has_capability, signed_in_user
from core.downloads import export_list
from core.forms import add_service_errors
from core.lists import filters_used
from core.locking import StaleEdit
from core.pagination import ListPaginator

from .. import exports
from ..forms.schools import ChecklistForm, ContactForm, SchoolForm
from ..models import NOT_OPEN_STATUSES, Phase, Status, SupportTier
from ..selectors import (
    ALL_SCHOOLS_ROLES,
    SCHOOL_ROW_VALUES,
    contact_get_for_user,
    may_edit_council_fields,
    may_edit_school,
    school_get_for_user,
    school_list_for_page,
    school_page,
)
from ..services.schools import checklist_confirm, contact_create, contact_update, school_update
from ..templatetags.schools_tags import tier_colour

PAGE_SIZE = 50


_PHASE_LABELS = dict(Phase.choices)
_STATUS_LABELS = dict(Status.choices)
_TIER_LABELS = dict(SupportTier.choices)


def _school_rows(schools: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The page's schools (read as values) as the rows the list draws: the link, the labels of their choices and
    the support tier's tag colour worked out here, so the template only places them (a row drawn from a model
    instance through display methods, `{% url %}` and the tier tag cost twice as long)."""
    rows = []
    for school in schools:
        status = school["status"]
        rows.append(
            {
                **school,
                "url": reverse("schools:detail", args=[school["urn"]]),
                "not_open_label": _STATUS_LABELS.get(status, status) if status in NOT_OPEN_STATUSES else "",
                "phase_label": _PHASE_LABELS.get(school["phase"], school["phase"]),
                "tier_label": _TIER_LABELS.get(school["support_tier"], school["support_tier"]),
                "tier_colour": tier_colour(school["support_tier"]),
            }
        )
    return rows


@capability_required(Capability.SCHOOLS_VIEW)
def school_list(request: HttpRequest) -> HttpResponse:
    filterset = school_list_for_page(user=request.user, filters=request.GET, today=timezone.localdate())
    page = ListPaginator(filterset.qs.values(*SCHOOL_ROW_VALUES), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "schools/school_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "schools": _school_rows(page.object_list),
            "show_visits": filterset.show_visits,
            "may_import": has_capability(request.user, Capability.SCHOOLS_IMPORT),
            "may_see_institutions": bool(access_for(request.user).roles & ALL_SCHOOLS_ROLES),
            "filters_used": filters_used(filterset),
        },
    )


@capability_required(Capability.SCHOOLS_VIEW)
def school_export(request: HttpRequest) -> HttpResponseBase:
    return export_list(request, exports.SCHOOLS)


@capability_required(Capability.SCHOOLS_VIEW)
def school_detail(request: HttpRequest, urn: int) -> HttpResponse:
    school = school_get_for_user(user=request.user, urn=urn)
    page = school_page(user=request.user, school=school, today=timezone.localdate())
    return render(
        request, "schools/school_detail.html", {"school": school, "page": page, "today": timezone.localdate()}
    )


@capability_required(Capability.SCHOOLS_VIEW)
def school_edit(request: HttpRequest, urn: int) -> HttpResponse:
    school = school_get_for_user(user=request.user, urn=urn)
    if not may_edit_council_fields(user=request.user):
        raise PermissionDenied("Only the Prevent team changes a school's support tier, RRSA level and notes.")
    initial = {
        "support_tier": school.support_tier,
        "rrsa_level": school.rrsa_level,
        "notes": school.notes,
        "ofsted_notes": school.ofsted_notes,
        "version": school.version,
    }
    form = SchoolForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            school_update(
                school=school,
                actor=signed_in_user(request),
                version=data.pop("version"),
                rrsa_achieved_on=data.pop("rrsa_achieved_on"),
                request=request,
                **data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{school.name} saved.")
            return redirect("schools:detail", urn=school.urn)
    return render(request, "schools/school_edit.html", {"school": school, "form": form})


def _editable_school(request: HttpRequest, urn: int) -> Any:
    school = school_get_for_user(user=request.user, urn=urn)
    if not may_edit_school(user=request.user, school=school):
        raise PermissionDenied("You may read this school's page but not change it.")
    return school


@capability_required(Capability.SCHOOLS_VIEW)
def contact_add(request: HttpRequest, urn: int) -> HttpResponse:
    school = _editable_school(request, urn)
    form = ContactForm(request.POST or None, initial={"is_current": True})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            contact_create(
                school=school, actor=signed_in_user(request), request=request, form_token=data.pop("form_token"), **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{data['full_name']} added.")
            return redirect(f"{reverse('schools:detail', kwargs={'urn': school.urn})}#contacts")
    return render(request, "schools/contact_form.html", {"school": school, "form": form, "contact": None})


@capability_required(Capability.SCHOOLS_VIEW)
def contact_edit(request: HttpRequest, urn: int, pk: int) -> HttpResponse:
    school = school_get_for_user(user=request.user, urn=urn)
    contact = contact_get_for_user(user=request.user, school=school, pk=pk)
    if not may_edit_school(user=request.user, school=school):
        raise PermissionDenied("You may read this school's page but not change it.")
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            contact_update(
                contact=contact, actor=signed_in_user(request), request=request, version=data.pop("version"), **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{contact.full_name} saved.")
            return redirect(f"{reverse('schools:detail', kwargs={'urn': school.urn})}#contacts")
    return render(request, "schools/contact_form.html", {"school": school, "form": form, "contact": contact})


@capability_required(Capability.SCHOOLS_VIEW)
def checklist_edit(request: HttpRequest, urn: int) -> HttpResponse:
    school = _editable_school(request, urn)
    current = {c.item: c for c in school.checklist.select_related("confirmed_by")}
    form = ChecklistForm(request.POST or None, current=current, initial={"version": school.version})
    if request.method == "POST" and form.is_valid():
        try:
            checklist_confirm(
                school=school,
                answers=form.answers(),
                actor=signed_in_user(request),
                request=request,
                version=form.cleaned_data["version"],
            )
        except StaleEdit as error:
            form.show_stale_edit(error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Prevent duty checklist saved.")
            return redirect(f"{reverse('schools:detail', kwargs={'urn': school.urn})}#checklist")
    return render(request, "schools/checklist_form.html", {"school": school, "form": form})
