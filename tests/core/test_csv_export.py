"""The export idiom's cells: a choice's label read from its value is the label the model's display method gives,
and dates are ISO 8601, so an export read as values holds what the pages show."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy

from core.csv_export import (
    _FORMULA_AFTER_BREAK,
    FORMULA_STARTS,
    choice_label,
    csv_cell,
    csv_column_text,
    csv_lines,
    iso,
)
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
    "counts": [0, 3, None, 12, 3, 3],
    "signed numbers": [4, -2, None, -2],
    "decimals and floats": [Decimal("1.5"), Decimal("-0.5"), 2.25, float("nan"), Decimal("1.50"), -0.0, 0.0],
    "dates": [date(2026, 1, 5), None, datetime(2026, 1, 5, 9, 0, tzinfo=UTC), date(2026, 1, 5)],
    "repeated dates": [date(2026, 1, 5), date(2026, 1, 5), None, date(2026, 1, 6)],
    "booleans": [True, False, None, 1, 0],
    "text": ["Beacon Academy", "=HYPERLINK(1)", "+44 1632", "-", "@sum", "\tx", "\rx", "", None],
    "quoting": ["Hall, Room 2", 'the "Beacon"', "two\nlines", "cr\rinside", "=1,2", '"', ",", "plain"],
    "a break before a formula sign inside a cell": ["line\n=not a formula", "plain"],
    "repeated text": ["WRAP", "WRAP", "Town Hall, Room 2", "Town Hall, Room 2", "-", "-"],
    "lazy labels": [gettext_lazy("Staff"), "plain"],
    "mixed": [1, "=1", date(2026, 1, 1), None, True],
}


def written_by_csv_writer(columns):
    """What csv.writer writes for the rows after csv_cell on every cell: the output csv_lines must match."""
    out = io.StringIO()
    csv.writer(out).writerows([csv_cell(value) for value in row] for row in zip(*columns, strict=True))
    return out.getvalue()


@pytest.mark.parametrize("values", COLUMNS.values(), ids=COLUMNS.keys())
def test_a_column_written_at_once_is_what_csv_writer_writes_after_csv_cell(values):
    """export_list writes a chunk of rows column by column (csv_lines): the bytes are those csv.writer writes
    after csv_cell on every cell, a negative number's sign, quoting and a row of one empty cell included."""
    plain = ["x"] * len(values)
    assert csv_lines([values, plain]) == written_by_csv_writer([values, plain])
    assert csv_lines([plain, values, plain]) == written_by_csv_writer([plain, values, plain])
    assert csv_lines([values]) == written_by_csv_writer([values])


def test_random_rows_are_written_as_csv_writer_writes_them():
    """Rows drawn from every awkward value above, repeated (where cells are read once per distinct value) and
    alone (where they are not), in many column orders: the same bytes as csv.writer."""
    rng = random.Random(2015)
    pool = [value for values in COLUMNS.values() for value in values]
    for _ in range(300):
        width = rng.randint(1, 5)
        length = rng.randint(1, 12)
        columns = [[rng.choice(pool[: rng.randint(1, len(pool))]) for _ in range(length)] for _ in range(width)]
        assert csv_lines(columns) == written_by_csv_writer(columns), columns


def test_the_column_check_looks_for_every_start_csv_cell_neutralises():
    """csv_column_text finds formulas with a pattern of its own: it knows every start csv_cell neutralises."""
    assert {c for c in map(chr, range(128)) if _FORMULA_AFTER_BREAK.search(f"\n{c}")} == set(FORMULA_STARTS)
    for start in FORMULA_STARTS:
        cell = csv_column_text(["safe", f"{start}1"])[1]
        assert cell.removeprefix('"').startswith(f"'{start}"), cell
