"""The queue's stored counts (ReferralStatusCount, ReferralMakerCount; database triggers keep them) counted again
from the referrals: to check them and to rebuild them (`manage.py rebuild_queue_counts`), for example after rows
were restored from a backup with the triggers disabled."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import Coalesce

from .models import Referral, ReferralMakerCount, ReferralStatusCount

StatusCounts = dict[tuple[str, int], int]
MakerCounts = dict[tuple[int, str], int]


def status_counts_from_referrals() -> StatusCounts:
    """{(status, team id or 0): referrals}."""
    rows = (
        Referral.objects.values("status", team=Coalesce("assigned_team_id", 0))
        .annotate(n=Count("*"))
        .values_list("status", "team", "n")
        .order_by()
    )
    return {(status, team): n for status, team, n in rows}


def maker_counts_from_referrals() -> MakerCounts:
    """{(maker's user id, status): referrals}."""
    rows = Referral.objects.values_list("created_by_id", "status").annotate(n=Count("*")).order_by()
    return {(maker, status): n for maker, status, n in rows}


def stored_status_counts() -> StatusCounts:
    return {(s, t): n for s, t, n in ReferralStatusCount.objects.values_list("status", "team_key", "n") if n}


def stored_maker_counts() -> MakerCounts:
    return {(m, s): n for m, s, n in ReferralMakerCount.objects.values_list("created_by_key", "status", "n") if n}


@dataclass(frozen=True)
class Differences:
    status_rows: int
    maker_rows: int


def _differing(stored: dict, computed: dict) -> int:  # type: ignore[type-arg]
    return sum(1 for key in stored.keys() | computed.keys() if stored.get(key) != computed.get(key))


def queue_counts_rebuild() -> Differences:
    """Replaces the stored counts with counts of the referrals, in one transaction that writers to referrals wait
    for (on PostgreSQL), so none is counted twice or missed; returns how many counter rows differed (none when
    the triggers kept them)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE referrals_referral IN SHARE MODE")
        statuses, makers = status_counts_from_referrals(), maker_counts_from_referrals()
        found = Differences(
            status_rows=_differing(stored_status_counts(), statuses),
            maker_rows=_differing(stored_maker_counts(), makers),
        )
        ReferralStatusCount.objects.all().delete()
        ReferralStatusCount.objects.bulk_create(
            ReferralStatusCount(status=status, team_key=team, n=n) for (status, team), n in statuses.items()
        )
        ReferralMakerCount.objects.all().delete()
        ReferralMakerCount.objects.bulk_create(
            (ReferralMakerCount(created_by_key=maker, status=status, n=n) for (maker, status), n in makers.items()),
            batch_size=2000,
        )
    return found
