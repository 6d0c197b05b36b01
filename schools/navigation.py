from __future__ import annotations

from typing import Any

from accounts.permissions import Capability, has_capability
from core.registry import NavItem


def nav_items(*, user: Any) -> list[NavItem]:
    items: list[NavItem] = []
    if has_capability(user, Capability.SCHOOLS_VIEW):
        from django.urls import NoReverseMatch, reverse

        try:
            items.append(NavItem("Schools", reverse("schools:list"), order=10, active_prefix="/schools/"))
        except NoReverseMatch:  # the school pages arrive with the schools issue
            pass
    return items
