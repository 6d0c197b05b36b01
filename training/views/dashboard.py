"""The uptake dashboard, the DSL refresher list and a person's own training."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from accounts.permissions import Capability, access_for, capability_required, signed_in_user
from core.downloads import export_list
from core.lists import filters_used
from core.pagination import ListPaginator
from schools.models import Contact, Phase

from .. import exports, selectors
from ..charts import uptake_chart
from ..figures import dashboard_figures
from ..forms.dashboard import dashboard_choice

NO_TRAINING_PER_PAGE = 50
OVERDUE_PER_PAGE = 50


@capability_required(Capability.UPTAKE_VIEW)
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = selectors.dashboard_scope(user=request.user)
    form, on, start, phase, ward = dashboard_choice(request.GET, scope=scope)
    context: dict[str, Any] = {"form": form, "on": on, "start": start, "scope": scope}
    if scope.school_ids is not None:
        # A DSL: their own school's figures only.
        context["own"] = selectors.own_school_training(school_ids=scope.school_ids, on=on)
        context["own_reach"] = selectors.reach_in_period(start=start, end=on, school_ids=scope.school_ids)
        return render(request, "training/dashboard_dsl.html", context)
    # The council-wide figures, kept while the data they are read from is unchanged (training.figures).
    figures = dashboard_figures(on=on, start=start, phase=phase, ward=ward)
    uptake = figures["uptake"]
    none_filter = selectors.schools_without_training_for_page(
        params=request.GET, on=on, phase=phase or None, ward=ward or None
    )
    # The list is the open schools (of the phase, in the ward) with no Prevent training on `on`: the uptake
    # figures have counted them already.
    none_page = ListPaginator(none_filter.qs, NO_TRAINING_PER_PAGE, count=uptake["none_schools"]).get_page(
        request.GET.get("page")
    )
    context.update(
        {
            "uptake": uptake,
            "by_phase": figures["by_phase"] if not phase else [],
            "series": figures["series"],
            "chart": uptake_chart(figures["series"]),
            "reach": figures["reach"],
            "feedback": figures["feedback"],
            "trainers": figures["trainers"],
            "delivery": figures["delivery"],
            "filter": none_filter,
            "page_obj": none_page,
            "overdue_count": figures["overdue_count"],
            "phase": phase,
            "phase_label": dict(Phase.choices).get(phase, ""),
            "ward": ward,
        }
    )
    return render(request, "training/dashboard.html", context)


@capability_required(Capability.UPTAKE_VIEW)
def no_training_export(request: HttpRequest) -> HttpResponseBase:
    """The dashboard's open schools with no Prevent training on its date, phase and ward. Not for a DSL."""
    return export_list(request, exports.NO_TRAINING)


@capability_required(Capability.TRAINING_VIEW)
def refreshers(request: HttpRequest) -> HttpResponse:
    """DSLs and deputies whose Prevent training is more than two years old, or who have none."""
    selectors.require_council_wide_lists(user=request.user)
    today = timezone.localdate()
    filterset = selectors.refreshers_for_page(params=request.GET, on=today)
    page = Paginator(filterset.qs, OVERDUE_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "training/refreshers.html",
        {
            "filter": filterset,
            "filters_used": filters_used(filterset),
            "page_obj": page,
            "rows": page.object_list,
            "today": today,
            "since": selectors.two_years_before(today),
        },
    )


@capability_required(Capability.TRAINING_VIEW)
def refreshers_export(request: HttpRequest) -> HttpResponseBase:
    return export_list(request, exports.REFRESHERS)


@capability_required(Capability.TRAINING_VIEW)
def my_training(request: HttpRequest) -> HttpResponse:
    """The page a reminder links to: the signed-in person's own Prevent training and whether it is due."""
    today = timezone.localdate()
    contacts = list(Contact.objects.filter(user=signed_in_user(request), is_current=True).select_related("school"))
    last = selectors.contact_last_prevent_training(contact_ids=[c.pk for c in contacts])
    rows = [
        {"contact": c, "last": last.get(c.pk), "due": selectors.prevent_training_due(last.get(c.pk), on=today)}
        for c in contacts
    ]
    return render(
        request,
        "training/my_training.html",
        {"rows": rows, "school_ids": access_for(request.user).school_ids, "today": today},
    )
