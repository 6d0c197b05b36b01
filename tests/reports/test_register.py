"""The publication register: releases are kept, republished identically, revised only by a coordinator, and no
set of releases can be differenced to find a count of 1 to 4 or a shared attribute of a group under 5. The
attacker (tests/reports/attacker.py) solves the integer programme with scipy's milp."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

import pytest

from core.models import AuditEvent
from referrals.models import ConcernType, Decision, Gender, Referral, Sector
from reports.models import Classification, Release, ReleasedCell, Report, ReportState
from reports.rendering import report_gather
from reports.services import report_parameters

from .attacker import Attack

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

YEAR = (date(2025, 4, 1), date(2026, 3, 31))
QUARTERS = [
    (date(2025, 4, 1), date(2025, 6, 30)),
    (date(2025, 7, 1), date(2025, 9, 30)),
    (date(2025, 10, 1), date(2025, 12, 31)),
    (date(2026, 1, 1), date(2026, 3, 31)),
]


def make_referrals(n: int, *, seed: int, start: date, end: date, skew: float = 1.0) -> list[Referral]:
    """`n` referrals spread over the days from `start` to `end`, most in a few categories and a long tail of rare
    ones, so that many cells are 1 to 4 (skew: how strongly the common categories dominate)."""
    from tests.accounts.factories import UserFactory
    from tests.referrals.factories import ReferralFactory

    rng = random.Random(seed)
    referrer = UserFactory()
    concerns = list(ConcernType.objects.order_by("order"))

    def pick(options: list, weights_base: float = skew):
        weights = [1 / (i + 1) ** weights_base for i in range(len(options))]
        return rng.choices(options, weights=weights)[0]

    days = (end - start).days
    rows = []
    for i in range(n):
        day = start + timedelta(days=rng.randint(0, days))
        concern = pick(concerns)
        rows.append(
            ReferralFactory.build(
                created_by=referrer,
                reference=f"NB-T-{seed}-{i:05d}",
                referrer_sector=pick(list(Sector.values)),
                gender=pick([Gender.MALE, Gender.FEMALE, Gender.NOT_KNOWN, Gender.OTHER]),
                decision=pick(
                    [
                        Decision.NO_FURTHER_ACTION,
                        Decision.SIGNPOSTED,
                        "",
                        Decision.PANEL_UNDER_18,
                        Decision.CSC_ASSESSMENT,
                        Decision.POLICE_LED,
                        Decision.PANEL_ADULT,
                    ]
                ),
                age_at_referral=pick([14, 15, 12, 16, 17, 9, 19, 25, 35, 50]),
                concern_type=concern,
                concern_type_label=concern.label,
                submitted_on=day,
            )
        )
    return Referral.objects.bulk_create(rows)


def release(period: tuple[date, date], **extra) -> None:
    """Make the figures of people of a General Release report for the period (the register records them)."""
    params = report_parameters(
        title="Prevent duty: delivery update",
        committee="Scrutiny",
        period_start=period[0],
        period_end=period[1],
        classification=Classification.GENERAL_RELEASE,
        sections=["referrals", "panels"],
    )
    report_gather({**params, **extra})


def assert_nothing_found() -> int:
    """Runs the attacker; returns the number of withheld cells it attacked."""
    attack = Attack()
    assert attack.findings() == []
    return sum(1 for h in attack.held for shown in h.shown.values() if shown == "*")


def test_a_year_and_its_four_quarters_give_nothing_away_released_quarters_first():
    make_referrals(70, seed=1, start=YEAR[0], end=YEAR[1])
    for quarter in QUARTERS:
        release(quarter)
    release(YEAR)
    assert Release.objects.count() == 5
    assert assert_nothing_found() > 0


def test_a_year_released_before_its_quarters_gives_nothing_away():
    make_referrals(45, seed=2, start=YEAR[0], end=YEAR[1], skew=1.5)
    release(YEAR)
    for quarter in QUARTERS:
        release(quarter)
    assert_nothing_found()


def test_a_quarter_of_three_police_referrals_shows_neither_the_quarter_nor_that_they_were_all_police():
    """The review's case: the four quarters against the year gave a whole quarter (3) and, with zeros, that all
    three were police referrals."""
    make_referrals(40, seed=3, start=QUARTERS[0][0], end=QUARTERS[1][1])
    make_referrals(30, seed=4, start=QUARTERS[3][0], end=QUARTERS[3][1])
    from tests.referrals.factories import ReferralFactory

    for day in (date(2025, 10, 3), date(2025, 11, 12), date(2025, 12, 1)):
        ReferralFactory(referrer_sector=Sector.POLICE, submitted_on=day)
    for quarter in QUARTERS:
        release(quarter)
    release(YEAR)
    third = Release.objects.get(period_start=QUARTERS[2][0])
    shown = {c.key: c.shown for c in ReleasedCell.objects.filter(table__release=third)}
    assert shown['["ref", "referrals"]'] == "*"
    sectors = [v for k, v in shown.items() if k.startswith('["sector"')]
    assert sectors.count("*") >= 2  # a zero beside the police count is withheld too
    assert_nothing_found()


def test_a_period_already_released_is_republished_identically_even_after_the_data_changes():
    make_referrals(30, seed=5, start=QUARTERS[0][0], end=QUARTERS[0][1])
    release(QUARTERS[0])
    first = Release.objects.get()
    make_referrals(3, seed=6, start=QUARTERS[0][0], end=QUARTERS[0][1])  # recorded late
    from reports.sections.people import people_figures  # noqa: F401 - the same figures object as the sections

    params = report_parameters(
        title="t",
        committee="c",
        period_start=QUARTERS[0][0],
        period_end=QUARTERS[0][1],
        classification=Classification.GENERAL_RELEASE,
        sections=["referrals"],
    )
    again = report_gather(params)
    assert Release.objects.count() == 1
    table_rows = [block.rows for block in again[0].blocks if hasattr(block, "rows")]
    figures = {c.key: c.shown for c in ReleasedCell.objects.filter(table__release=first)}
    assert figures['["ref", "referrals"]'] == table_rows[0][0][1]  # the journey's first row as first released


def test_a_coordinator_releases_a_revision_which_is_checked_against_the_original(
    coordinator, client_for, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    make_referrals(40, seed=7, start=QUARTERS[1][0], end=QUARTERS[1][1])
    release(QUARTERS[1])
    original = Release.objects.get()
    # Late referrals and a withdrawal: differences of 1 to 4 between the two releases.
    make_referrals(3, seed=8, start=QUARTERS[1][0], end=QUARTERS[1][1], skew=0.2)
    Referral.objects.filter(pk=Referral.objects.order_by("pk").first().pk).delete()
    client = client_for(coordinator)
    page = client.get(reverse("reports:register"))
    assert "Release revised figures" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:release_revise", args=[original.pk]), {"reason": "Late referrals"})
    report = Report.objects.get()
    assert response.status_code == 302 and response.url == reverse("reports:detail", args=[report.pk])
    assert report.state == ReportState.DONE, report.error
    revision = Release.objects.get(revision_of=original)
    assert report.release == revision and revision.reason == "Late referrals" and revision.released_by == coordinator
    assert AuditEvent.objects.filter(action="reports.release_revision", object_id=str(original.pk)).exists()
    assert_nothing_found()
    # The original cannot be revised again; the revision is what the period prints from now on.
    assert client.post(reverse("reports:release_revise", args=[original.pk]), {"reason": "x"}).status_code == 302
    assert Release.objects.count() == 2
    release(QUARTERS[1])
    assert Release.objects.count() == 2


def test_a_revision_needs_a_reason(coordinator, client_for):
    from django.urls import reverse

    make_referrals(10, seed=9, start=QUARTERS[1][0], end=QUARTERS[1][1])
    release(QUARTERS[1])
    original = Release.objects.get()
    response = client_for(coordinator).post(reverse("reports:release_revise", args=[original.pk]), {"reason": " "})
    assert response.status_code == 200 and "Enter why the figures are revised" in response.content.decode()
    assert not Report.objects.exists()


def test_a_city_scale_year_with_many_small_cells_gives_nothing_away():
    """About a city's year of referrals, with a long tail of small categories, then a revision of a quarter."""
    make_referrals(400, seed=10, start=YEAR[0], end=YEAR[1], skew=1.8)
    began = time.perf_counter()
    for quarter in QUARTERS:
        release(quarter)
    release(YEAR)
    seconds = time.perf_counter() - began
    make_referrals(4, seed=11, start=QUARTERS[2][0], end=QUARTERS[2][1], skew=0.1)
    release(QUARTERS[2], revision_of=Release.objects.get(period_start=QUARTERS[2][0]).pk, revision_reason="Late")
    attacked = assert_nothing_found()
    print(f"\nyear + 4 quarters: gathered and checked in {seconds:.1f}s; {attacked} withheld cells attacked")
