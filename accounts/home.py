"""The accounts part of each role's home page: the roles a person holds."""

from __future__ import annotations

from typing import Any

from core.registry import HomeSection

from .models import Membership


def home_sections(*, user: Any) -> list[HomeSection]:
    memberships = list(
        Membership.objects.current().filter(user=user).select_related("school", "team", "panel").order_by("role")
    )
    if not memberships:
        return []
    return [HomeSection("Your roles", "accounts/home_roles.html", {"memberships": memberships}, order=90)]
