"""The training figures kept between requests (training.figures): the tables they read are the ones watched, every
watched table's writes change the state they are kept under, a commit that changes the data shows at once, and
nothing is kept inside a transaction."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from schools.models import Contact, ContactRole, School
from tests.schools.factories import SchoolFactory
from tests.support.clock import TODAY
from tests.training.factories import AttendanceFactory, AttendeeFactory, SessionFactory, course
from training import figures
from training.figures import WATCHED_TABLES, dashboard_figures, figures_changes_clear, figures_state, home_figures
from training.models import FiguresChange, FiguresEpoch
from training.tasks import figures_changes_clear_task

pytestmark = pytest.mark.usefixtures("frozen_today")

THE_LOG = {FiguresChange._meta.db_table, FiguresEpoch._meta.db_table}


def _training_world() -> None:
    """A row in every watched table: an open school with its DSL, a WRAP session it attended with the DSL named
    (the triggers fill the first dates, the contacts' training dates and the session's totals)."""
    school = SchoolFactory()
    contact = Contact.objects.create(school=school, full_name="Ada Quill", role=ContactRole.DSL, is_current=True)
    attendance = AttendanceFactory(session=SessionFactory(course=course("WRAP")), school=school)
    AttendeeFactory(attendance=attendance, contact=contact, full_name="Ada Quill")


@pytest.mark.django_db
def test_the_watched_tables_are_every_table_the_kept_figures_read() -> None:
    _training_world()
    with CaptureQueriesContext(connection) as ctx:  # inside the test's transaction: computed, not kept
        dashboard_figures(on=TODAY, start=TODAY.replace(month=9, day=1), phase="", ward="")
        home_figures(on=TODAY)
    read = {table for query in ctx.captured_queries for table in re.findall(r'(?:FROM|JOIN) "(\w+)"', query["sql"])}
    assert read, "the figures were not read"
    assert read <= set(WATCHED_TABLES), f"read but not watched: {sorted(read - set(WATCHED_TABLES))}"
    training_tables = {m._meta.db_table for m in apps.get_app_config("training").get_models()} - THE_LOG
    assert training_tables <= set(WATCHED_TABLES), f"not watched: {sorted(training_tables - set(WATCHED_TABLES))}"


def _table_pk(table: str) -> str:
    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    return str(model._meta.pk.column)


@pytest.mark.django_db
@pytest.mark.parametrize("table", WATCHED_TABLES)
def test_a_write_to_each_watched_table_changes_the_state(table: str) -> None:
    """An update of one row (the triggers of an insert and a delete are the same function, or on SQLite the same
    statement, and the next test finds them on every watched table)."""
    _training_world()
    pk = connection.ops.quote_name(_table_pk(table))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN({pk}) FROM {table}")  # noqa: S608 - names from the models
        (row,) = cursor.fetchone()
    assert row is not None, f"{table} holds no row to change"
    before = figures_state()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {pk} = {pk} WHERE {pk} = %s", [row])  # noqa: S608
    assert figures_state() != before


@pytest.mark.django_db
def test_every_watched_table_carries_the_trigger_in_the_database() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE t.tgname = 'training_figures_changed'"
            )
            carrying = {name for (name,) in cursor.fetchall()}
        assert carrying == set(WATCHED_TABLES)
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
            carrying = {(table, name) for table, name in cursor.fetchall() if name.startswith("training_figures_")}
        assert carrying == {
            (table, f"training_figures_changed_{table}_{event}")
            for table in WATCHED_TABLES
            for event in ("insert", "update", "delete")
        }


@pytest.mark.django_db
def test_clearing_the_changes_starts_a_new_epoch() -> None:
    _training_world()
    epoch, changes, last = figures_state()
    assert changes > 0 and last > 0
    assert figures_changes_clear() == changes
    assert figures_state() == (epoch + 1, 0, 0)
    SchoolFactory()
    assert figures_state()[:2] == (epoch + 1, 1)


@pytest.mark.django_db
def test_the_nightly_task_is_scheduled_and_clears_the_changes() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["training-figures-changes-clear"]
    assert entry["task"] == "training.tasks.figures_changes_clear_task"
    _training_world()
    epoch, changes, _ = figures_state()
    assert figures_changes_clear_task.delay().get() == changes > 0
    assert figures_state() == (epoch + 1, 0, 0)


@pytest.mark.django_db
def test_inside_a_transaction_nothing_is_kept() -> None:
    made: list[int] = []
    assert connection.in_atomic_block  # the test's own transaction
    for _ in range(2):
        figures.kept_figures("count", lambda: made.append(1) or len(made), "key")
    assert made == [1, 1]


def _wrap_schools(client: Client) -> int:
    response = client.get(reverse("training:dashboard"))
    assert response.status_code == 200
    return int(response.context["uptake"]["wrap_schools"])


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_keeps_its_figures_and_shows_a_commit_at_once(coordinator: User, client_for: Any) -> None:
    school, other = SchoolFactory(), SchoolFactory()
    AttendanceFactory(session=SessionFactory(course=course("WRAP")), school=school)
    client = client_for(coordinator)
    with CaptureQueriesContext(connection) as first:
        assert _wrap_schools(client) == 1
    with CaptureQueriesContext(connection) as again:
        assert _wrap_schools(client) == 1
    # The second view read the state and found the figures kept: far fewer queries.
    assert len(again.captured_queries) <= len(first.captured_queries) - 6
    # A commit elsewhere (another school trained) shows on the next view.
    AttendanceFactory(session=SessionFactory(course=course("WRAP")), school=other)
    assert _wrap_schools(client) == 2
    # And so does a change to the schools themselves: the school closes and leaves the figures.
    School.objects.filter(pk=other.pk).update(close_date=TODAY.replace(day=1), status="closed")
    assert _wrap_schools(client) == 1


@pytest.mark.django_db(transaction=True)
def test_the_home_page_uptake_is_kept_and_shows_a_commit_at_once() -> None:
    school = SchoolFactory()
    assert connection.in_atomic_block is False
    assert home_figures(on=TODAY)["uptake"]["any_schools"] == 0
    with CaptureQueriesContext(connection) as again:
        assert home_figures(on=TODAY)["uptake"]["any_schools"] == 0
    assert len(again.captured_queries) == 1  # the state only
    AttendanceFactory(session=SessionFactory(course=course("WRAP")), school=school)
    assert home_figures(on=TODAY)["uptake"]["any_schools"] == 1
