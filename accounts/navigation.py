from __future__ import annotations

from typing import Any

from django.urls import reverse

from core.registry import NavItem

from .permissions import Capability, has_capability


def nav_items(*, user: Any) -> list[NavItem]:
    if has_capability(user, Capability.USERS_MANAGE):
        return [NavItem("Users", reverse("accounts:user_list"), order=90, active_prefix="/accounts/users/")]
    return []
