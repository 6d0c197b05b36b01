"""The referral list's search, filters and sortable columns. Those who triage (coordinators, CSC practitioners)
search by everything they may read; everyone else, who sees status and outcome only, by reference, status and
date."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import F, Q, QuerySet

from accounts.models import Membership, Team, User
from accounts.roles import Role
from core.filters import DateSearchFilter
from core.lists import Column, SortedFilterSet, Sorting

from .models import AGE_BAND_UPPER, AgeBand, ConcernType, Referral, Status

# The age band's bounds on the age when referred: (lowest, highest) with None for no bound.
AGE_BAND_RANGES: dict[str, tuple[int | None, int | None]] = {}
_lowest = 0
for _upper, _band in AGE_BAND_UPPER:
    AGE_BAND_RANGES[_band.value] = (_lowest, _upper)
    _lowest = _upper + 1
AGE_BAND_RANGES[AgeBand.B41_PLUS.value] = (_lowest, None)

STATUS_CHOICES = [(value, label) for value, label in Status.choices if value != Status.DRAFT]
NOT_ASSIGNED = "none"

# Fields only those who may read the referral's content search by (they name or describe the person).
CONTENT_FILTERS = ("name", "school", "referrer", "concern_type", "age_band", "team", "assigned_to")


class ReferralFilter(SortedFilterSet):
    name = django_filters.CharFilter(
        label="Person's name", help_text="All or part of a first or last name", method="filter_name"
    )
    reference = django_filters.CharFilter(label="Reference", method="filter_reference")
    school = django_filters.CharFilter(label="School", help_text="Part of its name", method="filter_school")
    referrer = django_filters.CharFilter(
        label="Referrer", help_text="Part of their name or organisation", method="filter_referrer"
    )
    concern_type = django_filters.ModelChoiceFilter(
        label="Type of concern",
        queryset=ConcernType.objects.order_by("order", "label").only("label"),
        empty_label="Any type",
    )
    age_band = django_filters.ChoiceFilter(
        label="Age when referred", choices=AgeBand.choices, method="filter_age_band", empty_label="Any age"
    )
    team = django_filters.ModelChoiceFilter(
        label="Team", field_name="assigned_team", queryset=Team.objects.order_by("name"), empty_label="Any team"
    )
    assigned_to = django_filters.ChoiceFilter(
        label="Assigned to", choices=[], method="filter_assigned_to", empty_label="Anyone"
    )
    status = django_filters.ChoiceFilter(label="Status", choices=STATUS_CHOICES, empty_label="Any status")
    made_from = DateSearchFilter(label="Made from", field_name="submitted_on", lookup_expr="gte")
    made_to = DateSearchFilter(label="Made to", field_name="submitted_on", lookup_expr="lte")

    sorting = Sorting(
        Column("reference", "Reference", "reference"),
        Column("made", "Made", "submitted_at", "id"),
        Column("name", "Person", "last_name", "first_name", "id"),
        Column("school", "School", F("school__name").asc(nulls_last=True), "id"),
        Column("assigned", "Assigned to", F("assigned_to__full_name").asc(nulls_last=True), "id"),
        Column("status", "Status", "status", "submitted_at", "id"),
        default="-made",
    )

    class Meta:
        model = Referral
        fields: list[str] = []

    def __init__(self, *args: Any, content: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.content = content
        if not content:
            for name in CONTENT_FILTERS:
                del self.filters[name]
            self.sorting = self.sorting.without("name", "school", "assigned")
        else:
            self.filters["assigned_to"].extra["choices"] = _assignee_choices

    def filter_reference(self, qs: QuerySet[Referral], name: str, value: str) -> QuerySet[Referral]:
        value = value.strip()
        return qs.filter(reference__icontains=value) if value else qs

    def filter_name(self, qs: QuerySet[Referral], name: str, value: str) -> QuerySet[Referral]:
        # Each word must be part of the first or the last name: "ali kh" finds Alice Khan.
        for word in value.split():
            qs = qs.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
        return qs

    def filter_school(self, qs: QuerySet[Referral], name: str, value: str) -> QuerySet[Referral]:
        value = value.strip()
        return qs.filter(school__name__icontains=value) if value else qs

    def filter_referrer(self, qs: QuerySet[Referral], name: str, value: str) -> QuerySet[Referral]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(referrer_name__icontains=value) | Q(referrer_organisation__icontains=value))

    def filter_age_band(self, qs: QuerySet[Referral], name: str, value: str) -> QuerySet[Referral]:
        if value == AgeBand.NOT_KNOWN:
            return qs.filter(age_at_referral__isnull=True)
        lowest, highest = AGE_BAND_RANGES[value]
        qs = qs.filter(age_at_referral__gte=lowest)
        return qs.filter(age_at_referral__lte=highest) if highest is not None else qs

    def filter_assigned_to(self, qs: QuerySet[Referral], name: str, value: str) -> QuerySet[Referral]:
        if value == NOT_ASSIGNED:
            return qs.filter(assigned_to__isnull=True)
        return qs.filter(assigned_to_id=int(value))


def _assignee_choices() -> list[tuple[str, str]]:
    """Those a referral may be assigned to (as the assign form offers them), and "Nobody"."""
    people = Membership.objects.current().filter(role__in=[Role.CSC_PRACTITIONER, Role.COORDINATOR])
    users = User.objects.filter(is_active=True, pk__in=people.values("user_id")).order_by("full_name")
    return [(NOT_ASSIGNED, "Nobody"), *[(str(pk), name) for pk, name in users.values_list("pk", "full_name")]]
