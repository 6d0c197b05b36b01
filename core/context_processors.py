from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .registry import nav_items_for

# Every page under these shows referral or case data (referrals, the queue, panels, cases, meetings and their papers),
# so base.html marks it OFFICIAL-SENSITIVE on screen and on every printed page. Other pages that show such figures
# (a school's referral count) fill base.html's `marking` block themselves.
OFFICIAL_SENSITIVE_PREFIXES = ("/referrals/", "/panels/", "/people/")


def portal(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated and user.is_verified())
    nav = nav_items_for(user) if user is not None and signed_in else []
    path = request.path
    active = max(
        (i for i in nav if (path == i.url if i.url == "/" else path.startswith(i.active_prefix or i.url))),
        key=lambda i: len(i.url),
        default=None,
    )
    return {
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
        "service_phase": settings.SERVICE_PHASE,
        "support_email": settings.SUPPORT_EMAIL,
        "nav_items": nav,
        "nav_active": active,
        "fully_signed_in": signed_in,
        "official_sensitive": path.startswith(OFFICIAL_SENSITIVE_PREFIXES),
    }
