from __future__ import annotations

from typing import Any

from django.urls import reverse

from accounts.permissions import Capability, has_capability
from core.registry import NavItem


def nav_items(*, user: Any) -> list[NavItem]:
    if not has_capability(user, Capability.REPORTS_VIEW):
        return []
    return [NavItem("Reports", reverse("reports:list"), order=60, active_prefix="/reports/")]
