"""The uptake query stays a single pass: the whole dashboard series is one query with the same figures as each
date alone, and on PostgreSQL its plan has no subquery run again for each school (issue 13: a `pk IN (...)`
inside the aggregate was re-run for each of 24,000 schools at the default work_mem)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from schools.models import Phase, School, Status
from tests.support.plans import analyze, plan_of, postgresql_only, smallest_work_mem, subplans
from tests.training.factories import course
from training import selectors
from training.models import Attendance, Session
from training.uptake import open_on_q

# Dates here are fixed school years, never today; the clock is frozen all the same.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

DATES = [date(2014, 8, 31), date(2015, 8, 31), date(2015, 10, 31), date(2016, 2, 1)]


def _seed() -> None:
    schools = School.objects.bulk_create(
        [
            *(School(urn=300000 + i, la_code="888", name=f"P{i}", phase=Phase.PRIMARY) for i in range(12)),
            *(School(urn=300100 + i, la_code="888", name=f"S{i}", phase=Phase.SECONDARY) for i in range(5)),
            School(urn=300200, la_code="888", name="Later", open_date=date(2016, 1, 1)),
            School(urn=300201, la_code="888", name="Closed", status=Status.CLOSED, close_date=date(2015, 7, 31)),
            School(urn=300202, la_code="888", name="Proposed", status=Status.PROPOSED_TO_OPEN),
        ]
    )
    for code, held_on, attending in [
        ("WRAP", date(2014, 6, 1), schools[:3] + schools[-2:]),
        ("WRAP", date(2015, 9, 15), schools[2:8] + schools[12:14]),
        ("PVE", date(2015, 10, 20), schools[:4]),
        ("PUPIL-WORKSHOP", date(2015, 9, 1), schools[8:11]),
    ]:
        session = Session.objects.create(course=course(code), held_on=held_on)
        Attendance.objects.bulk_create(Attendance(session=session, school=s, staff=5) for s in attending)


def test_open_on_condition_matches_the_school_queryset() -> None:
    _seed()
    for day in DATES:
        assert set(School.objects.filter(open_on_q(day)).values_list("pk", flat=True)) == set(
            School.objects.open_on(day).values_list("pk", flat=True)
        )


def test_each_dates_figures_are_the_open_schools_and_their_first_training_dates() -> None:
    """The series places each school by the first of the dates by which it had opened, closed and trained
    (training.uptake._tallies): on every date its figures are the schools School.objects.open_on gives and those
    of them whose stored first date is on or before it, a school opening or closing on one of the dates included."""
    _seed()
    School.objects.bulk_create(
        [
            School(urn=300203, la_code="888", name="Opens on a date", open_date=DATES[1]),
            School(urn=300204, la_code="888", name="Closes on a date", status=Status.CLOSED, close_date=DATES[2]),
            School(urn=300205, la_code="888", name="Proposed, dated", status=Status.PROPOSED_TO_OPEN,
                   open_date=DATES[3]),
        ]
    )  # fmt: skip
    for day, row in zip(DATES, selectors.uptake_series(dates=DATES), strict=True):
        open_schools = School.objects.open_on(day)
        assert row["open_schools"] == open_schools.count(), day
        for measure in ("wrap", "pve", "any"):
            trained = open_schools.filter(**{f"first_training__first_{measure}__lte": day}).count()
            assert row[f"{measure}_schools"] == trained, (day, measure)


def test_series_is_one_query_with_the_figures_of_each_date(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    _seed()
    with django_assert_num_queries(1):
        series = selectors.uptake_series(dates=DATES, phase=Phase.PRIMARY)
    assert series == [selectors.uptake_as_at(on=day, phase=Phase.PRIMARY) for day in DATES]
    assert [row["wrap_schools"] for row in selectors.uptake_series(dates=DATES)] == [4, 3, 10, 10]
    by_phase = {row["phase"]: row for row in selectors.uptake_by_phase(on=DATES[2])}
    assert set(by_phase) == {Phase.PRIMARY, Phase.SECONDARY}
    assert (by_phase[Phase.SECONDARY]["open_schools"], by_phase[Phase.SECONDARY]["wrap_pct"]) == (5, 40)


def test_series_and_phases_in_one_query_equal_the_series_and_the_phases(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    _seed()
    School.objects.filter(name="Later").update(phase="")  # a school of no listed phase counts in the series
    for phase, ward in [(None, None), (Phase.PRIMARY, None), (None, ""), (Phase.SECONDARY, "Ward X")]:
        with django_assert_num_queries(1):
            series, by_phase = selectors.uptake_series_and_by_phase(dates=DATES, phase=phase, ward=ward)
        assert series == selectors.uptake_series(dates=DATES, phase=phase, ward=ward)
        if phase is None:
            assert by_phase == selectors.uptake_by_phase(on=DATES[-1], ward=ward)


@postgresql_only
def test_uptake_plans_have_no_subquery_per_school() -> None:
    _seed()
    analyze("schools_school", "training_attendance", "training_session", "training_course")
    smallest_work_mem()
    with CaptureQueriesContext(connection) as captured:
        selectors.uptake_as_at(on=DATES[2], ward="")
        selectors.uptake_series(dates=DATES)
        selectors.uptake_by_phase(on=DATES[2])
    assert len(captured.captured_queries) == 3
    for query in captured.captured_queries:
        plan = plan_of(query["sql"])
        assert subplans(plan) == [], json.dumps(plan, indent=1)


@postgresql_only
def test_the_dashboards_series_and_phases_plan_has_no_subquery_per_school() -> None:
    _seed()
    analyze("schools_school", "training_attendance", "training_session", "training_course")
    smallest_work_mem()
    for ward in (None, ""):
        with CaptureQueriesContext(connection) as captured:
            selectors.uptake_series_and_by_phase(dates=DATES, ward=ward)
        plans = [plan_of(query["sql"]) for query in captured.captured_queries]
        assert [subplans(plan) for plan in plans] == [[]], json.dumps(plans, indent=1)
