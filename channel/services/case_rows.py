"""What every case service shares: the case row locked, moved and saved, and the chronology entry each change writes."""

from __future__ import annotations

import calendar
from datetime import date

from django.db.models import Q

from accounts.models import User
from core.locking import versioned_update

from ..models.cases import Case, CaseEntry, SupportItem

REVIEW_INTERVAL_DAYS = 28  # an adopted case comes back to the panel about monthly


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 Aug + 6 months = 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _entry(
    *,
    case: Case,
    kind: str,
    actor: User,
    on: date,
    text: str = "",
    stage_after: str = "",
    support_item: SupportItem | None = None,
    amends: CaseEntry | None = None,
) -> CaseEntry:
    entry = CaseEntry(
        case=case, kind=kind, actor=actor, on=on, text=text, stage_after=stage_after,
        support_item=support_item, amends=amends,
    )  # fmt: skip
    entry.full_clean()
    entry.save()
    return entry


def _locked(case: Case) -> Case:
    """The case row as stored now, locked for this transaction: a stage move checks its rule (adopt only a case
    not yet decided, ...) on the current stage, not on the page's copy (SQLite serialises writers anyway)."""
    return Case.objects.select_for_update(of=("self",)).select_related("referral", "panel").get(pk=case.pk)


def _save_case(case: Case, fields: list[str], *, expected_version: int | None = None) -> Case:
    """Saves `fields` through core.locking: with the version the page was opened at, a stale save raises
    StaleEdit; without one (a stage move checked under the lock) it still raises the version."""
    case.full_clean()
    return versioned_update(instance=case, expected_version=expected_version, fields=fields)


def _set_stage(case: Case, stage: str, on: date) -> None:
    case.stage = stage
    case.stage_changed_on = on


def _mark_discussed(case: Case, on: date, fields: list[str]) -> None:
    if case.discussed_on is None:
        case.discussed_on = on
        fields.append("discussed_on")


def support_items_end_all(*, case: Case, on: date, reason: str) -> int:
    """Ends every support item of the case still running on `on` (one not yet started ends on its start day),
    each with the reason; returns how many."""
    ended = 0
    for item in case.support_items.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on)):
        item.ends_on = max(on, item.starts_on)
        item.end_reason = reason
        item.full_clean()
        versioned_update(instance=item, expected_version=None, fields=["ends_on", "end_reason"])
        ended += 1
    return ended
