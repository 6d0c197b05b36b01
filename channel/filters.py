"""The case list's search, filters and sortable columns."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import F, Q, QuerySet

from core.filters import DateSearchFilter
from core.lists import Column, SortedFilterSet, Sorting

from .models.cases import OPEN_STAGES, Case, Stage
from .models.panels import Panel

OPEN_CHOICES = [("open", "Open"), ("ended", "Ended")]


class CaseFilter(SortedFilterSet):
    q = django_filters.CharFilter(
        label="Reference or name", help_text="All or part of the reference or a name", method="filter_q"
    )
    panel = django_filters.ModelChoiceFilter(label="Panel", queryset=Panel.objects.none(), empty_label="All panels")
    stage = django_filters.ChoiceFilter(label="Stage", choices=Stage.choices, empty_label="All stages")
    open = django_filters.ChoiceFilter(
        label="Open or ended", choices=OPEN_CHOICES, method="filter_open", empty_label="Either"
    )
    officer = django_filters.CharFilter(label="Case officer", help_text="Part of their name", method="filter_officer")
    opened_from = DateSearchFilter(label="Opened from", field_name="opened_on", lookup_expr="gte")
    opened_to = DateSearchFilter(label="Opened to", field_name="opened_on", lookup_expr="lte")

    sorting = Sorting(
        Column("reference", "Case", "referral__reference", "id"),
        Column("panel", "Panel", "panel__name", "id"),
        Column("stage", "Stage", "stage", "id"),
        Column("opened", "Opened", "opened_on", "id"),
        Column("officer", "Case officer", F("case_officer__full_name").asc(nulls_last=True), "id"),
        default="-opened",
    )

    class Meta:
        model = Case
        fields: list[str] = []

    def __init__(self, *args: Any, panels: QuerySet[Panel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["panel"].extra["queryset"] = panels

    def filter_q(self, qs: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        for word in value.split():
            qs = qs.filter(
                Q(referral__reference__icontains=word)
                | Q(referral__first_name__icontains=word)
                | Q(referral__last_name__icontains=word)
            )
        return qs

    def filter_open(self, qs: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return qs.filter(stage__in=OPEN_STAGES) if value == "open" else qs.exclude(stage__in=OPEN_STAGES)

    def filter_officer(self, qs: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        value = value.strip()
        return qs.filter(case_officer__full_name__icontains=value) if value else qs
