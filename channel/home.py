"""The panels part of the home page: a chair's next meeting and cases due, a member's actions and next meeting,
the reviews after exit that a coordinator must see to."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accounts.permissions import access_for
from accounts.roles import Role
from core.registry import HomeSection

from .selectors import actions_of, cases_due_queryset, flag_counts, flagged_cases_of_panels, next_meeting, reviews_due

FLAGGED_ON_HOME = 5


def home_sections(*, user: Any) -> list[HomeSection]:
    access = access_for(user)
    sections: list[HomeSection] = []
    if access.chaired_panel_ids:
        meeting = next_meeting(panel_ids=access.chaired_panel_ids)
        due = cases_due_queryset(meeting=meeting) if meeting else None
        flagged = flagged_cases_of_panels(panel_ids=access.chaired_panel_ids)
        context = {
            "meeting": meeting,
            "due": list(due[:10]) if due is not None else [],
            "due_count": due.count() if due is not None else 0,
            # The counts by kind and the oldest few; the whole list has its own page (channel:case_attention).
            "flagged": flagged[:FLAGGED_ON_HOME],
            "flagged_total": len(flagged),
            "flag_counts": [row for row in flag_counts(flagged) if row[2]],
        }
        sections.append(HomeSection("Your next panel meeting", "channel/home_chair.html", context, order=6))
    if access.member_panel_ids:
        sections.append(
            HomeSection(
                "Your panel actions",
                "channel/home_member.html",
                {
                    "actions": actions_of(user=user),
                    "meeting": next_meeting(panel_ids=access.member_panel_ids),
                    "today": timezone.localdate(),
                },
                order=6,
            )
        )
    if access.has(Role.COORDINATOR):
        today = timezone.localdate()
        reviews = list(reviews_due(user=user, today=today)[:10])
        sections.append(
            HomeSection("Case reviews due", "channel/home_reviews.html", {"reviews": reviews, "today": today}, order=12)
        )
    return sections
