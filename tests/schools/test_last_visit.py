"""`School.last_visit_on`, the column the school list shows and sorts by: kept by the visit services in the same
transaction, and rebuilt in one UPDATE after a bulk load."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command

from core.locking import StaleEdit
from schools.models import School, Visit, VisitKind, VisitPurpose
from schools.services.visits import school_last_visits_rebuild, visit_log, visit_update
from tests.schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def _log(school: School, adviser, day: date) -> Visit:
    return visit_log(
        school=school, adviser=adviser, visited_on=day, kind=VisitKind.VISIT, offer_level="universal",
        purpose=VisitPurpose.CHECK_IN, actor=adviser,
    )  # fmt: skip


def _last(school: School) -> date | None:
    return School.objects.get(pk=school.pk).last_visit_on


def test_logging_a_visit_sets_the_schools_last_visit_to_the_latest(adviser, school):
    assert _last(school) is None
    _log(school, adviser, date(2026, 3, 1))
    assert _last(school) == date(2026, 3, 1)
    _log(school, adviser, date(2025, 12, 1))  # an older visit logged late changes nothing
    assert _last(school) == date(2026, 3, 1)
    _log(school, adviser, date(2026, 5, 2))
    assert _last(school) == date(2026, 5, 2)


def test_correcting_a_visits_date_moves_the_last_visit_both_ways(adviser, school, other_school):
    older = _log(school, adviser, date(2026, 1, 10))
    latest = _log(school, adviser, date(2026, 4, 10))
    _log(other_school, adviser, date(2026, 6, 1))
    visit_update(visit=latest, actor=adviser, version=latest.version, visited_on=date(2025, 11, 1))
    assert _last(school) == date(2026, 1, 10)
    visit_update(visit=older, actor=adviser, version=older.version, visited_on=date(2026, 7, 1))
    assert _last(school) == date(2026, 7, 1)
    assert _last(other_school) == date(2026, 6, 1)


def test_a_refused_edit_leaves_the_last_visit_as_it_was(adviser, school):
    visit = _log(school, adviser, date(2026, 4, 10))
    with pytest.raises(StaleEdit):
        visit_update(visit=visit, actor=adviser, version=visit.version + 5, visited_on=date(2026, 9, 1))
    assert _last(school) == date(2026, 4, 10)


def test_rebuild_recomputes_every_school_from_its_visits(adviser, school, other_school):
    never = SchoolFactory()
    Visit.objects.bulk_create(
        [
            Visit(school=school, adviser=adviser, visited_on=date(2026, 2, 1)),
            Visit(school=school, adviser=adviser, visited_on=date(2026, 8, 1)),
            Visit(school=other_school, adviser=adviser, visited_on=date(2025, 1, 1)),
        ]
    )
    School.objects.filter(pk=never.pk).update(last_visit_on=date(2020, 1, 1))  # wrong: no visit at all
    assert school_last_visits_rebuild() == 2
    assert (_last(school), _last(other_school), _last(never)) == (date(2026, 8, 1), date(2025, 1, 1), None)


def test_the_rebuild_command_repairs_the_column(adviser, school):
    Visit.objects.bulk_create([Visit(school=school, adviser=adviser, visited_on=date(2026, 2, 1))])
    out = io.StringIO()
    call_command("rebuild_last_visits", stdout=out)
    assert _last(school) == date(2026, 2, 1) and "1 have a visit" in out.getvalue()
