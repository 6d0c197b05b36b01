from __future__ import annotations

from typing import Any

from django.urls import reverse

from accounts.permissions import Capability, has_capability
from core.registry import NavItem


def nav_items(*, user: Any) -> list[NavItem]:
    items: list[NavItem] = []
    if has_capability(user, Capability.SCHOOLS_VIEW):
        items.append(NavItem("Schools", reverse("schools:list"), order=10, active_prefix="/schools/"))
    if has_capability(user, Capability.VISITS_EDIT):
        items.append(
            NavItem("Visits and actions", reverse("schools:my_actions"), order=12, active_prefix="/schools/actions/")
        )
    return items
