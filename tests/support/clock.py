"""One fixed day for the tests that need a calendar, and the one way to freeze the clock on it.

A test about "recent", "due" or "overdue" states its dates relative to today (`timezone.localdate()`, or TODAY
while frozen), never as a calendar date that is recent only in the month it was written. A test about a fixed
calendar (a financial quarter, a year, a date typed into a form) freezes the clock with `frozen()` or the
`frozen_today` fixture (root conftest.py), so its dates keep their relation to today however late the suite
runs. The whole clock is frozen (time-machine), not `timezone.localdate` patched, so model defaults, factories
and the app agree on the day.

Browser tests (a live server thread and Chromium) and the real Celery worker (a subprocess) are not frozen:
sign-in codes and sessions need a moving clock, and a subprocess keeps the real one. They use relative dates.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

LONDON = ZoneInfo("Europe/London")
# A Monday in the autumn term, in the third quarter of the 2026/27 financial year.
TODAY = date(2026, 11, 23)


@contextmanager
def frozen(day: date = TODAY) -> Iterator[date]:
    """The clock stands still at noon (London) on `day`; noon so that no time zone moves the date."""
    with time_machine.travel(datetime.combine(day, time(12), tzinfo=LONDON), tick=False):
        yield day


def from_today(days: int) -> date:
    """The day `days` after today (before it when negative), read from the clock at the call: a factory default
    that is recent on whatever day the suite runs, and the same day as written when the clock is frozen."""
    return timezone.localdate() + timedelta(days=days)
