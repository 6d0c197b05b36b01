from __future__ import annotations

import pytest

from tests.support.clock import from_today
from tests.training.factories import AttendanceFactory


@pytest.fixture
def three_sessions() -> None:
    """Three sessions in the last month, one school each: a list longer than a test's EXPORT_INLINE_ROWS of 2."""
    for days_ago, venue in ((30, "Civic centre"), (20, "Library"), (10, "Town hall")):
        AttendanceFactory(session__venue=venue, session__held_on=from_today(-days_ago))
