"""Making a referral: a start page, one question page per topic (each can be saved as a draft), check your
answers, and a confirmation with the reference number."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import Capability, access_for, capability_required, signed_in_user
from core.forms import add_service_errors
from core.locking import StaleEdit, stale_edit_show_on_form

from ..forms.making import STEP_FORMS, StartForm, SubmitForm
from ..models import Referral
from ..selectors import referral_drafts_of, referral_get_for_user
from ..services.making import (
    STEP_FIELDS,
    STEPS,
    only_own_school,
    referral_missing_steps,
    referral_start,
    referral_submit,
    referral_update_draft,
)

STEP_TITLES = {
    "person": "About the person",
    "school": "The person's school",
    "referrer": "Who is making the referral",
    "concern": "The concern",
    "vulnerabilities": "Other needs and vulnerabilities",
    "actions": "What has been done so far",
}


def _own_draft(request: HttpRequest, pk: int, page: str) -> Referral:
    referral = referral_get_for_user(user=request.user, pk=pk, request=request, page=page)
    if referral.created_by_id != request.user.pk:
        raise Http404
    return referral


def _own_school_ids(user: Any) -> frozenset[int] | None:
    return access_for(user).school_ids if only_own_school(user) else None


@capability_required(Capability.REFERRAL_MAKE)
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    form = StartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = referral_start(
                created_by=signed_in_user(request),
                form_token=form.cleaned_data["form_token"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("referrals:step", pk=referral.pk, step=STEPS[0])
    context = {"form": form, "drafts": referral_drafts_of(user=request.user)[:20]}
    return render(request, "referrals/start.html", context)


def _step_form_class(step: str) -> Any:
    if step not in STEP_FORMS:
        raise Http404
    return STEP_FORMS[step]


def _step_kwargs(request: HttpRequest, step: str) -> dict[str, Any]:
    return {"own_school_ids": _own_school_ids(request.user)} if step == "school" else {}


def _step_initial(referral: Referral, step: str) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(referral, name) for name in STEP_FIELDS[step]}
    initial["version"] = referral.version
    if step == "school":
        initial["school"] = referral.school_id
        initial["school_urn"] = referral.school.urn if referral.school else None
    if step == "concern":
        initial["concern_type"] = referral.concern_type_id
        initial["indicators"] = [row.indicator_id for row in referral.indicator_rows.all()]
    return initial


def _render_step(request: HttpRequest, referral: Referral, step: str, form: Any) -> HttpResponse:
    index = STEPS.index(step)
    back = (
        reverse("referrals:check", args=[referral.pk])
        if request.GET.get("return") == "check"
        else reverse("referrals:step", args=[referral.pk, STEPS[index - 1]])
        if index
        else reverse("referrals:start")
    )
    context = {
        "referral": referral,
        "form": form,
        "step": step,
        "title": STEP_TITLES[step],
        "number": index + 1,
        "count": len(STEPS),
        "back": back,
    }
    return render(request, "referrals/step.html", context)


@capability_required(Capability.REFERRAL_MAKE)
@require_http_methods(["GET", "POST"])
def step_page(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    form_class = _step_form_class(step)
    referral = _own_draft(request, pk, f"step:{step}")
    if not referral.is_draft:
        return redirect("referrals:detail", pk=referral.pk)
    if request.method != "POST":
        form = form_class(initial=_step_initial(referral, step), **_step_kwargs(request, step))
        return _render_step(request, referral, step, form)
    as_draft = "draft" in request.POST
    form = form_class(request.POST, partial=as_draft, **_step_kwargs(request, step))
    if form.is_valid():
        try:
            referral_update_draft(
                referral=referral,
                actor=signed_in_user(request),
                step=step,
                data=form.referral_data(),
                indicators=form.cleaned_data.get("indicators") if step == "concern" else None,
                expected_version=form.cleaned_data["version"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if as_draft:
                messages.success(request, "Your draft referral has been saved. You can come back to it here.")
                return redirect("referrals:start")
            index = STEPS.index(step)
            if request.GET.get("return") == "check" or index == len(STEPS) - 1:
                return redirect("referrals:check", pk=referral.pk)
            return redirect("referrals:step", pk=referral.pk, step=STEPS[index + 1])
    return _render_step(request, referral, step, form)


def _summary(referral: Referral) -> list[dict[str, Any]]:
    """The answers, grouped by page, for "Check your answers" and the referral page."""
    dob = referral.date_of_birth.strftime("%-d %B %Y") if referral.date_of_birth else ""
    age = (
        ""
        if referral.date_of_birth
        else (f"{referral.age_given} (age given)" if referral.age_given is not None else "")
    )
    school = referral.school.name if referral.school else ("Not at a school" if referral.not_in_school else "")
    indicators = [row.label for row in referral.indicator_rows.all()]
    return [
        {"step": "person", "title": STEP_TITLES["person"], "rows": [
            ("Name", referral.person_name), ("Date of birth or age", dob or age),
            ("Gender", referral.get_gender_display()), ("Ethnicity", referral.get_ethnicity_display()),
            ("Area or ward", referral.address_area),
        ]},
        {"step": "school", "title": STEP_TITLES["school"], "rows": [("School", school)]},
        {"step": "referrer", "title": STEP_TITLES["referrer"], "rows": [
            ("Sector", referral.get_referrer_sector_display()), ("Organisation", referral.referrer_organisation),
            ("Name", referral.referrer_name), ("Role", referral.referrer_role),
            ("Email address", referral.referrer_email), ("Telephone", referral.referrer_phone),
        ]},
        {"step": "concern", "title": STEP_TITLES["concern"], "rows": [
            ("Type of concern", referral.concern_type_label), ("Early indicators", "\n".join(indicators)),
            ("What is the concern", referral.narrative), ("How it came to light", referral.came_to_light),
            ("Interest in mass-casualty violence", referral.get_mass_casualty_interest_display()),
            ("Online activity", referral.online_activity),
        ]},
        {"step": "vulnerabilities", "title": STEP_TITLES["vulnerabilities"], "rows": [
            ("Mental health needs", referral.get_mental_health_display()),
            ("Neurodiversity", referral.get_neurodiversity_display() or "Not recorded"),
            ("Special educational needs, disability or other needs", referral.get_additional_needs_display()),
            ("About the needs", referral.additional_needs_details),
            ("Other safeguarding concerns", referral.get_other_safeguarding_display()),
            ("Exploitation", referral.get_exploitation_display()),
            ("Online harm", referral.get_online_harm_display()), ("Details", referral.vulnerability_details),
        ]},
        {"step": "actions", "title": STEP_TITLES["actions"], "rows": [
            ("The person knows of the referral", referral.get_person_aware_display()),
            ("Parents, carers or family know of the referral", referral.get_family_aware_display()),
            ("Family spoken to", referral.get_family_spoken_to_display()),
            ("Early help or CAF", referral.get_early_help_display()),
            ("Team Around the Child", referral.get_team_around_child_display()),
            ("Details", referral.actions_details),
        ]},
    ]  # fmt: skip


@capability_required(Capability.REFERRAL_MAKE)
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _own_draft(request, pk, "check")
    if not referral.is_draft:
        return redirect("referrals:detail", pk=referral.pk)
    form = SubmitForm(request.POST if request.method == "POST" else None, initial={"version": referral.version})
    if request.method == "POST" and form.is_valid():
        try:
            referral_submit(
                referral=referral,
                submitted_by=signed_in_user(request),
                expected_version=form.cleaned_data["version"],
                request=request,
            )
        except StaleEdit as error:
            stale_edit_show_on_form(form, error)
            referral.refresh_from_db()
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("referrals:confirmation", pk=referral.pk)
    missing = referral_missing_steps(referral=referral)
    return render(
        request,
        "referrals/check.html",
        {"referral": referral, "form": form, "sections": _summary(referral), "missing": missing},
    )


@capability_required(Capability.REFERRAL_MAKE)
@require_GET
def confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _own_draft(request, pk, "confirmation")
    if referral.is_draft:
        return redirect("referrals:check", pk=referral.pk)
    return render(request, "referrals/confirmation.html", {"referral": referral})
