"""The referrals list (a triage queue for coordinators and CSC practitioners), a referral's page, and the triage
pages: assign, screening answers, notes and the decision. Every page fetches the referral through the user's
scope first (404), then refuses changes from people who may only read (403)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import Capability, capability_required, has_capability, is_coordinator, signed_in_user
from channel.models.cases import Case
from core.attachments import attachments_of, with_download_urls
from core.downloads import export_list
from core.forms import AttachmentForm, add_service_errors
from core.lists import filters_used
from core.pagination import ListPaginator

from .. import exports
from ..forms.triage import AssignForm, DecisionForm, NoteForm, ScreeningForm, SendBackForm
from ..models import Referral, ScreeningQuestion
from ..selectors import (
    referral_content_visible,
    referral_get_for_user,
    referral_list_for_page,
    referral_may_triage,
    referral_timeline,
)
from ..services.configuration import panel_for
from ..services.triage import (
    referral_assign,
    referral_decide,
    referral_decision_confirm,
    referral_decision_plan,
    referral_decision_send_back,
    referral_note_add,
    screening_answers_save,
    screening_escalations,
    screening_unanswered,
)
from .making import _summary

PAGE_SIZE = 50


@capability_required(Capability.REFERRAL_VIEW)
@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    listing = referral_list_for_page(user=request.user, params=request.GET)
    used = filters_used(listing.filter)
    # A tab's count is already known when no filter narrows it: the paginator does not count again.
    known = {key: count for key, _, count in listing.tabs}.get(listing.tab) if not used else None
    page = ListPaginator(listing.rows(), PAGE_SIZE, count=known).get_page(request.GET.get("page"))
    return render(
        request,
        "referrals/list.html",
        {
            "filter": listing.filter,
            "filters_used": used,
            "page_obj": page,
            "referrals": page.object_list,
            "tabs": listing.tabs,
            "tab": listing.tab,
            "triage": listing.triage,
            "may_make": has_capability(request.user, Capability.REFERRAL_MAKE),
            "may_configure": has_capability(request.user, Capability.REFERRAL_CONFIGURE),
            "overdue_before": listing.overdue_days,
        },
    )


@capability_required(Capability.REFERRAL_VIEW)
@require_GET
def referral_export(request: HttpRequest) -> HttpResponseBase:
    """The referrals the list shows with these filters (and tab), as CSV: the content columns only for those who
    triage."""
    return export_list(request, exports.REFERRALS)


@capability_required(Capability.REFERRAL_VIEW)
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = referral_get_for_user(user=request.user, pk=pk, request=request)
    if referral.is_draft:
        return redirect("referrals:check", pk=referral.pk)
    content = referral_content_visible(user=request.user, referral=referral)
    context: dict[str, Any] = {"referral": referral, "content": content}
    if content:
        context.update(
            sections=_summary(referral),
            answers=list(referral.screening_answers.select_related("answered_by")),
            timeline=referral_timeline(referral=referral),
            signposts=list(referral.signpost_rows.all()),
            may_triage=referral_may_triage(user=request.user, referral=referral),
            may_confirm=is_coordinator(request.user) and referral.proposed_by_id != request.user.pk,
            case=_case_of(request.user, referral),
            attachments=with_download_urls(attachments_of(referral), "referrals:attachment_download", pk=referral.pk),
        )
        if context["may_triage"]:
            context["attachment_form"] = AttachmentForm()
    else:
        context["signposts"] = list(referral.signpost_rows.all())
    return render(request, "referrals/detail.html", context)


def _case_of(user: Any, referral: Referral) -> Any:
    """The panel case a decision opened, for a link to it, when the user may see cases."""
    if not referral.decision_panel_id or not has_capability(user, Capability.CASES_VIEW):
        return None
    return Case.objects.filter(referral=referral).only("id", "stage").first()


def _referral_to_triage(request: HttpRequest, pk: int, page: str) -> Referral:
    # Those who may read the referral but not triage it get a 403 (after the scoped fetch), not a 404.
    referral = referral_get_for_user(user=request.user, pk=pk, request=request, page=page)
    if referral.is_draft:
        raise Http404
    if not referral_may_triage(user=request.user, referral=referral):
        raise PermissionDenied
    return referral


@capability_required(Capability.REFERRAL_VIEW)
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _referral_to_triage(request, pk, "assign")
    initial = {
        "assigned_team": referral.assigned_team_id,
        "assigned_to": referral.assigned_to_id,
        "version": referral.version,
    }
    form = AssignForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            referral_assign(
                referral=referral,
                actor=signed_in_user(request),
                team=form.cleaned_data["assigned_team"],
                assignee=form.cleaned_data["assigned_to"],
                expected_version=form.cleaned_data["version"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The referral has been assigned.")
            return redirect("referrals:detail", pk=referral.pk)
    context = {"referral": referral, "form": form, "heading": "Assign the referral"}
    return render(request, "referrals/assign.html", context)


@capability_required(Capability.REFERRAL_VIEW)
@require_http_methods(["GET", "POST"])
def screening(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _referral_to_triage(request, pk, "screening")
    answers = {a.question_id: a for a in referral.screening_answers.all()}
    questions = list(
        ScreeningQuestion.objects.filter(is_active=True) | ScreeningQuestion.objects.filter(pk__in=list(answers))
    )
    questions.sort(key=lambda q: (q.order, q.label))
    data = request.POST if request.method == "POST" else None
    form = ScreeningForm(data, questions=questions, answers=answers, initial={"version": referral.version})
    if request.method == "POST" and form.is_valid():
        try:
            screening_answers_save(
                referral=referral,
                actor=signed_in_user(request),
                answers=form.answers(),
                expected_version=form.cleaned_data["version"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The screening answers have been saved.")
            return redirect("referrals:detail", pk=referral.pk)
    context = {"referral": referral, "form": form, "heading": "Screening questions"}
    return render(request, "referrals/screening.html", context)


def _note_amended(referral: Referral, value: Any) -> Any:
    if not value:
        return None
    event = referral.events.filter(pk=value).first()
    if event is None or not event.is_note:
        raise Http404
    return event


@capability_required(Capability.REFERRAL_VIEW)
@require_http_methods(["GET", "POST"])
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _referral_to_triage(request, pk, "note")
    if request.method == "POST":
        form = NoteForm(request.POST)
        amends = None
        if form.is_valid():
            amends = _note_amended(referral, form.cleaned_data.get("amends"))
            try:
                referral_note_add(
                    referral=referral,
                    actor=signed_in_user(request),
                    kind=form.cleaned_data["kind"],
                    text=form.cleaned_data["text"],
                    amends=amends,
                    form_token=form.cleaned_data["form_token"],
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Your note has been added.")
                return redirect("referrals:detail", pk=referral.pk)
    else:
        try:
            amends = _note_amended(referral, int(request.GET.get("amends") or 0))
        except ValueError:
            raise Http404 from None
        form = NoteForm(initial={"amends": amends.pk if amends else None, "kind": amends.kind if amends else None})
    heading = "Correct a note" if amends else "Add a note"
    context = {"referral": referral, "form": form, "heading": heading, "amends": amends}
    return render(request, "referrals/note.html", context)


def _posted_again(request: HttpRequest) -> list[tuple[str, str]]:
    """The decision form's values, carried by the check page as hidden inputs to the final POST."""
    skip = {"csrfmiddlewaretoken", "confirm", "change"}
    return [(name, value) for name in request.POST if name not in skip for value in request.POST.getlist(name)]


@capability_required(Capability.REFERRAL_VIEW)
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision form, then its check page ("You are about to record ..."); only the check page's POST
    records it (or proposes it, when it needs a second coordinator)."""
    referral = _referral_to_triage(request, pk, "decide")
    if request.method != "POST" and not referral.may_decide:
        return redirect("referrals:detail", pk=referral.pk)
    unanswered = screening_unanswered(referral=referral)
    posted = request.POST if request.method == "POST" else None
    form = DecisionForm(posted, initial={"version": referral.version}, unscreened=bool(unanswered))
    if posted is not None and "change" not in posted and form.is_valid():
        data = form.cleaned_data
        arguments: dict[str, Any] = {
            "referral": referral,
            "choice": data["decision"],
            "notes": data["decision_notes"],
            "services": data["services"],
            "unscreened_reason": data.get("unscreened_reason") or "",
        }
        try:
            if "confirm" in posted:
                referral_decide(
                    actor=signed_in_user(request), expected_version=data["version"], request=request, **arguments
                )
            else:
                plan = referral_decision_plan(**arguments)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if "confirm" in posted:
                referral.refresh_from_db()
                if referral.awaiting_confirmation:
                    messages.success(request, "Decision proposed: a second coordinator must now confirm it.")
                else:
                    messages.success(request, f"Decision recorded: {referral.get_decision_display()}.")
                return redirect("referrals:detail", pk=referral.pk)
            context = {
                "referral": referral,
                "plan": plan,
                "notes": data["decision_notes"],
                "unscreened_reason": data.get("unscreened_reason") or "",
                "posted": _posted_again(request),
            }
            return render(request, "referrals/decide_check.html", context)
    age = referral.age_on(timezone.localdate())
    context = {
        "referral": referral,
        "form": form,
        "heading": "Record a decision",
        "age_today": age,
        "panel": panel_for(age=age),
        "unanswered": unanswered,
        "escalations": screening_escalations(referral=referral),
    }
    return render(request, "referrals/decide.html", context)


@capability_required(Capability.REFERRAL_VIEW)
@require_http_methods(["GET", "POST"])
def decision_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """A second coordinator's check page for a proposed decision: "You are about to confirm ...", or send it
    back. CSC practitioners triage but do not confirm (403)."""
    referral = _referral_to_triage(request, pk, "decision_confirm")
    if not is_coordinator(request.user):
        raise PermissionDenied
    if not referral.awaiting_confirmation:
        return redirect("referrals:detail", pk=referral.pk)
    form = SendBackForm(request.POST if request.method == "POST" else None, initial={"version": referral.version})
    if request.method == "POST" and form.is_valid():
        actor = signed_in_user(request)
        version = form.cleaned_data["version"]
        try:
            if request.POST.get("action") == "send_back":
                referral_decision_send_back(
                    referral=referral, actor=actor, reason=form.cleaned_data["reason"], expected_version=version,
                    request=request,
                )  # fmt: skip
                messages.success(request, "The proposed decision has been sent back to screening.")
            else:
                referral_decision_confirm(referral=referral, actor=actor, expected_version=version, request=request)
                messages.success(request, f"Decision confirmed: {referral.get_decision_display()}.")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("referrals:detail", pk=referral.pk)
    context = {
        "referral": referral,
        "form": form,
        "own_proposal": referral.proposed_by_id == request.user.pk,
        "escalations": screening_escalations(referral=referral),
        "signposts": list(referral.signpost_rows.all()),
    }
    return render(request, "referrals/decision_confirm.html", context)
