"""The Django admin is for system administrators only, after the second factor: anyone else gets a 404 for every
admin URL, as if it were not there. Referrals, cases and audit events are not registered for editing, so the
admin never goes around scopes or the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, reverse_lazy

from .permissions import is_sysadmin

_View = TypeVar("_View", bound=Callable[..., Any])


def sysadmin_only(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and user.is_active and user.is_verified() and is_sysadmin(user))


class PortalAdminSite(admin.AdminSite):
    site_header = "Prevent Portal administration"
    site_title = "Prevent Portal administration"

    def has_permission(self, request: HttpRequest) -> bool:
        return sysadmin_only(request)

    def admin_view(self, view: _View, cacheable: bool = False) -> _View:
        inner = super().admin_view(view, cacheable)

        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not self.has_permission(request):
                raise Http404
            response: HttpResponse = inner(request, *args, **kwargs)
            return response

        return cast(_View, update_wrapper(wrapper, view))

    def get_urls(self) -> list[URLResolver | URLPattern]:
        # LoginRequiredMiddleware sends anonymous visitors to the portal's own sign-in, not the admin's.
        urls = super().get_urls()
        for pattern in urls:
            callback = getattr(pattern, "callback", None)
            if callback is not None and hasattr(callback, "login_url"):
                callback.login_url = reverse_lazy(settings.LOGIN_URL)
        return urls

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # Signing in happens through the portal's own two-step sign-in; anyone else gets nothing.
        raise Http404


def install() -> None:
    admin.site.__class__ = PortalAdminSite
