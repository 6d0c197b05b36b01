"""Training sessions and the DSL refresher list: sortable headers and the CSV export of what the filters show,
and who may download it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from core.models import AuditEvent
from schools.models import ContactRole
from tests.schools.factories import ContactFactory, SchoolFactory
from tests.support.exports import csv_rows
from tests.training.factories import AttendanceFactory, AttendeeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def test_sessions_sort_by_people_and_export_the_filtered_rows(coordinator: Any, client_for: Any) -> None:
    AttendanceFactory(session__venue="Civic centre", session__held_on=date(2025, 3, 1), staff=9)
    AttendanceFactory(session__venue="Library", session__held_on=date(2025, 4, 1), staff=2)
    client = client_for(coordinator)
    body = client.get(reverse("training:session_list"), {"sort": "-people"}).content.decode()
    assert body.index("Civic centre") < body.index("Library") and 'aria-sort="descending"' in body
    rows = csv_rows(client.get(reverse("training:session_export"), {"q": "civic"}))
    assert rows[0][0] == "Date" and [(r[3], r[5]) for r in rows[1:]] == [("Civic centre", "9")]
    assert AuditEvent.objects.get(action="training.sessions_exported").detail.startswith("1 rows; filters: q")


def test_refreshers_filter_sort_and_export(coordinator: Any, client_for: Any) -> None:
    trained = ContactFactory(full_name="Old Training", role=ContactRole.DSL, school=SchoolFactory(name="Ash School"))
    AttendeeFactory(contact=trained, attendance__school=trained.school, attendance__session__held_on=date(2019, 5, 1))
    ContactFactory(full_name="Never Trained", role=ContactRole.DEPUTY_DSL, school=SchoolFactory(name="Birch School"))
    client = client_for(coordinator)
    body = client.get(reverse("training:refreshers"), {"sort": "-last"}).content.decode()
    assert body.index("Old Training") < body.index("Never Trained")
    rows = csv_rows(client.get(reverse("training:refreshers_export"), {"role": "dsl"}))
    assert [r[0] for r in rows[1:]] == ["Old Training"] and rows[1][-1].startswith("20")
    assert AuditEvent.objects.get(action="training.refreshers_exported").detail.startswith("1 rows; filters: role")


@pytest.mark.parametrize("name", ["training:refreshers_export", "training:session_export"])
def test_those_without_the_list_may_not_export_it(scrutiny: Any, dsl: Any, client_for: Any, name: str) -> None:
    assert client_for(scrutiny).get(reverse(name)).status_code == 404
    if name == "training:refreshers_export":
        assert client_for(dsl).get(reverse(name)).status_code == 404


def test_schools_without_training_sort_and_export_with_the_dashboards_choices(
    coordinator: Any, dsl: Any, client_for: Any
) -> None:
    SchoolFactory(name="Zeal Primary", ward="Alder")
    SchoolFactory(name="Apple Primary", ward="Birch")
    client = client_for(coordinator)
    body = client.get(reverse("training:dashboard"), {"sort": "ward"}).content.decode()
    section = body.split('id="no-training"')[1]
    assert section.index("Zeal Primary") < section.index("Apple Primary")
    rows = csv_rows(client.get(reverse("training:no_training_export"), {"ward": "Birch", "sort": "ward"}))
    assert rows[0] == ["URN", "School", "Phase", "Ward"] and [r[1] for r in rows[1:]] == ["Apple Primary"]
    event = AuditEvent.objects.get(action="training.no_training_exported")
    assert "choices: ward" in event.detail and "Birch" not in event.detail
    assert client_for(dsl).get(reverse("training:no_training_export")).status_code == 404


def test_schools_without_training_export_uses_the_same_queries_at_two_sizes(coordinator: Any, client_for: Any) -> None:
    from tests.support.queries import assert_flat_queries

    def grow(n: int) -> None:
        for _ in range(n):
            SchoolFactory()

    grow(5)
    client = client_for(coordinator)
    url = reverse("training:no_training_export")
    assert_flat_queries(fetch=lambda: client.get(url, {"sort": "-urn"}), grow=lambda: grow(60))


def test_session_export_uses_the_same_queries_at_two_sizes_and_matches_the_list(
    coordinator: Any, client_for: Any
) -> None:
    from tests.support.queries import assert_flat_queries

    def grow(n: int) -> None:
        for i in range(n):
            AttendanceFactory(session__venue=f"Hall {i}", staff=2, pupils=1)

    grow(3)
    client = client_for(coordinator)
    url = reverse("training:session_export")
    assert_flat_queries(fetch=lambda: client.get(url, {"sort": "-people"}), grow=lambda: grow(30))
    rows = csv_rows(client.get(url, {"q": "hall 7"}))
    assert rows[1][2:6] == ["Schools", "Hall 7", "1", "3"]  # the audience's label, the venue, the two counts


def test_a_later_page_of_sessions_sorted_by_people_holds_the_next_rows(coordinator: Any, client_for: Any) -> None:
    for i in range(55):  # 55 sessions with 1 to 55 people: page 2 of 50 holds the five smallest
        AttendanceFactory(session__venue=f"Room {i + 1}", session__held_on=date(2025, 1, 1 + i % 28), staff=i + 1)
    page = client_for(coordinator).get(reverse("training:session_list"), {"sort": "-people", "page": "2"})
    rows = page.context["page_obj"].object_list
    assert [(s.venue, s.people) for s in rows] == [(f"Room {n}", n) for n in (5, 4, 3, 2, 1)]
