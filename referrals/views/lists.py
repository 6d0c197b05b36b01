"""The lists referrals are answered from, and the council's routing, edited by coordinators. Nothing is
deleted: a row no longer wanted is switched off, and old referrals keep the wording they were answered with."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.permissions import Capability, capability_required, signed_in_user
from core.forms import add_service_errors

from ..forms.lists import ListItemForm, RoutingForm
from ..models import ConcernType, Indicator, ScreeningQuestion, SignpostService
from ..selectors import routing_settings_get
from ..services.configuration import list_item_add, list_item_update, routing_settings_update

LISTS: dict[str, tuple[type[Any], str, str]] = {
    "concern-types": (ConcernType, "Types of concern", "type of concern"),
    "indicators": (Indicator, "Early indicators", "early indicator"),
    "screening-questions": (ScreeningQuestion, "Screening questions", "screening question"),
    "services": (SignpostService, "Signposting services", "signposting service"),
}


def _list(kind: str) -> tuple[type[Any], str, str]:
    if kind not in LISTS:
        raise Http404
    return LISTS[kind]


@capability_required(Capability.REFERRAL_CONFIGURE)
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """The lists and the routing on one page."""
    row = routing_settings_get()
    initial = {
        "under_18_panel": row.under_18_panel_id,
        "adult_panel": row.adult_panel_id,
        "triage_target_days": row.triage_target_days,
        "version": row.version,
    }
    form = RoutingForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            routing_settings_update(
                actor=signed_in_user(request),
                under_18_panel=form.cleaned_data["under_18_panel"],
                adult_panel=form.cleaned_data["adult_panel"],
                triage_target_days=form.cleaned_data["triage_target_days"],
                expected_version=form.cleaned_data["version"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Referral routing saved.")
            return redirect("referrals:settings")
    lists = [(kind, title, model.objects.order_by("order", "label")) for kind, (model, title, _) in LISTS.items()]
    return render(request, "referrals/settings.html", {"form": form, "lists": lists})


@capability_required(Capability.REFERRAL_CONFIGURE)
@require_http_methods(["GET", "POST"])
def list_item(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    model, _, noun = _list(kind)
    item = get_object_or_404(model, pk=pk) if pk is not None else None
    initial = (
        {
            "label": item.label,
            "hint": item.hint,
            "order": item.order,
            "is_active": item.is_active,
            "escalates": getattr(item, "escalates", False),
            "version": item.version,
        }
        if item
        else None
    )
    form = ListItemForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        creating=item is None,
        escalation=model is ScreeningQuestion,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if item is None:
                list_item_add(
                    model=model, actor=signed_in_user(request), data=form.cleaned_data,
                    form_token=form.cleaned_data["form_token"], request=request,
                )  # fmt: skip
            else:
                list_item_update(
                    item=item, actor=signed_in_user(request), data=form.cleaned_data,
                    expected_version=form.cleaned_data["version"], request=request,
                )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved. Referrals already made keep the wording they were answered with.")
            return redirect("referrals:settings")
    title = f"Change a {noun}" if item else f"Add a {noun}"
    return render(request, "referrals/list_item.html", {"form": form, "title": title, "item": item})
