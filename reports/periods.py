"""The council's fixed reporting periods: the only periods a General Release report may cover.

Figures published for overlapping, arbitrary periods can be subtracted from each other (the report to day X minus
the report to day X-1 is one referral). Fixed periods nest instead: a year is its four quarters, and the register
of releases (reports/register.py) checks the year against its quarters. `REPORTING_PERIODS` chooses the calendar:
"financial-quarters" (quarters from 1 April and financial years, the default) or "calendar-quarters" (quarters from
1 January and calendar years). OFFICIAL-SENSITIVE reports may cover any dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings

CALENDARS = {"financial-quarters": 4, "calendar-quarters": 1}  # the month each year starts in


@dataclass(frozen=True, order=True)
class ReportingPeriod:
    start: date
    end: date
    kind: str  # "quarter" or "year"

    @property
    def value(self) -> str:
        """The form's value for the period."""
        return f"{self.start.isoformat()}:{self.end.isoformat()}"

    @property
    def label(self) -> str:
        first = _year_start_month()
        if self.kind == "year":
            if first == 1:
                return f"Year {self.start.year} (1 January to 31 December {self.start.year})"
            return f"Financial year {self.start.year}/{str(self.end.year)[-2:]} ({self.start:%-d %B %Y} to {self.end:%-d %B %Y})"
        number = ((self.start.month - first) % 12) // 3 + 1
        year = self.start.year if self.start.month >= first else self.start.year - 1
        name = f"{year}" if first == 1 else f"{year}/{str(year + 1)[-2:]}"
        return f"Quarter {number} of {name} ({self.start:%-d %B %Y} to {self.end:%-d %B %Y})"


def _year_start_month() -> int:
    calendar = str(getattr(settings, "REPORTING_PERIODS", "financial-quarters"))
    if calendar not in CALENDARS:
        raise ValueError(f"REPORTING_PERIODS must be one of {sorted(CALENDARS)}, not {calendar!r}")
    return CALENDARS[calendar]


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


def _period(start: date, months: int) -> ReportingPeriod:
    return ReportingPeriod(start, _add_months(start, months) - timedelta(days=1), "year" if months == 12 else "quarter")


def reporting_period_for(start: date, end: date) -> ReportingPeriod | None:
    """The reporting period from `start` to `end`, or None when those dates are not one."""
    if start.day != 1:
        return None
    first = _year_start_month()
    for months in (3, 12):
        if (start.month - first) % months == 0 and _period(start, months).end == end:
            return _period(start, months)
    return None


def reporting_periods_ended(*, by: date, years: int = 3) -> list[ReportingPeriod]:
    """The reporting periods that ended before `by` over the last `years` years, latest first (a year before its
    last quarter)."""
    first = _year_start_month()
    year_start = date(by.year if by.month >= first else by.year - 1, first, 1)
    periods: list[ReportingPeriod] = []
    for y in range(years + 1):
        start = _add_months(year_start, -12 * y)
        periods.append(_period(start, 12))
        periods.extend(_period(_add_months(start, 3 * q), 3) for q in range(4))
    ended = [p for p in periods if p.end < by]
    return sorted(ended, key=lambda p: (p.end, p.kind == "year"), reverse=True)


def is_aligned_schedule(*, months: int, run_on: date) -> bool:
    """Whether a schedule run on `run_on` every `months` months makes reports for reporting periods."""
    start = _add_months(run_on.replace(day=1), -months)
    return run_on.day == 1 and reporting_period_for(start, run_on - timedelta(days=1)) is not None
