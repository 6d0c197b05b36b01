"""Search of the audit trail: by person, action, record and date."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import django_filters
from django import forms
from django.apps import apps
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AuditEvent


def record_type_choices() -> list[tuple[str, str]]:
    """The portal's own models (and the user model) as `app.model` labels, the form audit events store."""
    choices = []
    for model in apps.get_models():
        if model._meta.app_label in settings.PORTAL_APPS:
            choices.append(
                (model._meta.label_lower, f"{str(model._meta.verbose_name).capitalize()} ({model._meta.label_lower})")
            )
    return sorted(choices, key=lambda c: c[1])


# Search dates are typed as the UK writes them (27/3/2026; 2026-03-27 also works): the browser's own date picker
# shows mm/dd/yyyy in a US-locale browser.
DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%d %m %Y", "%Y-%m-%d"]


class DateSearchFilter(django_filters.DateFilter):
    """A date filter typed in a text box (day/month/year), with a hint."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "For example, 27/3/2026")
        kwargs.setdefault("input_formats", DATE_FORMATS)
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}))
        super().__init__(*args, **kwargs)


def _day_start(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class AuditEventFilter(django_filters.FilterSet):
    person = django_filters.CharFilter(
        label="Person", help_text="Part of a name or email address", method="filter_person"
    )
    action = django_filters.CharFilter(
        label="Action",
        help_text="For example auth.locked_out, or accounts. for every accounts event",
        method="filter_action",
    )
    object_type = django_filters.ChoiceFilter(label="Record type", choices=record_type_choices, empty_label="Any")
    object_id = django_filters.CharFilter(label="Record number", method="filter_object_id")
    date_from = DateSearchFilter(label="From", method="filter_from")
    date_to = DateSearchFilter(label="To", method="filter_to")

    form_columns = "one-third"  # {% filter_form filter %}

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def filter_person(self, qs: QuerySet[AuditEvent], name: str, value: str) -> QuerySet[AuditEvent]:
        value = value.strip()
        if not value:
            return qs
        # The people first (one query over users, trigram-indexed on PostgreSQL), then their events by the actor
        # index: no join of every event with its user, and the planner sees the actual ids.
        users = AuditEvent._meta.get_field("actor").related_model._default_manager
        actor_ids = list(
            users.filter(Q(email__icontains=value) | Q(full_name__icontains=value)).values_list("pk", flat=True)
        )
        return qs.filter(Q(actor_id__in=actor_ids) | Q(actor_email__icontains=value))

    def filter_action(self, qs: QuerySet[AuditEvent], name: str, value: str) -> QuerySet[AuditEvent]:
        value = value.strip().lower()
        # startswith (not istartswith) so the index on action serves it; actions are lower case.
        return qs.filter(action__startswith=value) if value else qs

    def filter_object_id(self, qs: QuerySet[AuditEvent], name: str, value: str) -> QuerySet[AuditEvent]:
        value = value.strip()
        return qs.filter(object_id=value) if value else qs

    def filter_from(self, qs: QuerySet[AuditEvent], name: str, value: Any) -> QuerySet[AuditEvent]:
        return qs.filter(occurred_at__gte=_day_start(value))

    def filter_to(self, qs: QuerySet[AuditEvent], name: str, value: Any) -> QuerySet[AuditEvent]:
        return qs.filter(occurred_at__lt=_day_start(value + timedelta(days=1)))
