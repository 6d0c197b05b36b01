"""User administration for coordinators and system administrators: list, invite, roles, deactivation, sign-in
links and (system administrators only) two-factor resets. Every page fetches through accounts.selectors first:
no capability is a 404; a user the actor may not manage (a system administrator, for a coordinator) is a 403."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views import View

from ..forms import ConfirmForm, EndRoleForm, InviteForm, MembershipForm
from ..models import User
from ..permissions import (
    Capability,
    CapabilityRequiredMixin,
    can_manage_user,
    grantable_roles,
    is_sysadmin,
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
)

PAGE_SIZE = 50


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class UserListView(CapabilityRequiredMixin, View):
    capability = Capability.USERS_MANAGE

    def get(self, request: HttpRequest) -> HttpResponse:
        filterset = user_filter_for(user=request.user, filters=request.GET)
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "accounts/user_list.html",
            {"filter": filterset, "page_obj": page, "users": page.object_list},
        )


class UserInviteView(CapabilityRequiredMixin, View):
    capability = Capability.USERS_MANAGE
    template_name = "accounts/user_invite.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": InviteForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = InviteForm(request.POST)
        if form.is_valid():
            try:
                user = user_invite(actor=request.user, request=request, **form.cleaned_data)  # type: ignore[arg-type]
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"Invitation sent to {user.email}. Now give {user.full_name} a role.")
                return redirect("accounts:membership_add", pk=user.pk)
        return render(request, self.template_name, {"form": form})


class UserDetailView(CapabilityRequiredMixin, View):
    capability = Capability.USERS_MANAGE

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
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


class _ManageUserView(CapabilityRequiredMixin, View):
    """Fetches the target user in scope (404), then refuses one the actor may not manage (403)."""

    capability = Capability.USERS_MANAGE

    def target(self, request: HttpRequest, pk: int) -> User:
        target = user_get_for_user(user=request.user, pk=pk)
        if not can_manage_user(request.user, target):
            raise PermissionDenied
        return target


class MembershipAddView(_ManageUserView):
    template_name = "accounts/membership_add.html"

    def _form(self, request: HttpRequest, data: Any = None) -> MembershipForm:
        return MembershipForm(data, roles=grantable_roles(request.user))

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        target = self.target(request, pk)
        return render(request, self.template_name, {"form": self._form(request), "target": target})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        target = self.target(request, pk)
        form = self._form(request, request.POST)
        if form.is_valid():
            try:
                membership = membership_assign(actor=request.user, user=target, request=request, **form.cleaned_data)  # type: ignore[arg-type]
            except ValidationError as error:
                _add_errors(form, error)
            except PermissionError as error:
                raise PermissionDenied(str(error)) from error
            else:
                messages.success(request, f"{target.full_name} is now {membership}.")
                return redirect("accounts:user_detail", pk=target.pk)
        return render(request, self.template_name, {"form": form, "target": target})


class MembershipEndView(_ManageUserView):
    template_name = "accounts/membership_end.html"

    def get(self, request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
        target = self.target(request, pk)
        membership = membership_get_for_user(user=request.user, target=target, pk=membership_pk)
        return render(request, self.template_name, {"form": EndRoleForm(), "target": target, "membership": membership})

    def post(self, request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
        target = self.target(request, pk)
        membership = membership_get_for_user(user=request.user, target=target, pk=membership_pk)
        form = EndRoleForm(request.POST)
        if form.is_valid():
            try:
                membership_end(
                    actor=request.user,  # type: ignore[arg-type]
                    membership=membership,
                    ended_on=form.cleaned_data.get("ended_on"),
                    request=request,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"{target.full_name} is no longer {membership}.")
                return redirect("accounts:user_detail", pk=target.pk)
        return render(request, self.template_name, {"form": form, "target": target, "membership": membership})


class _ConfirmActionView(_ManageUserView):
    """A confirmation page with one button; POST runs `act` and goes back to the user's page."""

    template_name = "accounts/user_confirm.html"
    title = ""
    submit_label = ""
    warning = False
    explanation = ""

    def allowed(self, request: HttpRequest) -> None:
        """Raise Http404 for a page this actor may never use (checked before the target is fetched)."""

    def act(self, request: HttpRequest, target: User) -> str:
        raise NotImplementedError

    def _render(self, request: HttpRequest, target: User, form: ConfirmForm) -> HttpResponse:
        context = {
            "form": form,
            "target": target,
            "title": self.title,
            "explanation": self.explanation,
        }
        return render(request, self.template_name, context)

    def _form(self, data: Any = None) -> ConfirmForm:
        return ConfirmForm(data, submit_label=self.submit_label, warning=self.warning)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.allowed(request)
        target = self.target(request, pk)
        return self._render(request, target, self._form())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.allowed(request)
        target = self.target(request, pk)
        form = self._form(request.POST)
        try:
            message = self.act(request, target)
        except ValidationError as error:
            _add_errors(form, error)
            return self._render(request, target, form)
        messages.success(request, message)
        return redirect("accounts:user_detail", pk=target.pk)


class UserDeactivateView(_ConfirmActionView):
    title = "Deactivate this account"
    submit_label = "Deactivate account"
    warning = True
    explanation = (
        "They will be signed out everywhere at once and will not be able to sign in. Their account and its "
        "history stay, and you can reactivate it later."
    )

    def act(self, request: HttpRequest, target: User) -> str:
        ended = user_deactivate(actor=request.user, user=target, request=request)  # type: ignore[arg-type]
        return f"{target.full_name}'s account is deactivated. {ended} signed-in session(s) ended."


class UserReactivateView(_ConfirmActionView):
    title = "Reactivate this account"
    submit_label = "Reactivate account"
    explanation = (
        "They will be able to sign in again with their password and authenticator app, with the roles they hold."
    )

    def act(self, request: HttpRequest, target: User) -> str:
        user_reactivate(actor=request.user, user=target, request=request)  # type: ignore[arg-type]
        return f"{target.full_name}'s account is active again."


class SignInLinkSendView(_ConfirmActionView):
    title = "Send a link to set a new password"
    submit_label = "Send link"
    explanation = (
        "We will email a link that works once, for 3 days. Their current password keeps working until they set a "
        "new one. They will still need their authenticator app to sign in."
    )

    def act(self, request: HttpRequest, target: User) -> str:
        sign_in_link_send(actor=request.user, user=target, request=request)  # type: ignore[arg-type]
        return f"A link to set a new password has been sent to {target.email}."


class SecondFactorResetView(_ConfirmActionView):
    title = "Reset two-factor sign-in"
    submit_label = "Reset two-factor sign-in"
    warning = True
    explanation = (
        "Their authenticator app and backup codes will stop working and they will be signed out everywhere. At "
        "their next sign-in they will set up an authenticator app again. Check who is asking before you do this: "
        "call them on a number you already hold."
    )

    def allowed(self, request: HttpRequest) -> None:
        if not is_sysadmin(request.user):
            raise Http404

    def act(self, request: HttpRequest, target: User) -> str:
        second_factor_reset(actor=request.user, user=target, request=request)  # type: ignore[arg-type]
        return f"Two-factor sign-in is reset for {target.full_name}. They will set it up again at their next sign-in."


def lockout_clear_view(request: HttpRequest) -> HttpResponse:
    """POST from the system administrator's home page: lift the lock on one account now. Anyone else: 404."""
    if not is_sysadmin(request.user):
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    cleared = lockout_clear(actor=request.user, username=request.POST.get("username", ""), request=request)  # type: ignore[arg-type]
    if cleared:
        messages.success(request, "The account can sign in again now. A lock on an address lifts by itself.")
    else:
        messages.info(request, "There was no lock on that account.")
    return redirect("core:home")
