"""The queue's stored counts (by status and team, by maker and status) stay equal to counts of the referrals after
every kind of write: the services, bulk loads, QuerySet updates and deletions, on SQLite and PostgreSQL (database
triggers keep them); two writers at once both land; the rebuild command finds and mends a difference; and the
tabs' counts read from them agree with the rows each tab lists."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from referrals.models import Decision, Referral, ReferralMakerCount, ReferralStatusCount, Status
from referrals.queue_counts import (
    Differences,
    maker_counts_from_referrals,
    queue_counts_rebuild,
    status_counts_from_referrals,
    stored_maker_counts,
    stored_status_counts,
)
from referrals.selectors import QUEUE_TABS, referral_queue, referral_queue_counts
from referrals.services.triage import referral_assign, referral_decide
from tests.accounts.factories import TeamFactory
from tests.referrals.factories import DraftReferralFactory, ReferralFactory
from tests.support.concurrency import at_once

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def _assert_stored_equal_counted() -> None:
    assert stored_status_counts() == status_counts_from_referrals()
    assert stored_maker_counts() == maker_counts_from_referrals()


def test_inserts_updates_and_deletes_of_every_kind_keep_the_counts(coordinator, dsl, team) -> None:
    other_team = TeamFactory(name="Assessment Team South")
    ReferralFactory.create_batch(3, created_by=dsl)
    DraftReferralFactory(created_by=dsl)
    _assert_stored_equal_counted()
    assert stored_status_counts() == {(Status.NEW, 0): 3, (Status.DRAFT, 0): 1}

    Referral.objects.bulk_create([ReferralFactory.build(created_by=coordinator) for _ in range(4)])
    _assert_stored_equal_counted()

    Referral.objects.filter(created_by=coordinator).update(assigned_team=team, status=Status.SCREENING)
    _assert_stored_equal_counted()
    assert stored_status_counts()[(Status.SCREENING, team.pk)] == 4

    moved = Referral.objects.filter(created_by=coordinator).first()
    moved.assigned_team = other_team
    moved.save()
    moved.created_by = dsl
    moved.save()
    moved.narrative = "An edit that moves no count."
    moved.save()
    _assert_stored_equal_counted()

    Referral.objects.filter(status=Status.DRAFT).delete()
    Referral.objects.filter(assigned_team=team).first().delete()
    _assert_stored_equal_counted()
    assert (Status.DRAFT, 0) not in stored_status_counts()  # counted down to 0, not shown as a difference


def test_the_services_keep_the_counts(coordinator, dsl, team) -> None:
    referral = ReferralFactory(created_by=dsl)
    referral = referral_assign(
        referral=referral, actor=coordinator, team=team, assignee=None, expected_version=referral.version
    )
    _assert_stored_equal_counted()
    referral_decide(
        referral=referral,
        actor=coordinator,
        choice=Decision.CSC_ASSESSMENT,
        notes="Needs an assessment.",
        unscreened_reason="Social care already know the family.",
        expected_version=referral.version,
    )
    _assert_stored_equal_counted()
    assert stored_status_counts() == {(Status.DECIDED, team.pk): 1}
    assert stored_maker_counts() == {(dsl.pk, Status.DECIDED): 1}


def test_each_tabs_count_is_the_number_of_rows_it_lists(coordinator, csc_practitioner, dsl, team) -> None:
    elsewhere = TeamFactory(name="Assessment Team South")
    ReferralFactory.create_batch(2, created_by=dsl)
    ReferralFactory.create_batch(3, created_by=dsl, assigned_team=team, status=Status.SCREENING)
    ReferralFactory(created_by=coordinator, assigned_team=elsewhere, status=Status.AWAITING_INFORMATION)
    ReferralFactory(created_by=csc_practitioner, assigned_team=team, status=Status.DECIDED)
    DraftReferralFactory(created_by=coordinator)
    for user in (coordinator, csc_practitioner, dsl):
        counts = referral_queue_counts(user=user)
        assert counts == {tab: referral_queue(user=user, tab=tab).count() for tab in QUEUE_TABS}, user
    assert referral_queue_counts(user=coordinator)["all"] == 7
    assert referral_queue_counts(user=csc_practitioner)["all"] == 4
    assert referral_queue_counts(user=coordinator)["made"] == 1  # the draft is not counted


def test_the_rebuild_command_finds_and_mends_a_difference(dsl) -> None:
    ReferralFactory.create_batch(2, created_by=dsl)
    assert queue_counts_rebuild() == Differences(status_rows=0, maker_rows=0)
    ReferralStatusCount.objects.filter(status=Status.NEW).update(n=99)
    ReferralMakerCount.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_queue_counts", stdout=out)
    assert "1 status and team counts and 1 maker counts differed" in out.getvalue()
    _assert_stored_equal_counted()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers at once need PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_two_writers_moving_referrals_opposite_ways_at_once_both_land(dsl, team) -> None:
    """Each counter row is changed by adding, never by writing a recount, and locked in key order: opposite moves
    between the same two statuses neither deadlock nor lose a count."""
    new = ReferralFactory.create_batch(5, created_by=dsl, assigned_team=team)
    screening = ReferralFactory.create_batch(5, created_by=dsl, assigned_team=team, status=Status.SCREENING)

    def move(rows: list[Referral], to: str) -> int:
        with transaction.atomic():
            return Referral.objects.filter(pk__in=[r.pk for r in rows]).update(status=to)

    for _ in range(5):
        results = at_once(
            lambda a=new: move(a, Status.SCREENING),  # type: ignore[misc]
            lambda b=screening: move(b, Status.NEW),  # type: ignore[misc]
        )
        assert results == [5, 5]
        new, screening = screening, new
    results = at_once(*(lambda: ReferralFactory(created_by=dsl, assigned_team=team) for _ in range(4)))
    assert all(isinstance(r, Referral) for r in results), results
    _assert_stored_equal_counted()
    assert stored_status_counts()[(Status.NEW, team.pk)] == 9
