"""The schools part of each role's home page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from accounts.permissions import Capability, access_for, has_capability
from core.registry import HomeSection

from .selectors import adviser_home_counts, school_summary_counts, schools_of_dsl


def home_sections(*, user: Any) -> list[HomeSection]:
    access = access_for(user)
    sections: list[HomeSection] = []
    if access.school_ids:
        sections.append(
            HomeSection("Your school", "schools/home_dsl.html", {"schools": schools_of_dsl(user=user)}, order=5)
        )
    if has_capability(user, Capability.VISITS_EDIT):
        today = timezone.localdate()
        sections.append(
            HomeSection(
                "Visits and actions",
                "schools/home_actions.html",
                {"counts": adviser_home_counts(user=user, today=today, week_end=today + timedelta(days=7))},
                order=8,
            )
        )
    if has_capability(user, Capability.SCHOOLS_EDIT_ANY):
        sections.append(
            HomeSection("Schools", "schools/home_overview.html", {"counts": school_summary_counts()}, order=30)
        )
    return sections
