"""Subject access request pages, for coordinators only (everyone else: 404). Started from a referral's page for
the person it is about; the request's page shows progress, the bundle's parts, the third parties' names for the
redaction review, the download and the release."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Capability, capability_required, signed_in_user
from referrals.selectors import referral_get_for_user

from .models import SarState, SubjectAccessRequest
from .selectors import sar_list
from .services import sar_download, sar_release, sar_request


@capability_required(Capability.SUBJECT_ACCESS)
def sar_index(request: HttpRequest) -> HttpResponse:
    return render(request, "sar/list.html", {"requests": list(sar_list()[:200])})


@capability_required(Capability.SUBJECT_ACCESS)
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, pk: int) -> HttpResponse:
    referral = referral_get_for_user(user=request.user, pk=pk, request=request, page="subject access")
    if referral.is_draft or referral.person is None:
        raise Http404
    if request.method == "POST":
        sar = sar_request(person=referral.person, actor=signed_in_user(request), request=request)
        return redirect("sar:detail", pk=sar.pk)
    return render(request, "sar/start.html", {"referral": referral})


def _get(pk: int) -> SubjectAccessRequest:
    return get_object_or_404(sar_list(), pk=pk)


@capability_required(Capability.SUBJECT_ACCESS)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    sar = _get(pk)
    return render(request, "sar/detail.html", {"sar": sar, "done": sar.state == SarState.DONE})


@capability_required(Capability.SUBJECT_ACCESS)
def download(request: HttpRequest, pk: int) -> HttpResponseBase:
    sar = _get(pk)
    if sar.state != SarState.DONE or not sar.file_name:  # not made yet, or removed with the person's identifiers
        raise Http404
    return sar_download(sar=sar, actor=signed_in_user(request), request=request)


@capability_required(Capability.SUBJECT_ACCESS)
@require_POST
def release(request: HttpRequest, pk: int) -> HttpResponse:
    sar = _get(pk)
    try:
        sar_release(sar=sar, actor=signed_in_user(request), request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The bundle is recorded as released.")
    return redirect("sar:detail", pk=sar.pk)
