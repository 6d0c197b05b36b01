"""The uptake measures: of the schools open on a date, how many (and what share) had accessed WRAP, PVE and any
Prevent training by then.

Each school's first WRAP, PVE and Prevent training date is stored (training.models.SchoolFirstTraining, kept by
database triggers), so every count is a filter on those columns over one pass of the schools: no pass over the
half million attendances of a national dataset, and a whole series or every phase is one query.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.db.models import Case, Count, F, Q, QuerySet, Value, When

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


def _first_date_index(field: str, ordered: list[date]) -> Case:
    """The index of the first of `ordered` (ascending) on or after the field's date: the first date by which it
    had happened; len(ordered) when it is after them all or blank (never, as far as these dates go)."""
    return Case(
        *[When(**{f"{field}__lte": day}, then=Value(i)) for i, day in enumerate(ordered)],
        default=Value(len(ordered)),
    )


def _opened_index(ordered: list[date]) -> Case:
    """_first_date_index of the date a school opened: a school without an opening date is open from the start
    (it was open before records began), unless it is only proposed to open (never); as open_on_q."""
    never = len(ordered)
    return Case(
        When(open_date__isnull=True, status=Status.PROPOSED_TO_OPEN, then=Value(never)),
        When(open_date__isnull=True, then=Value(0)),
        default=_first_date_index("open_date", ordered),
    )


def _tallies(
    *, dates: list[date], phase: str | None, ward: str | None
) -> tuple[list[date], dict[str, dict[str, list[int]]]]:
    """For each phase, and each of the dates (ascending, without repeats), the schools open then and how many of
    them had accessed each measure by then: `{phase: {"open": [n per date], "wrap": [...], ...}}`.

    One query, one pass over the schools: each school is placed by the first of the dates by which it had
    opened, closed and first trained in each measure, and the schools are counted by those places (a few
    hundred groups at national scale); a school is open on the i-th date when it had opened by it and not yet
    closed (opened <= i < closed), and counts for a measure when it had also trained by it. Counting with a
    filter per date and measure instead evaluated the opening rule 32 times a school for the dashboard's 8
    dates: 56 ms at national scale on PostgreSQL, against 22 ms."""
    ordered = sorted(set(dates))
    grouped = (
        schools_with_first_training(phase=phase, ward=ward)
        .values(
            "phase",
            opened=_opened_index(ordered),
            closed=_first_date_index("close_date", ordered),
            **{measure: _first_date_index(f"first_{measure}", ordered) for measure in MEASURES},
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    tallies: dict[str, dict[str, list[int]]] = {}
    for group in grouped:
        row = cast(dict[str, Any], group)  # the annotations' names are made above: not a literal TypedDict key
        counts = tallies.setdefault(row["phase"], {name: [0] * len(ordered) for name in ("open", *MEASURES)})
        n = row["n"]
        for i in range(row["opened"], row["closed"]):
            counts["open"][i] += n
            for measure in MEASURES:
                if row[measure] <= i:
                    counts[measure][i] += n
    return ordered, tallies


def _row(counts: dict[str, list[int]], i: int) -> dict[str, Any]:
    row: dict[str, Any] = {"open_schools": counts["open"][i]}
    for measure in MEASURES:
        row[f"{measure}_schools"] = counts[measure][i]
        row[f"{measure}_pct"] = percent(row[f"{measure}_schools"], row["open_schools"])
    row["none_schools"] = row["open_schools"] - row["any_schools"]
    return row


def _summed(tallies: dict[str, dict[str, list[int]]], size: int) -> dict[str, list[int]]:
    """The tallies of every phase added up: the whole, which counts the schools of a phase outside Phase too."""
    return {
        name: [sum(counts[name][i] for counts in tallies.values()) for i in range(size)] for name in ("open", *MEASURES)
    }


def uptake_series(*, dates: list[date], phase: str | None = None, ward: str | None = None) -> list[dict[str, Any]]:
    """uptake_as_at at each date, in one query. Percentages are rounded to whole numbers."""
    return uptake_series_and_by_phase(dates=dates, phase=phase, ward=ward)[0]


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
    still count in them. One query."""
    ordered, tallies = _tallies(dates=dates, phase=phase, ward=ward)
    whole = _summed(tallies, len(ordered))
    series = [{"on": day, **_row(whole, ordered.index(day))} for day in dates]
    last = ordered.index(dates[-1])
    rows = [
        {"phase": value.value, "phase_label": value.label, **_row(tallies[value.value], last)}
        for value in Phase
        if value.value in tallies
    ]
    return series, [row for row in rows if row["open_schools"]]
