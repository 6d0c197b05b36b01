from __future__ import annotations

from typing import Any

from django.urls import reverse

from accounts.permissions import Capability, has_capability
from core.registry import NavItem


def nav_items(*, user: Any) -> list[NavItem]:
    items: list[NavItem] = []
    if has_capability(user, Capability.CASES_VIEW):
        items.append(NavItem("Cases", reverse("channel:case_list"), order=50, active_prefix="/panels/cases/"))
    if has_capability(user, Capability.MEETINGS_VIEW):
        items.append(NavItem("Panels", reverse("channel:panel_list"), order=51, active_prefix="/panels/"))
    return items
