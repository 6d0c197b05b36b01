from __future__ import annotations

from typing import Any

from django.urls import reverse

from core.registry import NavItem

from .permissions import Capability, has_capability


def nav_items(*, user: Any) -> list[NavItem]:
    items = []
    if has_capability(user, Capability.USERS_MANAGE):
        items.append(NavItem("Users", reverse("accounts:user_list"), order=90, active_prefix="/accounts/users/"))
    if has_capability(user, Capability.AUDIT_VIEW):
        items.append(NavItem("Audit", reverse("audit:list"), order=95, active_prefix="/audit/"))
    if has_capability(user, Capability.SECURITY_ADMIN):
        items.append(NavItem("Outbox", reverse("outbox:list"), order=96, active_prefix="/outbox/"))
    if has_capability(user, Capability.RETENTION_MANAGE):
        items.append(NavItem("Retention", reverse("retention:page"), order=97, active_prefix="/retention/"))
    return items
