"""Session lifetime and the second factor, enforced on every request."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

SESSION_STARTED_KEY = "portal_started_at"
SESSION_SEEN_KEY = "portal_seen_at"
# Set on the fresh anonymous session after a timeout, so the sign-in page can say why (this middleware runs
# before the messages middleware, so it cannot use django.contrib.messages).
TIMED_OUT_KEY = "portal_timed_out"
# A page read records its time only when the recorded one is this old (or a sixtieth of the idle limit, if less).
# Writing it on every request made every page, however read-only, an UPDATE and a commit of the session row. The
# idle limit so counts from a time up to this much before the last page read: a session may end that much sooner
# than SESSION_IDLE_TIMEOUT after it, never later.
SESSION_SEEN_RESOLUTION = timedelta(seconds=30)

# Paths a signed-in user who has not yet passed the second factor may still reach.
_SECOND_FACTOR_OPEN = ("accounts:two_factor", "accounts:enrol", "accounts:logout", "accounts:backup_codes_shown")
_ALWAYS_OPEN_PREFIXES = ("/static/", "/healthz", "/accessibility/", "/privacy/")


def session_seconds_left(request: HttpRequest, now: float | None = None) -> float:
    """Seconds until this session ends, by whichever limit comes first: idle time or the absolute lifetime
    (negative once it has ended)."""
    now = time.time() if now is None else now
    started = request.session.get(SESSION_STARTED_KEY, now)
    seen = request.session.get(SESSION_SEEN_KEY, now)
    idle_left = settings.SESSION_IDLE_TIMEOUT.total_seconds() - (now - seen)
    absolute_left = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds() - (now - started)
    return min(idle_left, absolute_left)


class SessionLifetimeMiddleware:
    """Ends a session after SESSION_IDLE_TIMEOUT without a request, or SESSION_ABSOLUTE_TIMEOUT in all.

    The timeout warning asks how long is left without that question counting as activity, so that one path
    reads the clock without moving it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._passive_path: str | None = None

    def _is_passive(self, request: HttpRequest) -> bool:
        if self._passive_path is None:
            self._passive_path = reverse("accounts:session_time_left")
        return request.path == self._passive_path

    def _records_activity(self, request: HttpRequest, now: float) -> bool:
        seen = request.session.get(SESSION_SEEN_KEY)
        if seen is None:
            return True
        if self._is_passive(request):
            return False
        # A change (a POST, "Stay signed in" among them) is recorded at once; it writes to the database anyway.
        resolution = min(SESSION_SEEN_RESOLUTION.total_seconds(), settings.SESSION_IDLE_TIMEOUT.total_seconds() / 60)
        return request.method not in ("GET", "HEAD") or now - seen >= resolution

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            if session_seconds_left(request, now) < 0:
                logout(request)  # flushes the session on the server
                request.session[TIMED_OUT_KEY] = True
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            request.session.setdefault(SESSION_STARTED_KEY, now)
            if self._records_activity(request, now):
                request.session[SESSION_SEEN_KEY] = now
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """A password alone shows nothing: until the session is verified with a TOTP or backup code, every page
    but the second-factor pages sends the user there."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open_paths: set[str] | None = None

    def _open(self) -> set[str]:
        if self._open_paths is None:
            self._open_paths = {reverse(name) for name in _SECOND_FACTOR_OPEN}
        return self._open_paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and request.path not in self._open()
            and not request.path.startswith(_ALWAYS_OPEN_PREFIXES)
        ):
            return redirect("accounts:two_factor")
        return self.get_response(request)
