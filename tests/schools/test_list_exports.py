"""Other institutions and network meetings: search, sortable headers and the CSV export of what the filters show,
with who may download it and a query count that does not grow with the rows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import AuditEvent
from schools.models import InstitutionKind
from tests.schools.factories import ContactFactory, InstitutionFactory, NetworkMeetingFactory
from tests.support.exports import csv_rows
from tests.support.queries import assert_flat_queries

pytestmark = pytest.mark.django_db


def test_institutions_sort_by_header_and_export_the_search(client_for, csc_practitioner):
    InstitutionFactory(name="Kestrel College", kind=InstitutionKind.FE_HE, ward="Zed")
    InstitutionFactory(name="Alder Nursery", kind=InstitutionKind.EARLY_YEARS, ward="Alder")
    InstitutionFactory(name="@Faith Centre", ward="Kestrel")
    client = client_for(csc_practitioner)
    body = client.get(reverse("schools:institution_list"), {"sort": "-ward"}).content.decode()
    assert body.index("Kestrel College") < body.index("Alder Nursery")
    assert 'aria-sort="descending"' in body
    rows = csv_rows(client.get(reverse("schools:institution_export"), {"q": "kestrel", "sort": "name"}))
    assert rows[0] == ["Name", "Type", "Ward", "Postcode"]
    assert [r[0] for r in rows[1:]] == ["'@Faith Centre", "Kestrel College"]
    event = AuditEvent.objects.get(action="schools.institutions_exported")
    assert event.detail == "2 rows; filters: q; sort: name"


def test_meetings_filter_sort_and_export(client_for, adviser):
    busy = NetworkMeetingFactory(title="Autumn DSL conference", venue="Town hall")
    busy.attendees.add(ContactFactory(), ContactFactory())
    NetworkMeetingFactory(title="Spring network")
    client = client_for(adviser)
    body = client.get(reverse("schools:meeting_list"), {"sort": "-attendees"}).content.decode()
    assert body.index("Autumn DSL conference") < body.index("Spring network")
    rows = csv_rows(client.get(reverse("schools:meeting_export"), {"q": "town hall"}))
    assert [(r[1], r[5]) for r in rows[1:]] == [("Autumn DSL conference", "2")]
    assert AuditEvent.objects.get(action="schools.meetings_exported").detail.startswith("1 rows; filters: q")


@pytest.mark.parametrize(("fixture", "name"), [("dsl", "schools:institution_export"), ("dsl", "schools:meeting_export"),
                                               ("scrutiny", "schools:meeting_export")])  # fmt: skip
def test_those_who_may_not_see_the_list_may_not_export_it(request, client_for, fixture, name):
    assert client_for(request.getfixturevalue(fixture)).get(reverse(name)).status_code == 404


@pytest.mark.parametrize("name", ["schools:meeting_list", "schools:meeting_export"])
def test_meetings_use_the_same_number_of_queries_at_two_sizes(client_for, adviser, name):
    def grow(n: int) -> None:
        contact = ContactFactory()
        for _ in range(n):
            NetworkMeetingFactory(venue="Hall").attendees.add(contact)

    grow(5)
    client = client_for(adviser)
    params = {"q": "hall", "sort": "attendees"}
    assert_flat_queries(fetch=lambda: client.get(reverse(name), params), grow=lambda: grow(60))


@pytest.mark.parametrize("name", ["schools:institution_list", "schools:institution_export"])
def test_institutions_use_the_same_number_of_queries_at_two_sizes(client_for, coordinator, name):
    def grow(n: int) -> None:
        for _ in range(n):
            InstitutionFactory()

    grow(5)
    client = client_for(coordinator)
    assert_flat_queries(fetch=lambda: client.get(reverse(name), {"kind": "voluntary"}), grow=lambda: grow(80))


def test_institution_export_uses_the_same_number_of_queries_at_two_sizes(client_for, coordinator):
    made = iter(range(1000))

    def grow(n: int) -> None:
        for _ in range(n):
            InstitutionFactory(name=f"College {next(made)}", kind=InstitutionKind.FE_HE)

    grow(3)
    client = client_for(coordinator)
    url = reverse("schools:institution_export")
    assert_flat_queries(fetch=lambda: client.get(url, {"sort": "-name"}), grow=lambda: grow(40))
    assert csv_rows(client.get(url, {"q": "college 2", "sort": "name"}))[1][:2] == [
        "College 2",
        str(InstitutionKind.FE_HE.label),
    ]
