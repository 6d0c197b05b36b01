"""Case pages: the list, the case page, and each change a chair or coordinator makes to a case."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Membership, User
from accounts.permissions import Capability, capability_required, has_capability, signed_in_user
from accounts.roles import Role
from core.attachments import attachments_of, with_download_urls
from core.downloads import export_list
from core.forms import AttachmentForm, add_service_errors
from core.lists import filters_used
from core.pagination import ListPaginator

from .. import exports
from ..forms.cases import (
    AssessmentForm,
    CapacityForm,
    CaseUpdateForm,
    ConsentForm,
    ContactForm,
    ExitForm,
    LegalHoldForm,
    NoteForm,
    ReviewForm,
    StageForm,
    SupportItemChangeForm,
    SupportItemForm,
    SupportStartForm,
)
from ..models.cases import ADOPTED_STAGES, FINISHED_STAGES, OPEN_STAGES, PRE_PANEL_STAGES, CaseEntry, Stage
from ..selectors import (
    assessment_comparison,
    can_edit_case,
    case_chronology,
    case_flags_for,
    case_get_for_user,
    case_legal_holds,
    case_list_for_page,
    case_transfers,
    support_items_without_contact,
)
from ..services import assessments, cases, consent, holds, reviews, support
from .attachments import entries_with_attachments
from .common import case_for_write, form_page

PAGE_SIZE = 50
CASES = Capability.CASES_VIEW


def _case_url(case: Any) -> str:
    return reverse("channel:case_detail", args=[case.pk])


@capability_required(CASES)
def case_list(request: HttpRequest) -> HttpResponse:
    filterset = case_list_for_page(user=request.user, params=request.GET)
    page = ListPaginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "channel/case_list.html",
        {
            "filter": filterset,
            "filters_used": filters_used(filterset),
            "page_obj": page,
            "cases": page.object_list,
            "may_transfer_in": has_capability(request.user, Capability.CASES_TRANSFER),
        },
    )


@capability_required(CASES)
def case_export(request: HttpRequest) -> HttpResponseBase:
    """The cases the list shows with these filters, as CSV (everyone who may see the list may read them)."""
    return export_list(request, exports.CASES)


@capability_required(CASES)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk, request=request)
    consents = list(case.consents.select_related("recorded_by"))
    capacity = list(case.capacity_assessments.select_related("recorded_by"))
    state = consent.consent_state(case=case, records=consents, capacity=capacity)
    first, latest, comparison = assessment_comparison(case=case)
    entries = case_chronology(case=case)
    items = list(case.support_items.prefetch_related("contacts"))
    lapsed = set(support_items_without_contact(case_ids=[case.pk]).values_list("pk", flat=True))
    notes_by_item: dict[int, list[CaseEntry]] = {}
    for entry in entries:
        if entry.kind == "progress" and entry.support_item_id:
            notes_by_item.setdefault(entry.support_item_id, []).append(entry)
    for item in items:
        item.notes = notes_by_item.get(item.pk, [])  # type: ignore[attr-defined]
        item.lapsed = item.pk in lapsed  # type: ignore[attr-defined]
        item.contact_list = list(item.contacts.all())  # type: ignore[attr-defined]
    editable = can_edit_case(user=request.user, case=case)
    latest_entries = entries_with_attachments(case, entries[-5:][::-1])
    return render(
        request,
        "channel/case_detail.html",
        {
            "attachments": with_download_urls(attachments_of(case), "channel:case_attachment_download", pk=case.pk),
            "attachment_form": AttachmentForm() if editable else None,
            "case": case,
            "referral": case.referral,
            "editable": editable,
            "consents": consents,
            "consent": state,
            "capacity": capacity,
            "flags": case_flags_for(cases=[case])[case.pk],
            "no_contact_days": settings.SUPPORT_NO_CONTACT_DAYS,
            "in_support": case.stage == Stage.SUPPORT,
            "first": first,
            "latest": latest,
            "comparison": comparison,
            "support_items": items,
            "reviews": list(case.reviews.select_related("completed_by")),
            "entries": latest_entries,
            "entry_count": len(entries),
            "actions": list(case.actions.select_related("owner", "meeting")),
            "agenda_items": list(case.agenda_items.select_related("meeting").order_by("-meeting__held_on")),
            "can_move": editable and case.stage in PRE_PANEL_STAGES,
            "can_start_support": editable and case.stage == Stage.ADOPTED,
            "can_plan": editable and case.stage in ADOPTED_STAGES,
            "can_exit": editable and case.stage in ADOPTED_STAGES,
            "is_open": case.stage in OPEN_STAGES,
            "can_see_meetings": has_capability(request.user, Capability.MEETINGS_VIEW),
            "transfers": case_transfers(case=case),
            "can_transfer": editable and case.stage not in FINISHED_STAGES,
            "can_hold": has_capability(request.user, Capability.LEGAL_HOLD),
            "holds_in_force": [h for h in case_legal_holds(case=case) if h.is_in_force(timezone.localdate())],
        },
    )


@capability_required(CASES)
def case_chronology_page(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk, request=request)
    return render(
        request,
        "channel/case_chronology.html",
        {
            "case": case,
            "entries": entries_with_attachments(case, case_chronology(case=case)),
            "editable": can_edit_case(user=request.user, case=case),
            "chronology_page": True,
        },
    )


def _officer_choices(case: Any) -> QuerySet[User]:
    """Coordinators and the case's panel's chairs and members."""
    ids = (
        Membership.objects.current()
        .filter(Q(role=Role.COORDINATOR) | Q(role__in=[Role.PANEL_CHAIR, Role.PANEL_MEMBER], panel_id=case.panel_id))
        .values("user_id")
    )
    return User.objects.filter(pk__in=ids, is_active=True).order_by("full_name")


@capability_required(CASES)
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for_write(request, pk)
    initial = {
        "case_officer": case.case_officer_id,
        "review_due_on": case.review_due_on,
        "exit_proposed": case.exit_proposed,
        "version": case.version,
    }
    form = CaseUpdateForm(request.POST or None, initial=initial, officers=_officer_choices(case))

    def save(data: dict[str, Any]) -> None:
        cases.case_update(
            case=case, changed_by=signed_in_user(request), case_officer=data["case_officer"], review_due_on=data["review_due_on"],
            exit_proposed=data["exit_proposed"], expected_version=data["version"], note=data["note"], request=request,
        )  # fmt: skip

    return form_page(
        request, form=form, title="Case officer and next review", caption=case.reference, back_url=_case_url(case),
        on_valid=save, done_message="Case details saved.",
    )  # fmt: skip


@capability_required(CASES)
def case_stage(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for_write(request, pk)
    if case.stage not in PRE_PANEL_STAGES:
        raise PermissionDenied
    form = StageForm(request.POST or None, current=case.stage, initial={"on": timezone.localdate()})

    def save(data: dict[str, Any]) -> None:
        cases.case_stage_change(
            case=case,
            stage=data["stage"],
            on=data["on"],
            changed_by=signed_in_user(request),
            note=data["note"],
            request=request,
        )

    return form_page(
        request, form=form, title="Move the case to another stage", caption=case.reference, back_url=_case_url(case),
        intro=[f"The case is at '{case.get_stage_display()}'. The panel adopts or closes a case at a meeting."],
        on_valid=save, done_message="Stage changed.",
    )  # fmt: skip


@capability_required(CASES)
def consent_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for_write(request, pk)
    form = ConsentForm(request.POST or None, initial={"on": timezone.localdate()})
    intro = [
        "Support through a panel is voluntary: record the person's informed consent, or their refusal or withdrawal."
    ]
    state = consent.consent_state(case=case)
    if state.parent_needed:
        intro.append("The person is under 18 today: record a parent's or carer's consent too.")
    elif state.turns_18_on is not None and state.turns_18_on <= state.on:
        intro.append(f"The person turned 18 on {state.turns_18_on:%d %B %Y}: from then on their own consent is needed.")
    if case.stage in ADOPTED_STAGES:
        intro.append(
            "A withdrawal during support stops it at once: every support item ends and the panel is asked to decide."
        )

    def save(data: dict[str, Any]) -> None:
        consent.consent_record(
            case=case, giver=data["giver"], status=data["status"], on=data["on"], recorded_by=signed_in_user(request),
            given_by_name=data["given_by_name"], notes=data["notes"], form_token=data["form_token"], request=request,
        )  # fmt: skip

    return form_page(
        request, form=form, title="Record consent", caption=case.reference, back_url=_case_url(case), intro=intro,
        on_valid=save, done_message="Consent recorded.",
    )  # fmt: skip


@capability_required(CASES)
def support_start(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for_write(request, pk)
    if case.stage != Stage.ADOPTED:
        raise PermissionDenied
    state = consent.consent_state(case=case)
    form = SupportStartForm(request.POST or None, initial={"on": timezone.localdate()})

    def save(data: dict[str, Any]) -> None:
        support.case_support_start(case=case, on=data["on"], started_by=signed_in_user(request), request=request)

    warnings = []
    if not state.allows_support:
        warnings = ["Support cannot start without consent.", *state.reasons_against_support]
    return form_page(
        request, form=form, title="Start support", caption=case.reference, back_url=_case_url(case),
        warnings=warnings, on_valid=save, done_message="Support has started.",
        extra={"consent_url": reverse("channel:consent_add", args=[case.pk])},
    )  # fmt: skip


@capability_required(CASES)
def assessment_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for_write(request, pk)
    if case.stage not in OPEN_STAGES:
        raise PermissionDenied
    initial: dict[str, Any] = {"assessed_on": timezone.localdate()}
    previous = case.assessments.order_by("-assessed_on", "-id").first()
    if previous is not None:  # start from the last assessment: most factors change little between two
        for rating in previous.ratings.all():
            initial[f"rating_{rating.factor_id}"] = str(rating.rating)
            initial[f"rationale_{rating.factor_id}"] = rating.rationale
    form = AssessmentForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> None:
        assessments.assessment_record(
            case=case, assessed_on=data["assessed_on"], assessed_by=signed_in_user(request), ratings=form.ratings(),
            summary=data["summary"], form_token=data["form_token"], request=request,
        )  # fmt: skip

    return form_page(
        request, form=form, title="Vulnerability assessment", caption=case.reference, back_url=_case_url(case),
        intro=[
            "Rate each factor of the Vulnerability Assessment Framework and give a short rationale.",
            *(
                [f"The ratings start from the assessment of {previous.assessed_on:%d %B %Y}: change those that have changed."]
                if previous
                else []
            ),
        ],
        on_valid=save, done_message="Assessment saved.",
    )  # fmt: skip


@capability_required(CASES)
def support_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for_write(request, pk)
    if case.stage not in ADOPTED_STAGES:
        raise PermissionDenied
    form = SupportItemForm(request.POST or None, initial={"starts_on": timezone.localdate()})

    def save(data: dict[str, Any]) -> None:
        support.support_item_add(
            case=case, kind=data["kind"], provider=data["provider"], description=data["description"],
            starts_on=data["starts_on"], ends_on=data["ends_on"], added_by=signed_in_user(request),
            planned_frequency=data["planned_frequency"], form_token=data["form_token"], request=request,
        )  # fmt: skip

    return form_page(
        request, form=form, title="Add to the support plan", caption=case.reference, back_url=_case_url(case),
        on_valid=save, done_message="Support plan updated.",
    )  # fmt: skip


def _item(case: Any, item_pk: int) -> Any:
    return get_object_or_404(case.support_items, pk=item_pk)


@capability_required(CASES)
def support_item_end(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    case = case_for_write(request, pk)
    item = _item(case, item_pk)
    initial = {"description": item.description, "ends_on": item.ends_on, "version": item.version}
    form = SupportItemChangeForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> None:
        support.support_item_update(
            item=item, description=data["description"], ends_on=data["ends_on"], changed_by=signed_in_user(request),
            expected_version=data["version"], request=request,
        )  # fmt: skip

    return form_page(
        request, form=form, title=f"Change: {item.provider}", caption=case.reference, back_url=_case_url(case),
        on_valid=save, done_message="Support plan updated.",
    )  # fmt: skip


@capability_required(CASES)
def progress_note_add(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    case = case_for_write(request, pk)
    item = _item(case, item_pk)
    form = NoteForm(
        request.POST or None, label="Progress note", submit="Add progress note", initial={"on": timezone.localdate()}
    )

    def save(data: dict[str, Any]) -> None:
        support.progress_note_add(
            item=item, text=data["text"], on=data["on"], author=signed_in_user(request), form_token=data["form_token"],
            request=request,
        )  # fmt: skip

    return form_page(
        request, form=form, title=f"Progress: {item.provider}", caption=case.reference, back_url=_case_url(case),
        on_valid=save, done_message="Progress note added.",
    )  # fmt: skip


@capability_required(CASES)
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for_write(request, pk)
    amends = None
    if request.GET.get("amends", "").isdigit():
        amends = get_object_or_404(CaseEntry, pk=int(request.GET["amends"]), case=case)
    form = NoteForm(
        request.POST or None, label="Correction" if amends else "Case note",
        submit="Add correction" if amends else "Add note", initial={"on": timezone.localdate()},
    )  # fmt: skip
    intro = (
        ["The chronology cannot be edited: a correction is added as a new entry that points at the one it corrects."]
        if amends
        else []
    )

    def save(data: dict[str, Any]) -> str:
        cases.case_note_add(
            case=case, text=data["text"], on=data["on"], author=signed_in_user(request), amends=amends,
            form_token=data["form_token"], request=request,
        )  # fmt: skip
        return reverse("channel:case_chronology", args=[case.pk])

    return form_page(
        request, form=form, title="Correct an entry" if amends else "Add a case note", caption=case.reference,
        back_url=_case_url(case), intro=intro, on_valid=save, done_message="Added to the chronology.",
        extra={"amended_entry": amends},
    )  # fmt: skip


@capability_required(CASES)
def case_exit(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for_write(request, pk)
    if case.stage not in ADOPTED_STAGES:
        raise PermissionDenied
    form = ExitForm(request.POST or None, initial={"on": timezone.localdate()})

    def save(data: dict[str, Any]) -> None:
        cases.case_exit(
            case=case,
            outcome=data["outcome"],
            on=data["on"],
            exited_by=signed_in_user(request),
            notes=data["notes"],
            request=request,
        )

    return form_page(
        request, form=form, title="Record the exit", caption=case.reference, back_url=_case_url(case),
        intro=["Reviews 6 and 12 months after the exit will fall due by themselves, with reminders to the chair and the case officer."],
        on_valid=save, done_message="Exit recorded. Reviews at 6 and 12 months are now due.",
    )  # fmt: skip


@capability_required(CASES)
def review_record(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    case = case_for_write(request, pk)
    review = get_object_or_404(case.reviews, pk=review_pk)
    if review.is_done:
        raise Http404
    form = ReviewForm(request.POST or None, initial={"on": timezone.localdate()})

    def save(data: dict[str, Any]) -> None:
        reviews.review_record(
            review=review, concerns_returned=data["concerns_returned"], on=data["on"], recorded_by=signed_in_user(request),
            notes=data["notes"], request=request,
        )  # fmt: skip

    return form_page(
        request, form=form, title=str(review.get_kind_display()).capitalize(), caption=case.reference,
        back_url=_case_url(case), intro=[f"Due on {review.due_on:%d %B %Y}."], on_valid=save,
        done_message="Review recorded.",
    )  # fmt: skip


# ---- legal holds (coordinators) ------------------------------------------------------------------------------


@capability_required(Capability.LEGAL_HOLD)
def legal_hold_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The case's holds, and a form to place one. A hold stops the retention schedule anonymising the case."""
    case = case_get_for_user(user=request.user, pk=pk, request=request)
    form = LegalHoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            holds.legal_hold_place(
                case=case, placed_by=signed_in_user(request), reason=form.cleaned_data["reason"],
                until=form.cleaned_data["until"], form_token=form.cleaned_data["form_token"], request=request,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Legal hold placed. The retention schedule leaves this case alone until it ends.")
            return redirect("channel:legal_hold", pk=case.pk)
    return render(
        request,
        "channel/legal_hold.html",
        {
            "case": case,
            "form": form,
            "holds": case_legal_holds(case=case),
            "today": timezone.localdate(),
        },
    )


@capability_required(Capability.LEGAL_HOLD)
@require_POST
def legal_hold_lift(request: HttpRequest, pk: int, hold_pk: int) -> HttpResponse:
    case = case_get_for_user(user=request.user, pk=pk, request=request)
    hold = get_object_or_404(case_legal_holds(case=case), pk=hold_pk)
    holds.legal_hold_lift(hold=hold, lifted_by=signed_in_user(request), request=request)
    messages.success(request, "Legal hold lifted.")
    return redirect("channel:legal_hold", pk=case.pk)


@capability_required(CASES)
def capacity_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for_write(request, pk)
    if case.stage not in OPEN_STAGES:
        raise PermissionDenied
    form = CapacityForm(request.POST or None, initial={"assessed_on": timezone.localdate()})

    def save(data: dict[str, Any]) -> None:
        consent.capacity_record(
            case=case, assessed_on=data["assessed_on"], assessor=data["assessor"], outcome=data["outcome"],
            best_interests_decision=data["best_interests_decision"], notes=data["notes"],
            recorded_by=signed_in_user(request), form_token=data["form_token"], request=request,
        )  # fmt: skip

    return form_page(
        request, form=form, title="Record capacity to consent", caption=case.reference, back_url=_case_url(case),
        intro=[
            "For an adult: who assessed their capacity to consent to support, when, and the outcome (Mental Capacity "
            "Act 2005). Where capacity is lacking, record the best-interests decision taken instead of consent."
        ],
        on_valid=save, done_message="Capacity to consent recorded.",
    )  # fmt: skip


@capability_required(CASES)
def support_contact_add(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    case = case_for_write(request, pk)
    item = _item(case, item_pk)
    if case.stage != Stage.SUPPORT:
        raise PermissionDenied
    form = ContactForm(request.POST or None, initial={"on": timezone.localdate()})

    def save(data: dict[str, Any]) -> None:
        support.support_contact_record(
            item=item, on=data["on"], made_by=data["made_by"], note=data["note"], recorded_by=signed_in_user(request),
            form_token=data["form_token"], request=request,
        )  # fmt: skip

    return form_page(
        request, form=form, title=f"Record a contact: {item.provider}", caption=case.reference,
        back_url=_case_url(case),
        intro=[f"Planned: {item.get_planned_frequency_display().lower()}. A contact is a session or meeting that took place."],
        on_valid=save, done_message="Contact recorded.",
    )  # fmt: skip
