"""The report gathers its figures in a fixed number of queries whatever the size of the data (each section's
figures are database aggregates, never a query per school, referral or case), and a General Release report for a
period already released prints the register's figures without reading a referral or a case."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.models import ALL_SECTIONS, Classification, Release
from reports.rendering import report_gather
from reports.services import report_parameters

from .data import PERIOD, make_cases, make_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

# Schools 3 (tiers, schools open in the period, those visited), training 4 (uptake, sessions by audience, reach,
# feedback), visits 3, people 4 (the referrals' breakdowns together, the types of concern, cases, consent),
# panels 1, delivery 3.
GATHER_QUERIES = 18


def gather_queries(classification: str) -> list[str]:
    params = report_parameters(
        title="Prevent duty: delivery update",
        committee="Scrutiny Committee",
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        classification=classification,
        sections=list(ALL_SECTIONS),
    )
    with CaptureQueriesContext(connection) as captured:
        report_gather(params)
    return [query["sql"] for query in captured.captured_queries]


def grow() -> None:
    """More of everything the report counts, in the period: schools in each tier with visits, actions and
    training, and referrals in other sectors, genders, ages and ethnicities, some adopted as cases."""
    from channel.models.cases import Stage
    from referrals.models import Ethnicity, Gender, Sector, Status
    from tests.channel.factories import CaseFactory
    from tests.referrals.factories import ReferralFactory
    from tests.schools.factories import SchoolFactory, VisitActionFactory, VisitFactory
    from tests.training.factories import AttendanceFactory, SessionFactory

    day = date(2026, 6, 15)
    tiers = ["universal", "specialist", "intensive"]
    sessions = [SessionFactory(held_on=day, sector=sector) for sector in ("schools", "pupils", "parents")]
    for i in range(12):
        school = SchoolFactory(support_tier=tiers[i % 3])
        visit = VisitFactory(school=school, visited_on=day, offer_level=tiers[i % 3])
        VisitActionFactory(visit=visit, due_on=date(2026, 7, 1))
        AttendanceFactory(session=sessions[i % 3], school=school, staff=i + 1)
    sectors, genders, ethnicities = list(Sector.values), list(Gender.values), list(Ethnicity.values)
    for i in range(20):
        ReferralFactory(
            submitted_on=day,
            referrer_sector=sectors[i % len(sectors)],
            gender=genders[i % len(genders)],
            ethnicity=ethnicities[i % len(ethnicities)],
            age_at_referral=10 + 3 * i,
            decision="panel_adult" if i % 4 == 0 else "nfa",
        )
    for _ in range(3):
        CaseFactory(
            referral=ReferralFactory(submitted_on=day, decision="panel_adult", status=Status.AT_PANEL),
            stage=Stage.SUPPORT,
            adopted_on=day,
            support_started_on=day,
        )


def test_an_official_sensitive_report_gathers_its_figures_in_the_same_queries_at_two_sizes():
    make_dataset()
    make_cases()
    before = gather_queries(Classification.OFFICIAL_SENSITIVE)
    grow()
    after = gather_queries(Classification.OFFICIAL_SENSITIVE)
    assert len(before) == len(after) <= GATHER_QUERIES, after


def test_a_general_release_for_a_period_already_released_reads_no_referral_or_case():
    make_dataset()
    make_cases()
    first = gather_queries(Classification.GENERAL_RELEASE)  # counted, checked and registered
    assert any("referrals_referral" in sql for sql in first)
    grow()
    again = gather_queries(Classification.GENERAL_RELEASE)
    assert Release.objects.count() == 1
    assert not [sql for sql in again if "referrals_referral" in sql or "channel_case" in sql], again
