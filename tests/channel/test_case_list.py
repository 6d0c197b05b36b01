"""The case list's search, filters, sortable columns and CSV export."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import AuditEvent
from tests.channel.factories import CaseFactory, PanelFactory
from tests.channel.test_queries import _bulk_cases
from tests.support.exports import csv_rows
from tests.support.queries import assert_flat_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(panel):
    return {
        "khan": CaseFactory(panel=panel, referral__first_name="Alice", referral__last_name="Khan"),
        "okoro": CaseFactory(panel=panel, referral__first_name="Ben", referral__last_name="Okoro"),
        "elsewhere": CaseFactory(panel=PanelFactory(name="Other panel"), referral__last_name="Farrow"),
    }


def test_a_search_by_part_of_a_name_and_a_sort(client_for, coordinator, cases):
    client = client_for(coordinator)
    body = client.get(reverse("channel:case_list"), {"q": "ali"}).content.decode()
    assert cases["khan"].reference in body and cases["okoro"].reference not in body
    body = client.get(reverse("channel:case_list"), {"sort": "panel"}).content.decode()
    assert body.index(cases["khan"].panel.name) < body.index("Other panel")
    assert 'aria-sort="ascending"' in body


def test_the_export_is_the_filtered_list_audited_without_the_search(client_for, coordinator, cases):
    response = client_for(coordinator).get(reverse("channel:case_export"), {"q": "okoro"})
    rows = csv_rows(response)
    assert rows[0][:3] == ["Case", "First name", "Last name"]
    assert [row[0] for row in rows[1:]] == [cases["okoro"].reference]
    event = AuditEvent.objects.get(action="channel.cases_exported")
    assert event.detail == "1 rows; filters: q; sort: -opened" and "okoro" not in event.detail.lower()


def test_a_panel_member_exports_their_panels_cases_only(client_for, panel_member, cases):
    rows = csv_rows(client_for(panel_member).get(reverse("channel:case_export")))
    assert sorted(row[0] for row in rows[1:]) == sorted([cases["khan"].reference, cases["okoro"].reference])


@pytest.mark.parametrize("role", ["dsl", "adviser", "scrutiny"])
def test_roles_without_cases_may_not_export(client_for, request, role, cases):
    assert client_for(request.getfixturevalue(role)).get(reverse("channel:case_export")).status_code == 404


@pytest.mark.parametrize("name", ["channel:case_list", "channel:case_export"])
def test_a_filtered_list_and_its_export_use_the_same_number_of_queries_at_two_sizes(
    client_for, coordinator, panel, name
):
    _bulk_cases(panel, 20)
    client = client_for(coordinator)
    params = {"q": "bulk", "open": "open", "sort": "officer", "opened_from": "1/1/2000"}
    assert_flat_queries(fetch=lambda: client.get(reverse(name), params), grow=lambda: _bulk_cases(panel, 200))
