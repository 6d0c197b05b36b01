"""The uptake measures: of the schools open on a date, how many (and what share) had accessed WRAP, PVE and any
Prevent training by then.

Each school's first WRAP, PVE and Prevent training date is stored (training.models.SchoolFirstTraining, kept by
database triggers), so every count is a filter on those columns over one pass of the schools: no pass over the
half million attendances of a national dataset, and a whole series or every phase is one query.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.db.models import Count, F, Q, QuerySet

from schools.models import Phase, School, Status

MEASURES = ("wrap", "pve", "any")


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def open_on_q(day: date) -> Q:
    """`School.objects.open_on(day)` as a condition, to count schools open on several dates in one query. Kept
    equal to it by tests/training/test_uptake_plan.py."""
    return (
        (Q(open_date__isnull=True) | Q(open_date__lte=day))
        & (Q(close_date__isnull=True) | Q(close_date__gt=day))
        & ~Q(status=Status.PROPOSED_TO_OPEN, open_date__isnull=True)
    )


def schools_with_first_training(*, phase: str | None = None, ward: str | None = None) -> QuerySet[School]:
    """Schools (of a phase, in a ward) with the date each first attended WRAP, PVE and any Prevent training (not
    commissioned or community delivery); None if never."""
    qs = School.objects.all()
    if phase:
        qs = qs.filter(phase=phase)
    if ward:
        qs = qs.filter(ward=ward)
    return qs.annotate(
        first_wrap=F("first_training__first_wrap"),
        first_pve=F("first_training__first_pve"),
        first_any=F("first_training__first_any"),
    )


def _counts(key: str, on: date, within: Q) -> dict[str, Count]:
    counted = open_on_q(on) & within
    counts = {f"{key}open_schools": Count("pk", filter=counted)}
    for measure in MEASURES:
        counts[f"{key}{measure}_schools"] = Count("pk", filter=counted & Q(**{f"first_{measure}__lte": on}))
    return counts


def _row(figures: dict[str, int], key: str) -> dict[str, Any]:
    row: dict[str, Any] = {"open_schools": figures[f"{key}open_schools"]}
    for measure in MEASURES:
        row[f"{measure}_schools"] = figures[f"{key}{measure}_schools"]
        row[f"{measure}_pct"] = percent(row[f"{measure}_schools"], row["open_schools"])
    row["none_schools"] = row["open_schools"] - row["any_schools"]
    return row


def uptake_series(*, dates: list[date], phase: str | None = None, ward: str | None = None) -> list[dict[str, Any]]:
    """uptake_as_at at each date, in one query. Percentages are rounded to whole numbers."""
    buckets = {f"d{i}_": day for i, day in enumerate(dates)}
    aggregates: dict[str, Count] = {}
    for key, day in buckets.items():
        aggregates.update(_counts(key, day, Q()))
    figures = schools_with_first_training(phase=phase, ward=ward).aggregate(**aggregates)
    return [{"on": day, **_row(figures, key)} for key, day in buckets.items()]


def uptake_as_at(*, on: date, phase: str | None = None, ward: str | None = None) -> dict[str, Any]:
    """Open schools on `on` and how many (and what share) had accessed WRAP, PVE and any Prevent training by
    then. One query."""
    return uptake_series(dates=[on], phase=phase, ward=ward)[0]


def uptake_by_phase(*, on: date, ward: str | None = None) -> list[dict[str, Any]]:
    """uptake_as_at for each phase with open schools, in phase order. One query."""
    return uptake_overall_and_by_phase(on=on, ward=ward)[1]


def uptake_overall_and_by_phase(*, on: date, ward: str | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """uptake_as_at and uptake_by_phase from one pass over the schools, grouped by phase (the committee report
    shows both); the whole is the sum of the phases, so schools of a phase outside the list still count in it."""
    grouped = schools_with_first_training(ward=ward).values("phase").annotate(**_counts("", on, Q())).order_by()
    by_phase: dict[str, dict[str, Any]] = {row["phase"]: cast(dict[str, Any], row) for row in grouped}
    totals = {name: sum(row[name] for row in by_phase.values()) for name in _counts("", on, Q())}
    rows = [
        {"phase": phase.value, "phase_label": phase.label, **_row(by_phase[phase.value], "")}
        for phase in Phase
        if phase.value in by_phase
    ]
    return {"on": on, **_row(totals, "")}, [row for row in rows if row["open_schools"]]
