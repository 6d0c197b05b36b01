"""The people part of the coordinator's and panel chairs' home pages: people referred three or more times in 12
months (Lord Anderson's review of Prevent, July 2025), counted from the referrals each of them may see."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accounts.permissions import access_for
from accounts.roles import Role
from core.registry import HomeSection

from .selectors import repeat_referrals_visible_to


def home_sections(*, user: Any) -> list[HomeSection]:
    access = access_for(user)
    if not (access.has(Role.COORDINATOR) or access.chaired_panel_ids):
        return []
    count, latest = repeat_referrals_visible_to(user=user, today=timezone.localdate())
    return [
        HomeSection(
            "Referred 3 or more times in 12 months",
            "people/home_repeats.html",
            {"count": count, "referrals": latest},
            order=6 if access.has(Role.COORDINATOR) else 12,
        )
    ]
