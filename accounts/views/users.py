"""User administration for coordinators and system administrators: list, invite, roles, deactivation, sign-in
links and (system administrators only) two-factor resets. Every page fetches through accounts.selectors first:
no capability is a 404; a user the actor may not manage (a system administrator, for a coordinator) is a 403."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.downloads import export_list
from core.forms import add_service_errors
from core.lists import filters_used

from .. import exports
from ..forms import ConfirmForm, EndRoleForm, InviteForm, MembershipForm, UserDetailsForm
from ..models import User
from ..permissions import (
    Capability,
    can_manage_user,
    capability_required,
    grantable_roles,
    is_sysadmin,
    signed_in_user,
)
from ..selectors import membership_get_for_user, user_filter_for, user_get_for_user
from ..services import (
    lockout_clear,
    membership_assign,
    membership_end,
    second_factor_reset,
    sign_in_link_send,
    user_deactivate,
    user_invite,
    user_reactivate,
    user_update,
)

PAGE_SIZE = 50


@capability_required(Capability.USERS_MANAGE)
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    filterset = user_filter_for(user=request.user, filters=request.GET)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/user_list.html",
        {"filter": filterset, "filters_used": filters_used(filterset), "page_obj": page, "users": page.object_list},
    )


@capability_required(Capability.USERS_MANAGE)
@require_GET
def user_export(request: HttpRequest) -> HttpResponseBase:
    """The users the list shows with these filters, as CSV."""
    return export_list(request, exports.USERS)


@capability_required(Capability.USERS_MANAGE)
@require_http_methods(["GET", "POST"])
def user_invite_page(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_invite(actor=signed_in_user(request), request=request, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {user.email}. Now give {user.full_name} a role.")
            return redirect("accounts:membership_add", pk=user.pk)
    return render(request, "accounts/user_invite.html", {"form": form})


@capability_required(Capability.USERS_MANAGE)
@require_GET
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = user_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "may_manage": can_manage_user(request.user, target),
            "may_reset_second_factor": is_sysadmin(request.user),
            "is_self": target.pk == request.user.pk,
        },
    )


@capability_required(Capability.USERS_MANAGE)
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = _managed_user_get(request, pk)
    initial = {"full_name": target.full_name, "job_title": target.job_title, "version": target.version}
    form = UserDetailsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user_update(
                actor=signed_in_user(request),
                user=target,
                expected_version=form.cleaned_data["version"],
                full_name=form.cleaned_data["full_name"],
                job_title=form.cleaned_data["job_title"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The changes are saved.")
            return redirect("accounts:user_detail", pk=target.pk)
    return render(request, "accounts/user_edit.html", {"form": form, "target": target})


def _managed_user_get(request: HttpRequest, pk: int) -> User:
    """The target user in scope (404), refused when the actor may not manage them (403)."""
    target = user_get_for_user(user=request.user, pk=pk)
    if not can_manage_user(request.user, target):
        raise PermissionDenied
    return target


@capability_required(Capability.USERS_MANAGE)
@require_http_methods(["GET", "POST"])
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    target = _managed_user_get(request, pk)
    form = MembershipForm(request.POST if request.method == "POST" else None, roles=grantable_roles(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            membership = membership_assign(
                actor=signed_in_user(request), user=target, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionError as error:
            raise PermissionDenied(str(error)) from error
        else:
            messages.success(request, f"{target.full_name} is now {membership}.")
            return redirect("accounts:user_detail", pk=target.pk)
    return render(request, "accounts/membership_add.html", {"form": form, "target": target})


@capability_required(Capability.USERS_MANAGE)
@require_http_methods(["GET", "POST"])
def membership_end_page(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    target = _managed_user_get(request, pk)
    membership = membership_get_for_user(user=request.user, target=target, pk=membership_pk)
    form = EndRoleForm(request.POST if request.method == "POST" else None, initial={"version": target.version})
    if request.method == "POST" and form.is_valid():
        try:
            membership_end(
                actor=signed_in_user(request),
                membership=membership,
                ended_on=form.cleaned_data.get("ended_on"),
                expected_version=form.cleaned_data["version"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{target.full_name} is no longer {membership}.")
            return redirect("accounts:user_detail", pk=target.pk)
    context = {"form": form, "target": target, "membership": membership}
    return render(request, "accounts/membership_end.html", context)


@dataclass(frozen=True)
class _ConfirmAction:
    """A confirmation page with one button; POST runs `act` and goes back to the user's page."""

    title: str
    submit_label: str
    explanation: str
    act: Callable[[HttpRequest, User], str]  # returns the success message; may raise ValidationError
    warning: bool = False


def _confirm_page(request: HttpRequest, pk: int, action: _ConfirmAction) -> HttpResponse:
    target = _managed_user_get(request, pk)
    form = ConfirmForm(
        request.POST if request.method == "POST" else None, submit_label=action.submit_label, warning=action.warning
    )
    if request.method == "POST":
        try:
            message = action.act(request, target)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, message)
            return redirect("accounts:user_detail", pk=target.pk)
    context = {"form": form, "target": target, "title": action.title, "explanation": action.explanation}
    return render(request, "accounts/user_confirm.html", context)


def _deactivate(request: HttpRequest, target: User) -> str:
    ended = user_deactivate(actor=signed_in_user(request), user=target, request=request)
    return f"{target.full_name}'s account is deactivated. {ended} signed-in session(s) ended."


def _reactivate(request: HttpRequest, target: User) -> str:
    user_reactivate(actor=signed_in_user(request), user=target, request=request)
    return f"{target.full_name}'s account is active again."


def _send_link(request: HttpRequest, target: User) -> str:
    sign_in_link_send(actor=signed_in_user(request), user=target, request=request)
    return f"A link to set a new password has been sent to {target.email}."


def _reset_second_factor(request: HttpRequest, target: User) -> str:
    second_factor_reset(actor=signed_in_user(request), user=target, request=request)
    return f"Two-factor sign-in is reset for {target.full_name}. They will set it up again at their next sign-in."


DEACTIVATE = _ConfirmAction(
    title="Deactivate this account",
    submit_label="Deactivate account",
    warning=True,
    explanation=(
        "They will be signed out everywhere at once and will not be able to sign in. Their account and its "
        "history stay, and you can reactivate it later."
    ),
    act=_deactivate,
)
REACTIVATE = _ConfirmAction(
    title="Reactivate this account",
    submit_label="Reactivate account",
    explanation=(
        "They will be able to sign in again with their password and authenticator app, with the roles they hold."
    ),
    act=_reactivate,
)
SEND_SIGN_IN_LINK = _ConfirmAction(
    title="Send a link to set a new password",
    submit_label="Send link",
    explanation=(
        "We will email a link that works once, for 3 days. Their current password keeps working until they set a "
        "new one. They will still need their authenticator app to sign in."
    ),
    act=_send_link,
)
RESET_SECOND_FACTOR = _ConfirmAction(
    title="Reset two-factor sign-in",
    submit_label="Reset two-factor sign-in",
    warning=True,
    explanation=(
        "Their authenticator app and backup codes will stop working and they will be signed out everywhere. At "
        "their next sign-in they will set up an authenticator app again. Check who is asking before you do this: "
        "call them on a number you already hold."
    ),
    act=_reset_second_factor,
)


@capability_required(Capability.USERS_MANAGE)
@require_http_methods(["GET", "POST"])
def user_deactivate_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirm_page(request, pk, DEACTIVATE)


@capability_required(Capability.USERS_MANAGE)
@require_http_methods(["GET", "POST"])
def user_reactivate_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirm_page(request, pk, REACTIVATE)


@capability_required(Capability.USERS_MANAGE)
@require_http_methods(["GET", "POST"])
def sign_in_link_send_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirm_page(request, pk, SEND_SIGN_IN_LINK)


@capability_required(Capability.USERS_MANAGE)
@require_http_methods(["GET", "POST"])
def second_factor_reset_page(request: HttpRequest, pk: int) -> HttpResponse:
    # Only system administrators reset a second factor: anyone else gets a 404 before the target is fetched.
    if not is_sysadmin(request.user):
        raise Http404
    return _confirm_page(request, pk, RESET_SECOND_FACTOR)


def lockout_clear_view(request: HttpRequest) -> HttpResponse:
    """POST from the system administrator's home page: lift the lock on one account now. Anyone else: 404."""
    if not is_sysadmin(request.user):
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    cleared = lockout_clear(actor=signed_in_user(request), username=request.POST.get("username", ""), request=request)
    if cleared:
        messages.success(request, "The account can sign in again now. A lock on an address lifts by itself.")
    else:
        messages.info(request, "There was no lock on that account.")
    return redirect("core:home")
