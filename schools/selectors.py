"""Reads of schools, scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from accounts.permissions import access_for

from .models import School, Status, SupportTier


def schools_of_dsl(*, user: Any) -> list[School]:
    """The schools a DSL is linked to through their current memberships."""
    ids = access_for(user).school_ids
    return list(School.objects.filter(pk__in=ids).order_by("name")) if ids else []


def school_summary_counts() -> dict[str, int]:
    """Open schools in all and by support tier, in one query."""
    open_schools = ~Q(status__in=[Status.CLOSED, Status.PROPOSED_TO_OPEN])
    return School.objects.aggregate(
        open=Count("id", filter=open_schools),
        universal=Count("id", filter=open_schools & Q(support_tier=SupportTier.UNIVERSAL)),
        specialist=Count("id", filter=open_schools & Q(support_tier=SupportTier.SPECIALIST)),
        intensive=Count("id", filter=open_schools & Q(support_tier=SupportTier.INTENSIVE)),
        closed=Count("id", filter=Q(status=Status.CLOSED)),
    )
