"""`{% person_panel referral %}`: the person's earlier referrals and linked people on a referral or case page,
built for the signed-in viewer from what they may see (people.selectors)."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.permissions import Capability, has_capability
from referrals.models import Referral

from ..selectors import linked_people_visible_to, match_candidates, person_history

register = template.Library()


@register.inclusion_tag("people/_person_panel.html", takes_context=True)
def person_panel(context: template.Context, referral: Referral, *, on_case: bool = False) -> dict[str, Any]:
    user = context["request"].user
    may_match = has_capability(user, Capability.PEOPLE_MATCH) and not referral.is_draft
    return {
        "referral": referral,
        "history": person_history(user=user, referral=referral),
        "linked": linked_people_visible_to(user=user, person_id=referral.person_id),
        "may_match": may_match,
        "proposals": len(match_candidates(referral=referral)) if may_match and referral.is_open else 0,
        "on_case": on_case,
    }
