"""At most one open-ended membership per user, role and scope: the service answers a duplicate with a form
error, the database refuses one that two people give at the same moment, and the migration that brought the
constraint ended earlier duplicates without deleting any."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import DUPLICATE_ROLE_MESSAGE, Membership
from accounts.roles import Role
from accounts.services import membership_assign
from conftest import signed_in_client
from core.idempotency import form_token_mint
from core.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.schools.factories import SchoolFactory
from tests.support.concurrency import collide

BEFORE = ("accounts", "0002_user_session")
AFTER = ("accounts", "0003_membership_one_open_per_user_role_scope")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two threads writing at once need PostgreSQL")
def test_two_coordinators_giving_the_same_role_at_once_make_one_membership_and_a_form_error(
    coordinator, make_user, school
):
    person = UserFactory(full_name="New Lead")
    url = f"/accounts/users/{person.pk}/roles/add/"
    data = {"role": Role.DSL, "school": str(school.urn)}
    first_client = signed_in_client(coordinator)
    second_client = signed_in_client(make_user(Role.COORDINATOR, full_name="Second Coordinator"))

    first, second = collide(
        lambda: first_client.post(url, {**data, "form_token": form_token_mint()}),
        lambda: second_client.post(url, {**data, "form_token": form_token_mint()}),
    )

    assert first.error is None and second.error is None, (first.error, second.error)
    assert first.result.status_code == 302
    assert second.result.status_code == 200
    page = second.result.content.decode()
    assert "govuk-error-summary" in page and DUPLICATE_ROLE_MESSAGE in page
    assert Membership.objects.filter(user=person, role=Role.DSL, school=school).count() == 1
    assert AuditEvent.objects.filter(action="accounts.role_assigned", object_id=str(person.pk)).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_membership_for_the_same_user_role_and_scope(school, other_school):
    person = UserFactory()
    Membership.objects.create(user=person, role=Role.DSL, school=school)
    Membership.objects.create(user=person, role=Role.DSL, school=other_school)  # another scope
    Membership.objects.create(user=person, role=Role.SCRUTINY)
    Membership.objects.create(user=person, role=Role.SCRUTINY, ended_on=date(2099, 1, 1))  # not open-ended
    for duplicate in [{"role": Role.DSL, "school": school}, {"role": Role.SCRUTINY}]:  # with and without a scope
        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.create(user=person, **duplicate)


@pytest.mark.django_db
def test_an_open_ended_role_that_starts_later_is_a_duplicate_too(coordinator, school):
    person = UserFactory()
    today = timezone.localdate()
    membership_assign(actor=coordinator, user=person, role=Role.DSL, school=school, started_on=today + timedelta(30))
    with pytest.raises(ValidationError, match=DUPLICATE_ROLE_MESSAGE):
        membership_assign(actor=coordinator, user=person, role=Role.DSL, school=school)
    assert Membership.objects.filter(user=person).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_ends_later_duplicates_keeps_them_and_audits_it():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    user = old.get_model("accounts", "User").objects.create(email="twice@example.org", full_name="Twice Given")
    school = SchoolFactory()
    old_membership = old.get_model("accounts", "Membership").objects

    def give(role: str, started_on: date, **scope: int) -> int:
        return old_membership.create(user_id=user.pk, role=role, started_on=started_on, **scope).pk

    first = give(Role.DSL, date(2025, 9, 1), school_id=school.pk)
    later = give(Role.DSL, date(2026, 1, 5), school_id=school.pk)
    same_day = give(Role.DSL, date(2025, 9, 1), school_id=school.pk)
    unscoped = give(Role.SCRUTINY, date(2026, 2, 1))
    unscoped_again = give(Role.SCRUTINY, date(2026, 2, 1))

    executor.loader.build_graph()
    executor.migrate([AFTER])
    ended = dict(old_membership.filter(user_id=user.pk).values_list("pk", "ended_on"))
    # Later migrations again, so the tests after this one find the schema the models describe.
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert ended == {
        first: None,
        later: date(2026, 1, 5),
        same_day: date(2025, 9, 1),
        unscoped: None,
        unscoped_again: date(2026, 2, 1),
    }
    events = AuditEvent.objects.filter(action="accounts.role_ended", object_id=str(user.pk))
    assert sorted(e.changes["membership"]["new"] for e in events) == sorted([later, same_day, unscoped_again])
