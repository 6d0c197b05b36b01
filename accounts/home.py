"""The accounts part of each role's home page: the roles a person holds; for system administrators the users and
security events that need attention, and a line when outbox messages have failed; for coordinators a way to the user pages."""

from __future__ import annotations

from typing import Any

from core.registry import HomeSection

from .models import Membership
from .permissions import Capability, has_capability, is_sysadmin
from .selectors import (
    locked_out_identities,
    outbox_failed_count,
    security_events_recent,
    user_counts,
    users_without_second_factor,
)


def home_sections(*, user: Any) -> list[HomeSection]:
    sections: list[HomeSection] = []
    failed_messages = outbox_failed_count() if has_capability(user, Capability.SECURITY_ADMIN) else 0
    if failed_messages:
        sections.append(
            HomeSection(
                "E-mails not sent", "accounts/home_outbox.html", {"failed": failed_messages}, order=5, wide=True
            )
        )
    if is_sysadmin(user):
        without_count, without = users_without_second_factor(limit=5)
        sections.append(
            HomeSection(
                "Users needing attention",
                "accounts/home_attention.html",
                {
                    "locked": locked_out_identities(limit=10),
                    "without_count": without_count,
                    "without": without,
                    "events": security_events_recent(limit=8),
                },
                order=10,
                wide=True,
            )
        )
    if has_capability(user, Capability.USERS_MANAGE):
        sections.append(
            HomeSection(
                "Users",
                "accounts/home_users.html",
                {"counts": user_counts(), "may_audit": has_capability(user, Capability.AUDIT_VIEW)},
                order=80,
            )
        )
    memberships = list(
        Membership.objects.current().filter(user=user).select_related("school", "team", "panel").order_by("role")
    )
    if memberships:
        sections.append(HomeSection("Your roles", "accounts/home_roles.html", {"memberships": memberships}, order=90))
    else:
        sections.append(HomeSection("No role yet", "accounts/home_no_role.html", order=0, wide=True))
    return sections
