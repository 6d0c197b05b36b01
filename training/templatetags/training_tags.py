from __future__ import annotations

from typing import Any

from django import template

from accounts.permissions import Capability, has_capability

register = template.Library()


@register.simple_tag(takes_context=True)
def training_perms(context: Any) -> dict[str, bool]:
    user = context["request"].user
    return {
        "uptake": has_capability(user, Capability.UPTAKE_VIEW),
        "edit": has_capability(user, Capability.TRAINING_EDIT),
    }
