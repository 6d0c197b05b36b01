"""The school list at scale: no query groups schools with their visits, every sort and filter reads the page's
rows from an index, and on PostgreSQL no subquery runs once per school (issue: `Max("visits__visited_on")` grouped
every school with its visits before LIMIT, and NOT IN filters re-ran their subquery per school)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.urls import reverse

from schools.models import Contact, ContactRole, School, Visit
from schools.services.visits import school_last_visits_rebuild
from tests.schools.factories import SchoolFactory
from tests.support.plans import analyze, plan_of, postgresql_only, selects_of, smallest_work_mem, subplans

pytestmark = pytest.mark.django_db

LIST = reverse("schools:list")
PAGE_SIZE = 50
VARIANTS = [
    {},
    {"page": "4"},
    {"sort": "last_visit"},
    {"sort": "pupils"},
    {"sort": "-name"},
    {"sort": "ward", "phase": "primary"},
    {"ward": "Ward 3"},
    {"q": "school 1"},
    {"no_recent_visit": "yes"},
    {"no_recent_visit": "no"},
    {"wrap": "no"},
    {"dsl_training_overdue": "yes"},
    {"status": "open", "support_tier": "universal"},
]


def _schools(n: int) -> list[School]:
    School.objects.bulk_create(
        [
            SchoolFactory.build(urn=700000 + i, name=f"Plan School {i}", ward=f"Ward {i % 7}", pupils=i or None)
            for i in range(n)
        ]
    )
    schools = list(School.objects.filter(urn__gte=700000))
    adviser = (
        schools[0]
        .contacts.model._meta.get_field("user")
        .related_model.objects.create(email="plan.adviser@example.org", full_name="Plan Adviser")
    )
    Contact.objects.bulk_create(Contact(school=s, full_name=f"DSL {s.urn}", role=ContactRole.DSL) for s in schools)
    Visit.objects.bulk_create(
        Visit(school=s, adviser=adviser, visited_on=date(2026, 1, 1) + timedelta(days=k * 40))
        for s in schools[::2]
        for k in range(3)
    )
    school_last_visits_rebuild()
    return schools


def test_the_list_never_joins_visits_and_shows_each_schools_last_visit(client_for, adviser):
    schools = _schools(120)
    client = client_for(adviser)
    for params in ({}, {"sort": "last_visit"}, {"page": "2"}):
        assert not [sql for sql in selects_of(lambda p=params: client.get(LIST, p), touching="schools_school")
                    if "schools_visit" in sql]  # fmt: skip
    rows = client.get(LIST, {"sort": "last_visit"}).context["schools"]
    assert [s["last_visit_on"] for s in rows[:3]] == [None, None, None]  # never visited first
    shown = {s["pk"]: s["last_visit_on"] for s in client.get(LIST).context["schools"]}
    assert shown[schools[0].pk] == date(2026, 1, 1) + timedelta(days=80)
    assert shown[schools[1].pk] is None


@postgresql_only
def test_no_subquery_runs_once_per_school_for_any_sort_or_filter(client_for, coordinator):
    _schools(300)
    analyze("schools_school", "schools_contact", "schools_visit")
    smallest_work_mem()
    client = client_for(coordinator)
    for params in VARIANTS:
        queries = selects_of(lambda p=params: client.get(LIST, p), touching="schools_school")
        assert queries, params
        for sql in queries:
            assert "GROUP BY" not in sql, (params, sql)
            plan = plan_of(sql, analyze=True)
            per_row = [node for node in subplans(plan) if node["Actual Loops"] > PAGE_SIZE]
            assert per_row == [], (params, json.dumps(plan, indent=1))
