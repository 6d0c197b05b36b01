"""The referral queue at scale: no DISTINCT, each scope a condition on the referral's own row (EXISTS for a
panel's), the tab counts in one query, and on PostgreSQL no subquery run once per referral (issue: `.distinct()`
over four joins and six filtered counts over that subquery on every request)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from referrals.models import Referral, Status
from referrals.selectors import QUEUE_TABS, referral_queue, referral_queue_counts
from tests.channel.factories import CaseFactory
from tests.referrals.factories import DraftReferralFactory, ReferralFactory
from tests.support.plans import analyze, plan_of, postgresql_only, selects_of, smallest_work_mem, subplans

pytestmark = pytest.mark.django_db

LIST = reverse("referrals:list")
STATUSES = [Status.NEW, Status.SCREENING, Status.AWAITING_INFORMATION, Status.DECIDED, Status.AT_PANEL]


def _referrals(n: int, *, team, other_team, school, panel, maker) -> None:
    template = ReferralFactory.build(created_by=maker)
    rows = []
    for i in range(n):
        row = Referral(
            **{f.attname: getattr(template, f.attname) for f in Referral._meta.concrete_fields if f.attname != "id"}
        )
        row.reference = f"NB-2024-{i:05d}"
        row.status = STATUSES[i % len(STATUSES)]
        row.assigned_team_id = (team if i % 3 else other_team).pk
        row.school_id = school.pk if i % 4 == 0 else None
        row.submitted_at = template.submitted_at.replace(year=2024 + i % 3)
        rows.append(row)
    Referral.objects.bulk_create(rows)
    for referral in Referral.objects.filter(status=Status.AT_PANEL)[:5]:
        CaseFactory(referral=referral, panel=panel)
    DraftReferralFactory(created_by=maker)


@pytest.fixture
def many(team, school, panel, coordinator):
    from tests.accounts.factories import TeamFactory

    _referrals(300, team=team, other_team=TeamFactory(name="Other Team"), school=school, panel=panel, maker=coordinator)


@pytest.mark.parametrize("role", ["coordinator", "csc_practitioner"])
def test_tab_counts_are_one_query_and_match_each_tab(request, role, many):
    user = request.getfixturevalue(role)
    counted = {}
    assert len(selects_of(lambda: counted.update(referral_queue_counts(user=user)), touching="referrals_referral")) == 1
    counts = counted
    assert counts == {tab: referral_queue(user=user, tab=tab).count() for tab in QUEUE_TABS}
    assert counts["all"] == (300 if role == "coordinator" else 200)


def test_a_deep_page_shows_the_right_referrals(client_for, coordinator, many):
    expected = list(referral_queue(user=coordinator, tab="all").values_list("reference", flat=True)[250:300])
    page = client_for(coordinator).get(LIST, {"tab": "all", "page": "6"})
    assert [r["reference"] for r in page.context["referrals"]] == expected
    assert "Page 6 of 6" in page.content.decode()


@postgresql_only
@pytest.mark.parametrize("role", ["coordinator", "csc_practitioner", "panel_chair", "dsl"])
def test_no_distinct_and_no_subquery_per_referral(request, client_for, role, many):
    analyze("referrals_referral", "channel_case")
    smallest_work_mem()
    client = client_for(request.getfixturevalue(role))
    tabs = list(QUEUE_TABS) if role in ("coordinator", "csc_practitioner") else [""]
    for tab in tabs:
        queries = selects_of(lambda t=tab: client.get(LIST, {"tab": t} if t else {}), touching="referrals_referral")
        assert queries, tab
        for sql in queries:
            assert "DISTINCT" not in sql, (tab, sql)
            plan = plan_of(sql)
            assert subplans(plan) == [], (tab, json.dumps(plan, indent=1))
