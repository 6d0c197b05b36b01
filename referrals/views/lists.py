"""The lists referrals are answered from, and the council's routing, edited by coordinators. Nothing is
deleted: a row no longer wanted is switched off, and old referrals keep the wording they were answered with."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from accounts.permissions import Capability, CapabilityRequiredMixin

from ..forms import ListItemForm, RoutingForm
from ..models import ConcernType, Indicator, ScreeningQuestion, SignpostService
from ..selectors import routing_settings_get
from ..services import list_item_save, routing_settings_update
from .common import add_errors

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


class SettingsView(CapabilityRequiredMixin, View):
    """The lists and the routing on one page."""

    capability = Capability.REFERRAL_CONFIGURE

    def _render(self, request: HttpRequest, form: RoutingForm) -> HttpResponse:
        lists = [(kind, title, model.objects.order_by("order", "label")) for kind, (model, title, _) in LISTS.items()]
        return render(request, "referrals/settings.html", {"form": form, "lists": lists})

    def get(self, request: HttpRequest) -> HttpResponse:
        row = routing_settings_get()
        initial = {
            "under_18_panel": row.under_18_panel_id,
            "adult_panel": row.adult_panel_id,
            "triage_target_days": row.triage_target_days,
        }
        return self._render(request, RoutingForm(initial=initial))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = RoutingForm(request.POST)
        if form.is_valid():
            try:
                routing_settings_update(actor=request.user, request=request, **form.cleaned_data)  # type: ignore[arg-type]
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "Referral routing saved.")
                return redirect("referrals:settings")
        return self._render(request, form)


class ListItemView(CapabilityRequiredMixin, View):
    capability = Capability.REFERRAL_CONFIGURE

    def _item(self, kind: str, pk: int | None) -> tuple[type[Any], str, Any]:
        model, _, noun = _list(kind)
        return model, noun, (get_object_or_404(model, pk=pk) if pk is not None else None)

    def _render(self, request: HttpRequest, noun: str, item: Any, form: ListItemForm) -> HttpResponse:
        title = f"Change a {noun}" if item else f"Add a {noun}"
        return render(request, "referrals/list_item.html", {"form": form, "title": title, "item": item})

    def get(self, request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
        _, noun, item = self._item(kind, pk)
        initial = (
            {"label": item.label, "hint": item.hint, "order": item.order, "is_active": item.is_active} if item else None
        )
        return self._render(request, noun, item, ListItemForm(initial=initial))

    def post(self, request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
        model, noun, item = self._item(kind, pk)
        form = ListItemForm(request.POST)
        if form.is_valid():
            try:
                list_item_save(model=model, actor=request.user, item=item, data=form.cleaned_data, request=request)  # type: ignore[arg-type]
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "Saved. Referrals already made keep the wording they were answered with.")
                return redirect("referrals:settings")
        return self._render(request, noun, item, form)
