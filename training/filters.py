from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import F, Q, QuerySet

from core.lists import Column, SortedFilterSet, Sorting
from schools.models import Contact, ContactRole, School

from .models import Course, Sector, Session


class SessionFilter(SortedFilterSet):
    q = django_filters.CharFilter(label="Course or venue", help_text="Part of its name", method="filter_q")
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

    sorting = Sorting(
        Column("date", "Date", "held_on", "id"),
        Column("course", "Course", "course__name", "held_on", "id"),
        Column("audience", "Audience", "sector", "held_on", "id"),
        Column("institutions", "Schools and other bodies", "institutions", "held_on", "id"),
        Column("people", "People", "people", "held_on", "id"),
        default="-date",
    )

    class Meta:
        model = Session
        fields = ["course", "sector"]

    def filter_q(self, qs: QuerySet[Session], name: str, value: str) -> QuerySet[Session]:
        value = value.strip()
        return qs.filter(Q(course__name__icontains=value) | Q(venue__icontains=value)) if value else qs

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


class RefresherFilter(SortedFilterSet):
    """DSLs and deputies whose Prevent training is due: by name or school, role and ward."""

    q = django_filters.CharFilter(label="Name or school", help_text="Part of a name", method="filter_q")
    role = django_filters.ChoiceFilter(
        label="Role",
        choices=[(ContactRole.DSL.value, "DSL"), (ContactRole.DEPUTY_DSL.value, "Deputy DSL")],
        empty_label="DSLs and deputies",
    )
    ward = django_filters.CharFilter(label="Ward", field_name="school__ward", lookup_expr="iexact")

    sorting = Sorting(
        Column("name", "Name", "full_name", "id"),
        Column("school", "School", "school__name", "full_name", "id"),
        Column("last", "Last Prevent training", F("last_prevent_training").asc(nulls_first=True), "full_name", "id"),
        default="school",
    )

    class Meta:
        model = Contact
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Contact], name: str, value: str) -> QuerySet[Contact]:
        value = value.strip()
        return qs.filter(Q(full_name__icontains=value) | Q(school__name__icontains=value)) if value else qs


class NoTrainingFilter(SortedFilterSet):
    """The dashboard's open schools with no Prevent training: sorted by its headers (the dashboard's own form
    chooses the date, phase and ward)."""

    sorting = Sorting(
        Column("name", "School", "name", "urn"),
        Column("urn", "URN", "urn"),
        Column("phase", "Phase", "phase", "name", "urn"),
        Column("ward", "Ward", "ward", "name", "urn"),
        default="name",
    )

    class Meta:
        model = School
        fields: list[str] = []
