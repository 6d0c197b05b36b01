"""The timeout warning's two requests: how long the session has left, and "Stay signed in"."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ..middleware import session_seconds_left


def _time_left(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "seconds_left": max(0, int(session_seconds_left(request))),
            "warning_seconds": int(settings.SESSION_TIMEOUT_WARNING.total_seconds()),
        }
    )


@never_cache
@require_GET
def session_time_left(request: HttpRequest) -> HttpResponse:
    """Read by the warning's script; SessionLifetimeMiddleware does not count this request as activity, so an
    open tab asking does not keep an unattended session alive."""
    return _time_left(request)


@never_cache
@require_POST
def session_extend(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in": any request is activity, so reaching this view has already restarted the idle time.
    The script reads the new time left; without the script the form goes back to the page it came from."""
    if request.headers.get("Accept", "").startswith("application/json"):
        return _time_left(request)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = settings.LOGIN_REDIRECT_URL
    return redirect(back)
