from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .middleware import session_seconds_left


def session_timeout(request: HttpRequest) -> dict[str, Any]:
    """What the timeout warning (templates/includes/timeout_warning.html) needs to know when it should open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "session_warning_seconds": int(settings.SESSION_TIMEOUT_WARNING.total_seconds()),
        "session_seconds_left": int(session_seconds_left(request)),
    }
