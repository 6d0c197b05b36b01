"""The training part of each role's home page: uptake and DSLs due for coordinators and advisers; a DSL's own
school's training and whether their own Prevent training is due."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accounts.permissions import Capability, access_for, has_capability
from core.registry import HomeSection
from schools.models import Contact

from . import selectors
from .figures import home_figures


def home_sections(*, user: Any) -> list[HomeSection]:
    today = timezone.localdate()
    sections: list[HomeSection] = []
    if has_capability(user, Capability.TRAINING_EDIT):
        sections.append(
            HomeSection(
                "Training uptake",
                "training/home_overview.html",
                # Kept while the data they are read from is unchanged (training.figures).
                {**home_figures(on=today), "today": today},
                order=20,
            )
        )
    access = access_for(user)
    if access.school_ids:
        contacts = list(Contact.objects.filter(user=user, is_current=True, school_id__in=access.school_ids))
        last = selectors.contact_last_prevent_training(contact_ids=[c.pk for c in contacts])
        mine = [(c, last.get(c.pk), selectors.prevent_training_due(last.get(c.pk), on=today)) for c in contacts]
        sections.append(
            HomeSection(
                "Your school's training",
                "training/home_dsl.html",
                {"own": selectors.own_school_training(school_ids=access.school_ids, on=today), "mine": mine},
                order=6,
            )
        )
    return sections
