"""The report list's search, filters and sortable columns. Those who may only read published General Release
reports search by title and date; those who request reports also by classification and state."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from core.filters import DateSearchFilter
from core.lists import Column, SortedFilterSet, Sorting

from .models import Classification, Report, ReportState


class ReportFilter(SortedFilterSet):
    q = django_filters.CharFilter(label="Title or committee", method="filter_q")
    classification = django_filters.ChoiceFilter(
        label="Classification", choices=Classification.choices, empty_label="Any classification"
    )
    state = django_filters.ChoiceFilter(label="State", choices=ReportState.choices, empty_label="Any state")
    period_from = DateSearchFilter(label="Period ends on or after", field_name="period_end", lookup_expr="gte")
    period_to = DateSearchFilter(label="Period starts on or before", field_name="period_start", lookup_expr="lte")

    sorting = Sorting(
        Column("title", "Report", "title", "id"),
        Column("period", "Period", "period_end", "period_start", "id"),
        Column("made", "Made", "created_at", "id"),
        default="-made",
    )

    class Meta:
        model = Report
        fields: list[str] = []

    def __init__(self, *args: Any, may_request: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_request:
            del self.filters["classification"]
            del self.filters["state"]

    def filter_q(self, qs: QuerySet[Report], name: str, value: str) -> QuerySet[Report]:
        value = value.strip()
        return qs.filter(Q(title__icontains=value) | Q(committee__icontains=value)) if value else qs
