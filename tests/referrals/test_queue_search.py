"""The referral list's search, filters, sortable columns, CSV export and opening tab."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from referrals.models import Referral, Status
from tests.referrals.factories import ReferralFactory
from tests.support.exports import csv_rows
from tests.support.queries import assert_flat_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(school, other_school, team, coordinator):
    return {
        "alice": ReferralFactory(first_name="Alice", last_name="Khan", school=school, assigned_team=team),
        "alina": ReferralFactory(
            first_name="Alina", last_name="Okoro", school=other_school, status=Status.DECIDED, decision="nfa"
        ),
        "bob": ReferralFactory(first_name="Bob", last_name="Ellis", school=school, age_at_referral=19),
    }


def test_part_of_a_name_finds_the_person_in_every_tab(client_for, coordinator, people):
    body = client_for(coordinator).get(reverse("referrals:list"), {"name": "ali"}).content.decode()
    assert people["alice"].reference in body and people["alina"].reference in body
    assert people["bob"].reference not in body
    assert "2 referrals match the search" in body
    body = client_for(coordinator).get(reverse("referrals:list"), {"name": "ali kh"}).content.decode()
    assert people["alice"].reference in body and people["alina"].reference not in body


@pytest.mark.parametrize(
    "params, found",
    [
        ({"reference": "x"}, set()),
        ({"status": "decided"}, {"alina"}),
        ({"age_band": "18_20"}, {"bob"}),
        ({"age_band": "11_15"}, {"alice", "alina"}),
        ({"assigned_to": "none"}, {"alice", "alina", "bob"}),
        ({"referrer": "larkhill"}, {"alice", "alina", "bob"}),
        ({"made_to": "2000-01-01"}, set()),
        ({"made_to": "31/12/1999"}, set()),
        ({"made_from": "1/1/2000"}, {"alice", "alina", "bob"}),
    ],
)
def test_each_filter_narrows_the_list(client_for, coordinator, people, params, found):
    body = client_for(coordinator).get(reverse("referrals:list"), {**params, "tab": "all"}).content.decode()
    assert {key for key, referral in people.items() if referral.reference in body} == found


def test_school_and_team_filters(client_for, coordinator, people, school, team):
    client = client_for(coordinator)
    body = client.get(reverse("referrals:list"), {"school": school.name[:6]}).content.decode()
    assert people["alice"].reference in body and people["alina"].reference not in body
    body = client.get(reverse("referrals:list"), {"team": team.pk}).content.decode()
    assert people["alice"].reference in body and people["bob"].reference not in body


def test_a_bad_filter_value_gets_an_error_not_a_500(client_for, coordinator, people):
    response = client_for(coordinator).get(reverse("referrals:list"), {"made_from": "31/02/2026", "status": "x"})
    assert response.status_code == 200
    assert "govuk-error-message" in response.content.decode()


def test_columns_sort_on_the_server_with_aria_sort(client_for, coordinator, people):
    client = client_for(coordinator)
    body = client.get(reverse("referrals:list"), {"tab": "all", "sort": "name"}).content.decode()
    assert body.index("Ellis") < body.index("Khan") < body.index("Okoro")
    assert 'aria-sort="ascending"' in body and "sort=-name" in body
    body = client.get(reverse("referrals:list"), {"tab": "all", "sort": "-name"}).content.decode()
    assert body.index("Okoro") < body.index("Khan") < body.index("Ellis")
    assert 'aria-sort="descending"' in body
    # Anything outside the whitelist falls back to the newest first.
    body = client.get(reverse("referrals:list"), {"tab": "all", "sort": "narrative"}).content.decode()
    assert body.count('aria-sort="descending"') == 1 and "sort=made" in body


def test_the_export_holds_what_the_filters_show_and_is_audited_without_the_search(client_for, coordinator, people):
    people["bob"].first_name = "=HYPERLINK(1)"
    Referral.objects.filter(pk=people["bob"].pk).update(first_name="=HYPERLINK(1)")
    client = client_for(coordinator)
    list_page = client.get(reverse("referrals:list"), {"name": "ali", "sort": "name"}).content.decode()
    assert 'href="/referrals/export/?name=ali&amp;sort=name"' in list_page
    response = client.get(reverse("referrals:export"), {"name": "ali", "sort": "name"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert rows[0][:4] == ["Reference", "Made", "First name", "Last name"]
    assert [row[0] for row in rows[1:]] == [people["alice"].reference, people["alina"].reference]
    event = AuditEvent.objects.get(action="referrals.exported")
    assert event.actor == coordinator
    assert event.detail == "2 rows; filters: name; tab: all; sort: name"
    assert "ali" not in event.detail.replace("all", "")
    rows = csv_rows(client.get(reverse("referrals:export"), {"name": "hyper"}))
    assert rows[1][2] == "'=HYPERLINK(1)"


def test_a_dsl_exports_status_and_outcome_of_their_schools_referrals_only(client_for, dsl, people):
    rows = csv_rows(client_for(dsl).get(reverse("referrals:export")))
    assert rows[0] == ["Reference", "Made", "Status", "Outcome"]
    assert sorted(row[0] for row in rows[1:]) == sorted([people["alice"].reference, people["bob"].reference])
    # The content filters are not theirs: a name search is ignored, not answered.
    rows = csv_rows(client_for(dsl).get(reverse("referrals:export"), {"name": "Khan"}))
    assert len(rows) == 3


def test_a_practitioner_exports_their_teams_referrals_only(client_for, csc_practitioner, people):
    rows = csv_rows(client_for(csc_practitioner).get(reverse("referrals:export"), {"tab": "all"}))
    assert [row[0] for row in rows[1:]] == [people["alice"].reference]


@pytest.mark.parametrize("role", ["scrutiny", "sysadmin"])
def test_roles_without_referrals_may_not_export(client_for, request, role, people):
    response = client_for(request.getfixturevalue(role)).get(reverse("referrals:export"))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="referrals.exported").exists()


def test_anonymous_export_goes_to_sign_in(client, people):
    response = client.get(reverse("referrals:export"))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_a_practitioners_queue_opens_on_their_overdue_work(client_for, csc_practitioner, team, school):
    ReferralFactory(school=school, assigned_team=team, status=Status.SCREENING,
                    submitted_at=timezone.now() - timedelta(days=30))  # fmt: skip
    body = client_for(csc_practitioner).get(reverse("referrals:list")).content.decode()
    assert '<strong aria-current="page">Overdue (1)</strong>' in body


def test_a_coordinators_queue_opens_on_new_then_on_other_work(client_for, coordinator, school):
    screening = ReferralFactory(school=school, status=Status.SCREENING)
    body = client_for(coordinator).get(reverse("referrals:list")).content.decode()
    assert '<strong aria-current="page">Being screened (1)</strong>' in body
    ReferralFactory(school=school)
    body = client_for(coordinator).get(reverse("referrals:list")).content.decode()
    assert '<strong aria-current="page">New (1)</strong>' in body and screening.reference not in body


@pytest.mark.parametrize("role", ["coordinator", "csc_practitioner", "dsl"])
@pytest.mark.parametrize("name", ["referrals:list", "referrals:export"])
def test_a_filtered_sorted_list_and_its_export_use_the_same_number_of_queries_at_two_sizes(
    client_for, request, role, name, team, school
):
    client = client_for(request.getfixturevalue(role))
    params = {"name": "sam", "status": "new", "sort": "school", "made_from": "2000-01-01", "age_band": "11_15"}

    def grow():
        for _ in range(30):
            ReferralFactory(school=school, assigned_team=team)

    grow()
    count = assert_flat_queries(fetch=lambda: client.get(reverse(name), params), grow=grow)
    assert count < 25


@pytest.mark.parametrize(
    ("lookup", "index"),
    [
        ("first_name__icontains", "referral_first_name_trgm"),
        ("last_name__icontains", "referral_last_name_trgm"),
        ("reference__icontains", "referral_reference_trgm"),
        ("referrer_name__icontains", "referral_referrer_name_trgm"),
        ("referrer_organisation__icontains", "referral_referrer_organisation_trgm"),
    ],
)
def test_each_search_by_part_of_a_word_has_a_trigram_index_on_postgresql(lookup, index):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes are made on PostgreSQL only")
    with connection.cursor() as cursor:
        # A test table is small: ask whether the index can serve the lookup (a GIN index is read by a bitmap scan,
        # the one path left; a plain index scan of the whole primary key can otherwise look cheaper).
        cursor.execute("SET enable_seqscan = off; SET enable_indexscan = off")
    try:
        plan = Referral.objects.filter(**{lookup: "smi"}).explain()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan; RESET enable_indexscan")
    assert index in plan
