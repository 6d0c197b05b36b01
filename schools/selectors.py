"""Reads of schools, scoped to what the user may see."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from accounts.permissions import access_for

from .models import School, Status, SupportTier, Visit, VisitAction


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


# ---- figures for the scrutiny report (reports.sections.schools) ----


def visit_counts_by_offer(*, start: date, end: date) -> dict[str, int]:
    """Visits, calls and e-mails dated within [start, end] by offer level (every level present, zero when none),
    plus "schools_visited": how many different schools had at least one. Two queries."""
    rows = (
        Visit.objects.filter(visited_on__gte=start, visited_on__lte=end)
        .values("offer_level")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {tier.value: 0 for tier in SupportTier}
    for row in rows:
        counts[row["offer_level"]] = row["n"]
    counts["schools_visited"] = (
        Visit.objects.filter(visited_on__gte=start, visited_on__lte=end).values("school_id").distinct().count()
    )
    return counts


def school_counts_by_support_tier(*, on: date) -> dict[str, int]:
    """Schools open on a date by support tier (every tier present, zero when none). One query."""
    rows = School.objects.open_on(on).values("support_tier").annotate(n=Count("id")).order_by()
    counts = {tier.value: 0 for tier in SupportTier}
    for row in rows:
        counts[row["support_tier"]] = row["n"]
    return counts


def actions_overdue(*, on: date) -> QuerySet[VisitAction]:
    """Visit actions not done whose due date is before `on`, soonest first."""
    return VisitAction.objects.overdue_on(on).order_by("due_on", "id")
