from __future__ import annotations

from typing import Any

from django.urls import reverse

from accounts.permissions import Capability, has_capability
from core.registry import NavItem


def nav_items(*, user: Any) -> list[NavItem]:
    if has_capability(user, Capability.UPTAKE_VIEW):
        return [NavItem("Training", reverse("training:dashboard"), order=20, active_prefix="/training/")]
    if has_capability(user, Capability.TRAINING_VIEW):
        return [NavItem("Training", reverse("training:session_list"), order=20, active_prefix="/training/")]
    return []
