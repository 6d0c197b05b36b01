"""Disclosure control: no count of 1-4 people is published in General Release, and none can be worked out."""

from __future__ import annotations

import random
from datetime import date

import pytest

from reports.disclosure import (
    MARK,
    CountTable,
    Published,
    attack,
    attribute_exposed,
    determined,
    is_small,
    pinned_by_bounds,
    primary,
    protect_release,
    recoverable,
    show_banded_count,
    show_percent,
    suppress,
    suppress_with_attributes,
)

# Dates here are fixed periods, never today; the clock is frozen all the same.
pytestmark = pytest.mark.usefixtures("frozen_today")


def _check(table: CountTable) -> None:
    values = table.values()
    for key, value in values.items():
        if is_small(value):
            assert key in table.withheld, f"{key}={value} published"
    assert not recoverable(values, table.constraints(), table.withheld)


@pytest.mark.parametrize("value,small", [(0, False), (1, True), (4, True), (5, False), (123, False)])
def test_only_counts_from_one_to_four_are_small(value, small):
    assert is_small(value) is small


def test_nothing_is_withheld_when_no_count_is_small():
    assert suppress({"a": 5, "b": 0, "t": 5}, [("t", ["a", "b"])]) == set()


def test_a_lone_small_cell_in_a_column_takes_the_next_smallest_with_it():
    table = CountTable(row_labels=["A", "B", "C"], col_labels=["n"], cells=[[3], [7], [20]]).protect()
    assert (0, 0) in table.withheld
    assert (1, 0) in table.withheld  # 7, the next smallest, so 3 cannot be worked out from the total
    assert (2, 0) not in table.withheld
    assert table.show(table.TOTAL, 0) == "30"
    _check(table)


def test_a_small_total_is_withheld_too():
    table = CountTable(row_labels=["A", "B"], col_labels=["n"], cells=[[1], [2]]).protect()
    assert table.show(table.TOTAL, 0) == MARK
    _check(table)


def test_zeros_stay_published_when_a_non_zero_partner_exists():
    table = CountTable(row_labels=["A", "B", "C"], col_labels=["n"], cells=[[2], [0], [9]]).protect()
    assert (1, 0) not in table.withheld
    _check(table)


def test_a_small_cell_whose_only_partners_are_zero_takes_the_total_with_it():
    table = CountTable(row_labels=["A", "B"], col_labels=["n"], cells=[[3], [0]]).protect()
    assert (0, 0) in table.withheld and (table.TOTAL, 0) in table.withheld
    _check(table)


def test_two_way_table_with_margins_is_protected_in_rows_and_columns():
    table = CountTable(
        row_labels=["Education", "Police", "Health"],
        col_labels=["Female", "Male"],
        cells=[[12, 3], [8, 15], [9, 11]],
        row_totals=True,
        col_totals=True,
    ).protect()
    assert (0, 1) in table.withheld
    # The row and the column of the small cell each have another withheld cell.
    assert any((0, c) in table.withheld for c in (0, "total"))
    assert any((r, 1) in table.withheld for r in (1, 2, "total"))
    _check(table)


def test_the_exact_check_catches_a_cell_pinned_by_several_totals_together():
    # a + b = 10, a + c = 7, b + c = 9 -> every one of a, b, c is determined although each line has two unknowns.
    values = {"a": 4, "b": 6, "c": 3, "r1": 10, "r2": 7, "r3": 9}
    constraints = [("r1", ["a", "b"]), ("r2", ["a", "c"]), ("r3", ["b", "c"])]
    assert determined(values, constraints, {"a", "b", "c"}) == {"a", "b", "c"}
    withheld = suppress(values, constraints)
    assert not recoverable(values, constraints, withheld)


def test_bounds_give_away_two_ones_that_add_up_to_two():
    values = {"a": 1, "b": 1, "c": 9, "t": 11}
    constraints = [("t", ["a", "b", "c"])]
    assert pinned_by_bounds(values, constraints, {"a", "b"}, primary(values)) == {"a", "b"}
    withheld = suppress(values, constraints)
    assert "c" in withheld or "t" in withheld
    assert not recoverable(values, constraints, withheld)


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_never_publish_or_expose_a_small_count(seed):
    rng = random.Random(seed)
    rows, cols = rng.randint(1, 6), rng.randint(1, 5)
    cells = [[rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 14, 30]) for _ in range(cols)] for _ in range(rows)]
    table = CountTable(
        row_labels=[str(r) for r in range(rows)],
        col_labels=[str(c) for c in range(cols)],
        cells=cells,
        row_totals=cols > 1,
        col_totals=True,
    ).protect()
    _check(table)


def test_percentages_of_withheld_counts_or_totals_are_withheld():
    assert show_percent(3, 40, withheld=True) == MARK
    assert show_percent(10, 40) == "25%"
    assert show_percent(0, 0) == "–"


# ---- attribute disclosure and the check across releases (scipy's milp) ----------------------------------------


def test_a_small_group_all_in_one_category_takes_a_zero_with_it():
    # Three people, all police: "*, 0, 0, 0" with total "*" would say every one of them was referred by the police.
    values = {"police": 3, "education": 0, "health": 0, "other": 0, "total": 3}
    relations = [("total", ["police", "education", "health", "other"])]
    assert attribute_exposed(values, relations, {"police", "total"}) == {"total"}
    withheld = suppress_with_attributes(values, relations)
    assert {"police", "total"} <= withheld and len(withheld & {"education", "health", "other"}) >= 1
    assert not attribute_exposed(values, relations, withheld)


def test_a_large_published_group_in_one_category_is_left_alone():
    values = {"police": 30, "education": 0, "total": 30}
    assert suppress_with_attributes(values, [("total", ["police", "education"])]) == set()


def _one_way(ident, start, end, counts, revision_of=None):
    values = dict(counts)
    values["total"] = sum(counts.values())
    return Published(
        ident, start, end, values, set(), [("total", list(counts))], stable=set(values), revision_of=revision_of
    )


def test_the_year_against_its_quarters_is_protected_and_the_attack_finds_nothing():
    quarters = [
        (date(2025, 4, 1), date(2025, 6, 30), {"a": 9, "b": 3, "c": 0, "d": 6}),
        (date(2025, 7, 1), date(2025, 9, 30), {"a": 7, "b": 0, "c": 2, "d": 8}),
        (date(2025, 10, 1), date(2025, 12, 31), {"a": 3, "b": 0, "c": 0, "d": 0}),
        (date(2026, 1, 1), date(2026, 3, 31), {"a": 11, "b": 1, "c": 6, "d": 5}),
    ]
    released = []
    for n, (start, end, counts) in enumerate(quarters):
        new = _one_way(f"q{n}", start, end, counts)
        _withheld, left = protect_release(new, released)
        assert left == []
        released.append(new)
    year = _one_way("y", date(2025, 4, 1), date(2026, 3, 31), {k: sum(q[2][k] for q in quarters) for k in "abcd"})
    _withheld, left = protect_release(year, released)
    assert left == [] and attack([*released, year]) == []
    # Without the year's extra suppression, the third quarter's 3 comes back by subtraction.
    year.withheld = set()
    assert any(f.release == "q2" for f in attack([*released, year]))


def test_a_revision_hides_a_small_difference_from_the_original():
    start, end = date(2025, 4, 1), date(2025, 6, 30)
    original = _one_way("o", start, end, {"a": 12, "b": 9, "c": 7})
    protect_release(original, [])
    assert original.withheld == set()
    revision = _one_way("r", start, end, {"a": 14, "b": 9, "c": 7}, revision_of="o")  # two late referrals
    withheld, left = protect_release(revision, [original])
    assert left == [] and {"a", "total"} & withheld
    assert attack([original, revision]) == []


YEAR = (date(2025, 4, 1), date(2026, 3, 31))
THIRD_QUARTER = (date(2025, 10, 1), date(2025, 12, 31))


def test_a_zero_the_year_already_prints_for_everyone_is_no_attribute_disclosure_of_a_quarter():
    # The year prints "police 12, the rest 0" of 12 people; a quarter whose 3 people are all police tells nobody
    # anything new about them, and withholding its 0s would hide nothing (the year bounds them to 0).
    year = _one_way("y", *YEAR, {"police": 12, "education": 0, "health": 0})
    protect_release(year, [])
    assert year.withheld == set()
    quarter = _one_way("q", *THIRD_QUARTER, {"police": 3, "education": 0, "health": 0})
    withheld, left = protect_release(quarter, [year])
    assert left == [] and withheld == {"police", "total"}  # the small counts only: no zero withheld needlessly
    assert [f for f in attack([year, quarter]) if f.kind == "attribute"] == []


def test_a_zero_not_printed_for_a_larger_population_still_protects_a_small_group():
    # The year has education referrals, so the quarter's education 0 is new: with it printed, all 3 of the
    # quarter are seen to be police. The 0 the year prints for health is not the one to withhold (it hides nothing).
    year = _one_way("y", *YEAR, {"police": 12, "education": 6, "health": 0})
    protect_release(year, [])
    quarter = _one_way("q", *THIRD_QUARTER, {"police": 3, "education": 0, "health": 0})
    quarter.withheld = {"police", "total"}
    findings = attack([year, quarter])
    assert [(f.kind, f.release, f.key) for f in findings] == [("attribute", "q", "total")]
    assert ("q", "education") in findings[0].variables and ("q", "health") not in findings[0].variables
    withheld, left = protect_release(quarter, [year])
    assert left == [] and "education" in withheld and "health" not in withheld
    assert attack([year, quarter]) == []


def test_a_larger_population_must_be_printed_and_five_or_more_to_count():
    # A year of 4 (withheld) says nothing publicly about its people, so it excuses nothing in its quarter.
    year = _one_way("y", *YEAR, {"police": 4, "education": 0, "health": 0})
    year.withheld = {"police", "total", "education"}
    quarter = _one_way("q", *THIRD_QUARTER, {"police": 3, "education": 0, "health": 0})
    quarter.withheld = {"police", "total"}
    assert any(f.kind == "attribute" and f.release == "q" for f in attack([year, quarter]))


def test_the_fast_rule_takes_a_zero_not_already_known_and_none_when_all_are_known():
    values = {"police": 3, "education": 0, "health": 0, "total": 3}
    relations = [("total", ["police", "education", "health"])]
    assert attribute_exposed(values, relations, {"police", "total"}, known_zero={"education", "health"}) == set()
    assert suppress_with_attributes(values, relations, known_zero={"education", "health"}) == {"police", "total"}
    assert suppress_with_attributes(values, relations, known_zero={"health"}) == {"police", "total", "education"}


@pytest.mark.parametrize(
    "value,shown", [(0, "none"), (1, "fewer than 5"), (4, "fewer than 5"), (5, "5"), (1234, "1,234")]
)
def test_a_count_outside_a_report_is_banded(value, shown):
    assert show_banded_count(value) == shown
