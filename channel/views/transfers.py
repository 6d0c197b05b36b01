"""Transferring a case to another local authority (with its transfer pack) and opening a case transferred in."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import Capability, capability_required, signed_in_user
from core.audit import audit_record
from core.idempotency import create_once
from referrals.models import age_on

from ..forms.transfers import TransferInForm, TransferOutForm
from ..models.cases import FINISHED_STAGES, Case, Stage
from ..selectors import can_edit_case, case_get_for_user, panels_editable_by
from ..services.transfers import case_transfer_in, case_transfer_out
from ..transfer_pack import transfer_pack_pdf
from .common import case_for_write, form_page

TRANSFER = Capability.CASES_TRANSFER


@capability_required(TRANSFER)
@require_http_methods(["GET", "POST"])
def transfer_out(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for_write(request, pk)
    if case.stage in FINISHED_STAGES:
        raise PermissionDenied
    form = TransferOutForm(request.POST or None, initial={"on": timezone.localdate(), "version": case.version})

    def save(data: dict[str, Any]) -> str:
        case_transfer_out(
            case=case, details=form.details(), actor=signed_in_user(request), expected_version=data["version"],
            request=request,
        )  # fmt: skip
        return reverse("channel:case_detail", args=[case.pk])

    return form_page(
        request, form=form, title="Transfer the case to another local authority", caption=case.reference,
        back_url=reverse("channel:case_detail", args=[case.pk]),
        intro=[
            "Use this when the person has moved and the panel where they now live takes the case on. The case "
            "closes here as \u201ctransferred\u201d on the date of transfer.",
            "After saving, download the transfer pack (OFFICIAL-SENSITIVE) from the case page and send it to the "
            "contact by a secure route.",
        ],
        on_valid=save, done_message="The case has been transferred. Download the transfer pack from this page.",
    )  # fmt: skip


@capability_required(TRANSFER)
@require_GET
def transfer_pack(request: HttpRequest, pk: int) -> HttpResponse:
    """The transfer pack as a PDF, OFFICIAL-SENSITIVE on every page: for whoever may change the case. Every
    download is audited."""
    case = case_get_for_user(user=request.user, pk=pk, request=request)
    if case.stage != Stage.TRANSFERRED:
        raise Http404
    if not can_edit_case(user=request.user, case=case):
        raise PermissionDenied
    with transaction.atomic():
        audit_record(actor=request.user, action="channel.transfer_pack_downloaded", obj=case, request=request)
    pdf = transfer_pack_pdf(case=case, user=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="transfer-pack-{case.reference}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@capability_required(TRANSFER)
@require_http_methods(["GET", "POST"])
def transfer_in(request: HttpRequest) -> HttpResponse:
    panels = panels_editable_by(user=request.user)
    if not panels.exists():
        raise Http404
    form = TransferInForm(request.POST or None, panels=panels, initial={"on": timezone.localdate()})

    def save(data: dict[str, Any]) -> str:
        actor = signed_in_user(request)
        born = data.get("date_of_birth")
        age = age_on(date_of_birth=born, age_given=None, given_on=None, day=timezone.localdate())
        under_18 = age is not None and age < 18
        case = create_once(
            token=data["form_token"], actor=actor, model=Case,
            create=lambda: case_transfer_in(
                first_name=data["first_name"], last_name=data["last_name"], date_of_birth=born, gender=data["gender"],
                panel=data["panel"], under_18=under_18, details=form.details(), actor=actor, request=request,
            ),
        )  # fmt: skip
        return reverse("channel:case_detail", args=[case.pk])

    return form_page(
        request, form=form, title="Open a case transferred in", caption="Panel cases",
        back_url=reverse("channel:case_list"),
        intro=["For a person whose case another local authority's panel has handed to us. The case keeps where it came from."],
        on_valid=save, done_message="The case has been opened. Where it came from is on the case page.",
    )  # fmt: skip
