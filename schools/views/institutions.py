"""Other institutions that receive training: early years settings, colleges, council services, voluntary groups,
faith settings. Coordinators and advisers change them; the roles that read schools read them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render

from accounts.permissions import Capability, capability_required, has_capability, signed_in_user
from core.downloads import export_list
from core.forms import add_service_errors
from core.lists import filters_used

from .. import exports
from ..forms.schools import InstitutionForm
from ..models import Institution
from ..selectors import institution_get_for_user, institution_list_for_page, institution_list_visible_to
from ..services.visits import institution_create, institution_update

PAGE_SIZE = 50


@capability_required(Capability.SCHOOLS_VIEW)
def institution_list(request: HttpRequest) -> HttpResponse:
    filterset = institution_list_for_page(user=request.user, params=request.GET)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "schools/institution_list.html",
        {
            "filter": filterset,
            "filters_used": filters_used(filterset),
            "page_obj": page,
            "institutions": page.object_list,
            "may_edit": has_capability(request.user, Capability.SCHOOLS_EDIT_ANY),
        },
    )


@capability_required(Capability.SCHOOLS_VIEW)
def institution_export(request: HttpRequest) -> HttpResponseBase:
    return export_list(request, exports.INSTITUTIONS)


@capability_required(Capability.SCHOOLS_VIEW)
def institution_add(request: HttpRequest) -> HttpResponse:
    institution_list_visible_to(user=request.user)  # a DSL gets a 404
    return _form(request, None)


@capability_required(Capability.SCHOOLS_VIEW)
def institution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form(request, institution_get_for_user(user=request.user, pk=pk))


def _form(request: HttpRequest, institution: Institution | None) -> HttpResponse:
    if not has_capability(request.user, Capability.SCHOOLS_EDIT_ANY):
        raise PermissionDenied("Only the Prevent team changes the list of institutions.")
    form = InstitutionForm(request.POST or None, institution=institution)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if institution is None:
                saved = institution_create(actor=signed_in_user(request), request=request, **data)
            else:
                saved = institution_update(
                    institution=institution, actor=signed_in_user(request), request=request, **data
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{saved.name} saved.")
            return redirect("schools:institution_list")
    return render(request, "schools/institution_form.html", {"form": form, "institution": institution})
