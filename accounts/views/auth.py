"""Sign-in, the second factor and sign-out."""

from __future__ import annotations

import base64
import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm as DjangoSetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import add_service_errors

from ..forms import OnceConfirmForm, SignInForm, TokenForm
from ..forms import SetPasswordForm as PortalSetPasswordForm
from ..models import User
from ..permissions import signed_in_user
from ..services import (
    backup_codes_regenerate,
    has_second_factor,
    password_set_by_link,
    second_factor_verify,
    totp_device_pending,
    totp_enrolment_confirm,
)

BACKUP_CODES_SESSION_KEY = "portal_backup_codes"


# Django's LoginView is kept: it owns the safe `next` redirect, the CSRF and never-cache rules and the
# authentication signals django-axes counts failures from.
@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = False

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from ..middleware import TIMED_OUT_KEY

        context = super().get_context_data(**kwargs)
        context["timed_out"] = self.request.session.pop(TIMED_OUT_KEY, False)
        return context

    def get_success_url(self) -> str:
        # The password is only the first step: the second factor decides whether anything is shown.
        next_url = self.get_redirect_url()
        url = reverse("accounts:two_factor")
        return f"{url}?next={next_url}" if next_url else url


def lockout_response(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """django-axes calls this when an account or address is locked. Same words whether the account exists."""
    return render(request, "accounts/locked_out.html", status=429)


def _next_url(request: HttpRequest) -> str:
    target = request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("core:home")


@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Asks for the authenticator code, or sends a user without one to enrol."""
    user = signed_in_user(request)  # signed in with the password, not yet with the second factor
    if request.method != "POST" and user.is_verified():
        return redirect(_next_url(request))
    if not has_second_factor(user=user):
        return redirect("accounts:enrol")
    form = TokenForm(request.POST if request.method == "POST" else None, submit_label="Continue")
    if request.method == "POST" and form.is_valid():
        if second_factor_verify(request=request, user=user, token=form.cleaned_data["token"]):
            return redirect(_next_url(request))
        form.add_error("token", "The security code is not right or has already been used. Try the next code.")
    return render(request, "accounts/two_factor.html", {"form": form})


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in: set up an authenticator app (QR code and the secret as text), then show backup codes."""
    user = signed_in_user(request)
    if has_second_factor(user=user):
        return redirect("accounts:two_factor")
    form = TokenForm(request.POST if request.method == "POST" else None, submit_label="Confirm")
    device = totp_device_pending(user=user)
    if request.method == "POST" and form.is_valid():
        codes = totp_enrolment_confirm(
            request=request,
            user=user,
            device=device,
            token=form.cleaned_data["token"],
        )
        if codes is not None:
            request.session[BACKUP_CODES_SESSION_KEY] = codes
            return redirect("accounts:backup_codes_shown")
        form.add_error("token", "The security code is not right. Check the time on your phone and try again.")
        device = totp_device_pending(user=user)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    context = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "device": device,
    }
    return render(request, "accounts/enrol.html", context)


@require_GET
def backup_codes_shown(request: HttpRequest) -> HttpResponse:
    """Shows new backup codes once, straight after they are made."""
    codes = request.session.pop(BACKUP_CODES_SESSION_KEY, None)
    renewed = request.session.pop("portal_backup_codes_renewed", False)
    if not codes:
        return redirect("core:home")
    return render(request, "accounts/backup_codes.html", {"codes": codes, "renewed": renewed})


# Django's LogoutView is kept: it owns the POST-only rule, the session flush and the signed-out page.
class SignOutView(auth_views.LogoutView):
    """POST only (Django's rule): ends the session on the server."""

    template_name = "accounts/signed_out.html"


@require_http_methods(["GET", "POST"])
def backup_codes_new(request: HttpRequest) -> HttpResponse:
    """A signed-in user makes new backup codes for themselves (the old ones stop working)."""
    form = OnceConfirmForm(request.POST if request.method == "POST" else None, submit_label="Make new backup codes")
    if request.method == "POST" and form.is_valid():
        try:
            codes = backup_codes_regenerate(
                user=signed_in_user(request),
                request=request,
                form_token=form.cleaned_data["form_token"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[BACKUP_CODES_SESSION_KEY] = codes
            request.session["portal_backup_codes_renewed"] = True
            return redirect("accounts:backup_codes_shown")
    return render(request, "accounts/backup_codes_new.html", {"form": form})


# Django's PasswordResetConfirmView is kept: it moves the token from the URL into the session before the form is
# shown, so the token never leaks through the Referer header; rewriting that would risk the behaviour.
class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The one-time link from an invitation or a "send a sign-in link": set a password, then sign in with it
    and the second factor as always (the user is never signed in from here)."""

    form_class = PortalSetPasswordForm
    template_name = "accounts/set_password.html"

    def get_user(self, uidb64: str) -> User | None:
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form: DjangoSetPasswordForm[User]) -> HttpResponse:
        from django.contrib import messages
        from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN

        # Django shows the form only for a valid link, and a valid link has found its user.
        assert self.user is not None
        password_set_by_link(user=self.user, password=form.cleaned_data["new_password1"], request=self.request)
        self.request.session.pop(INTERNAL_RESET_SESSION_TOKEN, None)
        messages.success(
            self.request,
            "Your password is set. Sign in with it now; you will then set up or use your authenticator app.",
        )
        return redirect("accounts:login")
