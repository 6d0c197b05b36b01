"""Two first saves of a school's Prevent duty checklist at the same moment (the DSL and the adviser, say): the
first is saved, the second waits for it and is then refused as a stale edit with its answers still on screen,
or, from a caller without the form's stamp, saved over the first; never a 500."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from accounts.roles import Role
from conftest import signed_in_client
from core.locking import STALE_MESSAGE
from schools.models import ChecklistConfirmation, ChecklistItem
from schools.services.schools import ChecklistAnswer, checklist_confirm
from tests.support.concurrency import collide

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="two threads writing at once need PostgreSQL"),
]


def _form(*, in_place: str, version: int) -> dict[str, str]:
    data = {"version": str(version)}  # the school's version when the (never saved) checklist was opened
    for item in ChecklistItem.values:
        data[f"{item}__in_place"] = in_place
        data[f"{item}__note"] = ""
        data[f"{item}__confirm"] = "on"
    return data


def test_two_first_saves_at_once_save_the_first_and_refuse_the_second_as_stale(dsl, make_user, school):
    adviser = make_user(Role.ADVISER, full_name="Ada Viser")
    url = reverse("schools:checklist", args=[school.urn])
    dsl_client, adviser_client = signed_in_client(dsl), signed_in_client(adviser)

    first, second = collide(
        lambda: dsl_client.post(url, _form(in_place="yes", version=school.version)),
        lambda: adviser_client.post(url, _form(in_place="no", version=school.version)),
    )

    assert first.error is None and second.error is None, (first.error, second.error)
    assert first.result.status_code == 302
    assert second.result.status_code == 200
    assert STALE_MESSAGE in second.result.content.decode()
    rows = ChecklistConfirmation.objects.filter(school=school)
    assert rows.count() == len(ChecklistItem.values)
    assert all(row.in_place and row.confirmed_by == dsl for row in rows)


def test_two_first_saves_at_once_without_a_stamp_both_succeed_and_the_last_one_stands(dsl, make_user, school):
    adviser = make_user(Role.ADVISER, full_name="Ada Viser")

    def save(actor, in_place: bool):
        answers = [ChecklistAnswer(item=item, in_place=in_place, confirm=True) for item in ChecklistItem.values]
        return checklist_confirm(school=school, answers=answers, actor=actor)

    first, second = collide(lambda: save(dsl, True), lambda: save(adviser, False))

    assert first.error is None and second.error is None, (first.error, second.error)
    rows = ChecklistConfirmation.objects.filter(school=school)
    assert rows.count() == len(ChecklistItem.values)
    assert all(not row.in_place and row.confirmed_by == adviser for row in rows)
