from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from .models import Course, Sector, Session


class SessionFilter(django_filters.FilterSet):
    course = django_filters.ModelChoiceFilter(
        label="Course", queryset=Course.objects.all(), empty_label="All courses", to_field_name="code"
    )
    sector = django_filters.ChoiceFilter(label="Audience sector", choices=Sector.choices, empty_label="All sectors")
    year = django_filters.NumberFilter(label="Academic year starting", method="filter_year")
    feedback = django_filters.ChoiceFilter(
        label="Feedback",
        choices=[("missing", "No feedback recorded"), ("observed", "Quality observed")],
        empty_label="Any",
        method="filter_feedback",
    )

    class Meta:
        model = Session
        fields = ["course", "sector"]

    def filter_year(self, qs: QuerySet[Session], name: str, value: Any) -> QuerySet[Session]:
        from datetime import date

        year = int(value)
        if not 2000 <= year <= 2100:
            return qs.none()
        return qs.filter(held_on__gte=date(year, 9, 1), held_on__lt=date(year + 1, 9, 1))

    def filter_feedback(self, qs: QuerySet[Session], name: str, value: str) -> QuerySet[Session]:
        if value == "missing":
            return qs.filter(responses=0)
        return qs.exclude(quality_observation="")
