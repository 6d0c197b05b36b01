"""The one optimistic-locking idiom (core/locking.py), on a real model with a version: of two saves from the same
starting version the second is refused and the first survives."""

from __future__ import annotations

import pytest
from django.db import connection

from core.locking import StaleEdit, version_claim, versioned_update
from schools.models import School
from tests.schools.factories import SchoolFactory
from tests.support.concurrency import at_once

pytestmark = pytest.mark.django_db


def test_a_save_from_the_current_version_raises_it_by_one():
    school = SchoolFactory(notes="")
    school.notes = "First"
    saved = versioned_update(instance=school, expected_version=school.version, fields=["notes"])
    assert saved.version == 2
    assert School.objects.get(pk=school.pk).notes == "First"


def test_the_second_of_two_saves_from_one_version_is_refused_and_the_first_kept():
    school = SchoolFactory(notes="")
    mine, theirs = School.objects.get(pk=school.pk), School.objects.get(pk=school.pk)
    theirs.notes = "Theirs"
    versioned_update(instance=theirs, expected_version=1, fields=["notes"])
    mine.notes = "Mine"
    with pytest.raises(StaleEdit) as refused:
        versioned_update(instance=mine, expected_version=1, fields=["notes"])
    assert refused.value.current.notes == "Theirs" and refused.value.current.version == 2
    assert School.objects.get(pk=school.pk).notes == "Theirs"


def test_a_claim_without_changes_still_refuses_a_stale_version():
    school = SchoolFactory()
    version_claim(instance=school, expected_version=1)
    with pytest.raises(StaleEdit):
        version_claim(instance=School.objects.get(pk=school.pk), expected_version=1)


def test_a_save_with_no_version_held_still_raises_it():
    school = SchoolFactory(notes="")
    school.notes = "From a command"
    versioned_update(instance=school, expected_version=None, fields=["notes"])
    assert School.objects.get(pk=school.pk).version == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers at once need PostgreSQL's row locks")
def test_two_threads_saving_from_one_version_never_both_succeed():
    school = SchoolFactory(notes="")
    silent_overwrites = 0
    for n in range(30):
        start = School.objects.get(pk=school.pk).version

        def save(text: str, start: int = start) -> str:
            row = School.objects.get(pk=school.pk)
            row.notes = text
            versioned_update(instance=row, expected_version=start, fields=["notes"])
            return text

        a, b = f"{n}-a", f"{n}-b"
        outcomes = at_once(lambda a=a: save(a), lambda b=b: save(b))
        saved = [o for o in outcomes if isinstance(o, str)]
        refused = [o for o in outcomes if isinstance(o, StaleEdit)]
        if len(saved) != 1 or len(refused) != 1 or School.objects.get(pk=school.pk).notes != saved[0]:
            silent_overwrites += 1
    assert silent_overwrites == 0
