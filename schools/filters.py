"""The school list's filters, search and sort."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import django_filters
from django.db.models import Exists, F, OrderBy, OuterRef, Q, QuerySet

from core.filters import DateSearchFilter
from core.lists import Column, SortedFilterSet, Sorting

from .facts import training_facts
from .models import (
    Contact,
    ContactRole,
    Institution,
    InstitutionKind,
    MeetingKind,
    NetworkMeeting,
    Phase,
    RRSALevel,
    School,
    SchoolType,
    Status,
    SupportTier,
    Visit,
    VisitAction,
)

YES_NO = [("yes", "Yes"), ("no", "No")]
SORTS: dict[str, tuple[str, list[str | OrderBy]]] = {
    "name": ("Name (A to Z)", ["name", "urn"]),
    "-name": ("Name (Z to A)", ["-name", "-urn"]),
    "urn": ("URN", ["urn"]),
    "ward": ("Ward", ["ward", "name"]),
    "phase": ("Phase", ["phase", "name"]),
    "tier": ("Support tier", ["support_tier", "name"]),
    "pupils": ("Most pupils", [F("pupils").desc(nulls_last=True), "name"]),
    "last_visit": ("Longest since a visit", [F("last_visit_on").asc(nulls_first=True), "name"]),
}
RRSA_CHOICES = [("none", "Not registered"), *[(v, label) for v, label in RRSALevel.choices if v]]


class SchoolFilter(SortedFilterSet):
    q = django_filters.CharFilter(label="Name, URN or postcode", method="filter_q")
    phase = django_filters.ChoiceFilter(label="Phase", choices=Phase.choices, empty_label="Any phase")
    school_type = django_filters.ChoiceFilter(label="Type", choices=SchoolType.choices, empty_label="Any type")
    ward = django_filters.ChoiceFilter(label="Ward", choices=[], empty_label="Any ward")
    support_tier = django_filters.ChoiceFilter(
        label="Support tier", choices=SupportTier.choices, empty_label="Any tier"
    )
    rrsa = django_filters.ChoiceFilter(
        label="Rights Respecting Schools", choices=RRSA_CHOICES, method="filter_rrsa", empty_label="Any level"
    )
    wrap = django_filters.ChoiceFilter(
        label="Trained in WRAP", choices=YES_NO, method="filter_wrap", empty_label="Either"
    )
    dsl_training_overdue = django_filters.ChoiceFilter(
        label="DSL Prevent training overdue", choices=YES_NO, method="filter_dsl_overdue", empty_label="Either"
    )
    no_recent_visit = django_filters.ChoiceFilter(
        label="No visit in the last 12 months", choices=YES_NO, method="filter_no_visit", empty_label="Either"
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[
            ("open", "Open"),
            ("closed", "Closed"),
            *[(v, label) for v, label in Status.choices if v not in ("open", "closed")],
        ],
        method="filter_status",
        empty_label="Any status",
    )

    sorting = Sorting(
        Column("name", "School", *SORTS["name"][1]),
        Column("phase", "Phase", *SORTS["phase"][1]),
        Column("ward", "Ward", *SORTS["ward"][1]),
        Column("tier", "Support tier", *SORTS["tier"][1]),
        Column("last_visit", "Last visit", *SORTS["last_visit"][1]),
        default="name",
    )

    class Meta:
        model = School
        fields: list[str] = []

    def __init__(
        self, *args: Any, today: date, show_visits: bool, wards: Callable[[], list[str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.show_visits = show_visits
        # Wards of the schools this user may see only (a DSL's list holds nothing of other schools); asked for
        # when the form needs them.
        self.filters["ward"].extra["choices"] = lambda: [(w, w) for w in wards()]
        if not show_visits:
            del self.filters["no_recent_visit"]
            self.sorting = self.sorting.without("last_visit")

    def filter_q(self, qs: QuerySet[School], name: str, value: str) -> QuerySet[School]:
        value = value.strip()
        if not value:
            return qs
        query = Q(name__icontains=value) | Q(postcode__icontains=value)
        if value.isdigit():
            query |= Q(urn=int(value))
        return qs.filter(query)

    def filter_rrsa(self, qs: QuerySet[School], name: str, value: str) -> QuerySet[School]:
        return qs.filter(rrsa_level="" if value == "none" else value)

    def filter_status(self, qs: QuerySet[School], name: str, value: str) -> QuerySet[School]:
        if value == "open":
            return qs.currently_open()  # type: ignore[attr-defined,no-any-return]
        return qs.filter(status=value)

    def filter_wrap(self, qs: QuerySet[School], name: str, value: str) -> QuerySet[School]:
        # EXISTS both ways: "no" is an anti-join, where NOT IN re-ran the subquery for each school.
        trained = Exists(training_facts().school_ids_with_wrap(on=self.today).filter(school_id=OuterRef("pk")))
        return qs.filter(trained) if value == "yes" else qs.exclude(trained)

    def filter_dsl_overdue(self, qs: QuerySet[School], name: str, value: str) -> QuerySet[School]:
        overdue = Exists(
            Contact.objects.filter(
                school=OuterRef("pk"),
                pk__in=training_facts().contact_ids_with_overdue_prevent_training(on=self.today),
                role=ContactRole.DSL,
                is_current=True,
            )
        )
        return qs.filter(overdue) if value == "yes" else qs.exclude(overdue)

    def filter_no_visit(self, qs: QuerySet[School], name: str, value: str) -> QuerySet[School]:
        since = self.today - timedelta(days=365)
        # EXISTS, so PostgreSQL answers "no" with an anti-join rather than a NOT IN subquery.
        visited = Exists(Visit.objects.filter(school=OuterRef("pk"), visited_on__gt=since, visited_on__lte=self.today))
        return qs.exclude(visited) if value == "yes" else qs.filter(visited)


ACTION_ORDERS: dict[str, tuple[str, list[str]]] = {
    "school": ("By school", ["school__name", "due_on", "id"]),
    "due": ("Oldest due first", ["due_on", "id"]),
}


class ActionFilter(django_filters.FilterSet):
    """'My actions' and 'Overdue actions': by owner and school, grouped by school (a list a phone can take in) or
    oldest due first."""

    school = django_filters.CharFilter(label="School name or URN", method="filter_school")
    owner = django_filters.ModelChoiceFilter(
        label="Owner",
        queryset=None,
        empty_label="Anyone",
        help_text="The Prevent team. For actions a school's DSL owns, search by the school.",
    )
    order = django_filters.ChoiceFilter(
        label="Show",
        choices=[(key, label) for key, (label, _) in ACTION_ORDERS.items()],
        method="filter_order",
        empty_label=None,
    )
    form_columns = "one-third"  # {% filter_form filter %}

    class Meta:
        model = VisitAction
        fields: list[str] = []

    def __init__(self, *args: Any, owners: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if owners is None:
            del self.filters["owner"]
        else:
            owner = self.filters["owner"]
            assert isinstance(owner, django_filters.ModelChoiceFilter)
            owner.queryset = owners

    @property
    def grouped(self) -> bool:
        return self.ordering == "school"

    @property
    def ordering(self) -> str:
        data = self.form.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("order") or "school"

    @property
    def qs(self) -> Any:
        return super().qs.order_by(*ACTION_ORDERS[self.ordering][1])

    def filter_school(self, qs: QuerySet[VisitAction], name: str, value: str) -> QuerySet[VisitAction]:
        value = value.strip()
        if not value:
            return qs
        if value.isdigit():
            return qs.filter(school__urn=int(value))
        return qs.filter(school__name__icontains=value)

    def filter_order(self, qs: QuerySet[VisitAction], name: str, value: str) -> QuerySet[VisitAction]:
        return qs  # applied in `qs`, after the filters, so the default order holds without a choice too


class InstitutionFilter(SortedFilterSet):
    q = django_filters.CharFilter(label="Name, ward or postcode", method="filter_q")
    kind = django_filters.ChoiceFilter(label="Type", choices=InstitutionKind.choices, empty_label="Any type")

    sorting = Sorting(
        Column("name", "Name", "name", "id"),
        Column("kind", "Type", "kind", "name", "id"),
        Column("ward", "Ward", "ward", "name", "id"),
        default="name",
    )
    form_columns = "one-half"

    class Meta:
        model = Institution
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Institution], name: str, value: str) -> QuerySet[Institution]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(name__icontains=value) | Q(postcode__icontains=value) | Q(ward__icontains=value))


class NetworkMeetingFilter(SortedFilterSet):
    q = django_filters.CharFilter(label="Title or venue", method="filter_q")
    kind = django_filters.ChoiceFilter(label="Type", choices=MeetingKind.choices, empty_label="Any type")
    held_from = DateSearchFilter(label="Held from", field_name="held_on", lookup_expr="gte")
    held_to = DateSearchFilter(label="Held to", field_name="held_on", lookup_expr="lte")

    sorting = Sorting(
        Column("date", "Date", "held_on", "id"),
        Column("title", "Meeting", "title", "id"),
        Column("kind", "Type", "kind", "held_on", "id"),
        Column("attendees", "DSLs who attended", "attendee_count", "id"),
        default="-date",
    )

    class Meta:
        model = NetworkMeeting
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[NetworkMeeting], name: str, value: str) -> QuerySet[NetworkMeeting]:
        value = value.strip()
        return qs.filter(Q(title__icontains=value) | Q(venue__icontains=value)) if value else qs
