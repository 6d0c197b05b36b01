from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from core.lists import Column, SortedFilterSet, Sorting

from .models import User
from .roles import Role

STATUS_CHOICES = [
    ("active", "Active"),
    ("invited", "Invited, not signed in yet"),
    ("no_authenticator", "No authenticator set up"),
    ("deactivated", "Deactivated"),
]


class UserFilter(SortedFilterSet):
    q = django_filters.CharFilter(label="Name or email address", method="filter_q")
    role = django_filters.ChoiceFilter(label="Role", choices=Role.choices, method="filter_role", empty_label="Any role")
    status = django_filters.ChoiceFilter(
        label="Status", choices=STATUS_CHOICES, method="filter_status", empty_label="Any status"
    )

    sorting = Sorting(
        Column("name", "Name", "full_name", "email"),
        Column("last_sign_in", "Last sign-in", F("last_login").asc(nulls_first=True), "full_name"),
        default="name",
    )
    form_columns = "one-third"

    class Meta:
        model = User
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        value = value.strip()
        return qs.filter(Q(full_name__icontains=value) | Q(email__icontains=value)) if value else qs

    def filter_role(self, qs: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        today = timezone.localdate()
        return qs.filter(
            Q(memberships__ended_on__isnull=True) | Q(memberships__ended_on__gt=today),
            memberships__role=value,
            memberships__started_on__lte=today,
        ).distinct()

    def filter_status(self, qs: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        lookups: dict[str, Any] = {
            "active": Q(is_active=True),
            "invited": Q(is_active=True, last_login__isnull=True),
            "no_authenticator": Q(is_active=True, has_authenticator=False),
            "deactivated": Q(is_active=False),
        }
        return qs.filter(lookups[value]) if value in lookups else qs
