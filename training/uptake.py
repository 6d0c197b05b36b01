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


def open_on_q(day: date, *, prefix: str = "") -> Q:
    """`School.objects.open_on(day)` as a condition, to count schools open on several dates in one query, or (with
    `prefix`, such as "school__") on a related school, through the join a query already makes. Kept equal to it by
    tests/training/test_uptake_plan.py."""
    open_date, close_date, status = f"{prefix}open_date", f"{prefix}close_date", f"{prefix}status"
    return (
        (Q(**{f"{open_date}__isnull": True}) | Q(**{f"{open_date}__lte": day}))
        & (Q(**{f"{close_date}__isnull": True}) | Q(**{f"{close_date}__gt": day}))
        & ~Q(**{status: Status.PROPOSED_TO_OPEN, f"{open_date}__isnull": True})
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
    series, by_phase = uptake_series_and_by_phase(dates=[on], ward=ward)
    return series[0], by_phase


def uptake_series_and_by_phase(
    *, dates: list[date], phase: str | None = None, ward: str | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """uptake_series, and uptake_by_phase on the last date, from one pass over the schools grouped by phase (the
    dashboard shows both): each date's figures are the sums of the phases', so schools of a phase outside the list
    still count in them. One query, as long as uptake_series alone."""
    buckets = {f"d{i}_": day for i, day in enumerate(dates)}
    aggregates: dict[str, Count] = {}
    for key, day in buckets.items():
        aggregates.update(_counts(key, day, Q()))
    grouped = schools_with_first_training(phase=phase, ward=ward).values("phase").annotate(**aggregates).order_by()
    phases: dict[str, dict[str, Any]] = {row["phase"]: cast(dict[str, Any], row) for row in grouped}
    totals = {name: sum(row[name] for row in phases.values()) for name in aggregates}
    series = [{"on": day, **_row(totals, key)} for key, day in buckets.items()]
    last = list(buckets)[-1]
    rows = [
        {"phase": value.value, "phase_label": value.label, **_row(phases[value.value], last)}
        for value in Phase
        if value.value in phases
    ]
    return series, [row for row in rows if row["open_schools"]]
