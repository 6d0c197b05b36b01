"""The export idiom's cells: a choice's label read from its value is the label the model's display method gives,
and dates are ISO 8601, so an export read as values holds what the pages show."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy

from core.csv_export import choice_label, csv_cell, csv_column_cells, iso
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


COLUMNS = {
    "counts": [0, 3, None, 12],
    "signed numbers": [4, -2, None],
    "decimals and floats": [Decimal("1.5"), Decimal("-0.5"), 2.25, float("nan")],
    "dates": [date(2026, 1, 5), None, datetime(2026, 1, 5, 9, 0, tzinfo=UTC)],
    "booleans": [True, False, None],
    "text": ["Beacon Academy", "=HYPERLINK(1)", "+44 1632", "-", "@sum", "\tx", "", None],
    "lazy labels": [gettext_lazy("Staff"), "plain"],
    "mixed": [1, "=1", date(2026, 1, 1), None],
}


@pytest.mark.parametrize("values", COLUMNS.values(), ids=COLUMNS.keys())
def test_a_column_written_at_once_is_what_csv_cell_on_each_cell_writes(values):
    """export_list neutralises formulas column by column (csv_column_cells); the file is the one csv_cell on
    every cell would give, a negative number's sign included."""

    def written(cells):
        out = io.StringIO()
        csv.writer(out).writerows([cell] for cell in cells)
        return out.getvalue()

    assert written(csv_column_cells(values)) == written([csv_cell(v) for v in values])
