from __future__ import annotations

from typing import Any

from django.urls import reverse

from accounts.permissions import Capability, has_capability

from .registry import NavItem


def nav_items(*, user: Any) -> list[NavItem]:
    items = [NavItem("Home", reverse("core:home"), order=0)]
    if has_capability(user, Capability.AUDIT_VIEW):
        items.append(NavItem("Audit", reverse("core:audit_list"), order=95, active_prefix="/audit/"))
    return items
