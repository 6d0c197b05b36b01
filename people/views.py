"""Proposed matches for a referral (confirm or reject) and family links. Both pages are for coordinators, who
see every referral; each fetches the referral through the user's scope first (404 out of scope)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.permissions import Capability, capability_required, signed_in_user
from core.forms import add_service_errors
from core.idempotency import create_once
from referrals.selectors import referral_get_for_user

from .forms import LinkForm, MatchAnswerForm
from .models import Person, PersonLink
from .selectors import match_candidates, match_decisions_of, person_history, person_of_visible_referral
from .services import match_confirm, match_reject, person_link_add


@capability_required(Capability.PEOPLE_MATCH)
@require_http_methods(["GET", "POST"])
def matches(request: HttpRequest, pk: int) -> HttpResponse:
    referral = referral_get_for_user(user=request.user, pk=pk, request=request, page="matches")
    if referral.is_draft:
        raise Http404
    form = MatchAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        candidate = Person.objects.filter(pk=form.cleaned_data["candidate"]).first()
        if candidate is None:
            raise Http404
        answer = match_confirm if form.cleaned_data["answer"] == "confirm" else match_reject
        try:
            answer(referral=referral, candidate=candidate, actor=signed_in_user(request), request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if form.cleaned_data["answer"] == "confirm":
                messages.success(request, "Match confirmed: the referral now shows this person's earlier referrals.")
                return redirect("referrals:detail", pk=referral.pk)
            messages.success(request, "Match rejected: it will not be proposed again for this referral.")
            return redirect("people:matches", pk=referral.pk)
    context = {
        "referral": referral,
        "form": form,
        "candidates": match_candidates(referral=referral),
        "decisions": match_decisions_of(referral=referral),
        "history": person_history(user=request.user, referral=referral),
    }
    return render(request, "people/matches.html", context)


@capability_required(Capability.PEOPLE_MATCH)
@require_http_methods(["GET", "POST"])
def link_add(request: HttpRequest, pk: int) -> HttpResponse:
    referral = referral_get_for_user(user=request.user, pk=pk, request=request, page="link")
    if referral.is_draft or referral.person_id is None:
        raise Http404
    form = LinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        other = person_of_visible_referral(user=request.user, reference=form.cleaned_data["reference"])
        if other is None:
            form.add_error("reference", "Enter the reference of a referral that has been made")
        else:
            person = Person.objects.get(pk=referral.person_id)
            try:
                create_once(
                    token=form.cleaned_data["form_token"],
                    actor=signed_in_user(request),
                    model=PersonLink,
                    create=lambda: person_link_add(
                        person=person,
                        other=other,
                        relationship=form.cleaned_data["relationship"],
                        actor=signed_in_user(request),
                        request=request,
                    ),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "The two people have been linked.")
                return redirect("referrals:detail", pk=referral.pk)
    context = {"referral": referral, "form": form, "heading": "Link a family member"}
    return render(request, "people/link.html", context)
