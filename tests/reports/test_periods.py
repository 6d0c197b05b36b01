"""The council's reporting periods: financial quarters and years by default, calendar ones by setting."""

from __future__ import annotations

from datetime import date

from reports.periods import is_aligned_schedule, reporting_period_for, reporting_periods_ended


def test_financial_quarters_and_years_are_reporting_periods_and_nothing_else():
    assert reporting_period_for(date(2026, 4, 1), date(2026, 6, 30)).kind == "quarter"
    assert reporting_period_for(date(2026, 1, 1), date(2026, 3, 31)).kind == "quarter"
    assert reporting_period_for(date(2026, 4, 1), date(2027, 3, 31)).kind == "year"
    for start, end in (
        (date(2026, 4, 1), date(2026, 9, 30)),
        (date(2026, 1, 1), date(2026, 12, 31)),
        (date(2026, 5, 1), date(2026, 7, 31)),
        (date(2026, 4, 2), date(2026, 6, 30)),
    ):
        assert reporting_period_for(start, end) is None


def test_calendar_quarters_by_setting(settings):
    settings.REPORTING_PERIODS = "calendar-quarters"
    assert reporting_period_for(date(2026, 1, 1), date(2026, 12, 31)).kind == "year"
    assert reporting_period_for(date(2026, 4, 1), date(2027, 3, 31)) is None


def test_the_periods_offered_have_ended_latest_first():
    periods = reporting_periods_ended(by=date(2026, 11, 23))
    assert (periods[0].start, periods[0].end) == (date(2026, 7, 1), date(2026, 9, 30))
    assert periods[0].label.startswith("Quarter 2 of 2026/27")
    assert all(p.end < date(2026, 11, 23) for p in periods)
    year = next(p for p in periods if p.kind == "year")
    assert (year.start, year.end) == (date(2025, 4, 1), date(2026, 3, 31))
    assert year.label.startswith("Financial year 2025/26")


def test_schedules_align_with_the_periods():
    assert is_aligned_schedule(months=3, run_on=date(2027, 1, 1))
    assert is_aligned_schedule(months=12, run_on=date(2027, 4, 1))
    assert not is_aligned_schedule(months=12, run_on=date(2027, 1, 1))
    assert not is_aligned_schedule(months=1, run_on=date(2027, 1, 1))
    assert not is_aligned_schedule(months=3, run_on=date(2027, 2, 1))
