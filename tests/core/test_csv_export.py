"""The export idiom's cells: a choice's label read from its value is the label the model's display method gives,
and dates are ISO 8601, so an export read as values holds what the pages show."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core.csv_export import choice_label, csv_cell, iso
from referrals.models import Referral, Status

# Dates here are fixed periods, never today; the clock is frozen all the same.
pytestmark = pytest.mark.usefixtures("frozen_today")


@pytest.mark.parametrize("value", [*Status.values, "not-a-status", None, ""])
def test_choice_label_is_what_the_display_method_gives(value):
    assert choice_label(Referral, "status")(value) == Referral(status=value).get_status_display()


def test_iso_writes_dates_and_blank_for_none():
    assert iso(date(2026, 11, 23)) == "2026-11-23"
    assert iso(datetime(2026, 11, 23, 9, 30, tzinfo=UTC)) == "2026-11-23T09:30:00+00:00"
    assert iso(None) == "" and csv_cell(None) == ""
