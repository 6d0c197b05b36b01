"""The people figures (referrals and cases) are protected as one system across the referrals and panels
sections, so a figure withheld in one section is never printed in the other."""

from __future__ import annotations

import pytest

from reports.disclosure import MARK, is_small, recoverable
from reports.sections import panels, referrals
from reports.sections.base import ReportContext, Table
from reports.sections.people import people_figures

from .data import PERIOD, make_cases, make_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(db):
    make_dataset()
    make_cases()
    return ReportContext(start=PERIOD[0], end=PERIOD[1], general_release=True)


def test_every_small_count_is_withheld_and_none_can_be_worked_out(ctx):
    f = people_figures(ctx)
    assert f.values[("case", "adopted")] == 4 and f.values[("case", "withdrew")] == 1
    for key, value in f.values.items():
        if is_small(value):
            assert key in f.withheld, key
    assert not recoverable(f.values, f.constraints, f.withheld)


def test_the_two_sections_print_the_same_cells_the_same_way(ctx):
    shown: dict[str, set[str]] = {}
    for module in (referrals, panels):
        for block in module.build(ctx).blocks:
            if isinstance(block, Table):
                for row in block.rows:
                    shown.setdefault(row[0], set()).add(row[1])
    for label in ("Withdrew", "Adopted as a case", "Supported", "Left with concerns reduced"):
        assert shown[label] == {MARK}, label


def test_official_sensitive_shows_exact_counts(db):
    make_dataset()
    make_cases()
    f = people_figures(ReportContext(start=PERIOD[0], end=PERIOD[1], general_release=False))
    assert not f.withheld
    section = referrals.build(ReportContext(start=PERIOD[0], end=PERIOD[1], general_release=False))
    journey = next(b for b in section.blocks if isinstance(b, Table))
    assert ["Withdrew", "1", "4%"] in journey.rows
    assert ["Adopted as a case", "4", "17%"] in journey.rows
