from __future__ import annotations

from typing import Any

from django.urls import reverse

from accounts.permissions import Capability, has_capability
from core.registry import NavItem


def nav_items(*, user: Any) -> list[NavItem]:
    if has_capability(user, Capability.REFERRAL_VIEW):
        return [NavItem("Referrals", reverse("referrals:list"), order=30, active_prefix="/referrals/")]
    if has_capability(user, Capability.REFERRAL_MAKE):
        return [NavItem("Make a referral", reverse("referrals:start"), order=30, active_prefix="/referrals/")]
    return []
