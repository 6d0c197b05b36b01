"""Production runs the portal as a database role that owns no table (core/database_roles.py): it can read and
write the portal's records, append to the audit trail and purge it only through the purge function, and it
cannot disable, drop or replace the audit table's trigger. The role and its grants are made inside the test's
transaction, so they vanish with it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from psycopg import sql

from core.audit import audit_record

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles and privileges are PostgreSQL's"),
]


@pytest.fixture
def app_role() -> str:
    role = f"{connection.settings_dict['NAME']}_app"[:60]
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
    out = StringIO()
    call_command("grant_app_role", role, stdout=out)
    assert "owns none of them" in out.getvalue()
    return role


def _as(role: str, statement: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    """Runs `statement` as `role` in a savepoint; the role ends with the savepoint."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(role)))
        cursor.execute(statement, params)
        rows = cursor.fetchall() if cursor.description else []
        cursor.execute("RESET ROLE")
        return rows


def test_the_app_role_cannot_disable_drop_or_replace_the_audit_trigger(app_role):
    with pytest.raises(DatabaseError, match="must be owner of table core_auditevent"):
        _as(app_role, "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_update_delete")
    for statement in (
        "ALTER TABLE core_auditevent DISABLE TRIGGER ALL",
        "DROP TRIGGER core_auditevent_no_update_delete ON core_auditevent",
        "CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS 'BEGIN RETURN OLD; END' "
        "LANGUAGE plpgsql",
    ):
        # Not the owner of the table or function; nor may it create in the schema.
        with pytest.raises(DatabaseError, match="must be owner|permission denied for schema"):
            _as(app_role, statement)


def test_the_app_role_appends_to_the_audit_trail_and_deletes_only_through_the_purge(app_role):
    event = audit_record(actor=None, action="test.event")
    assert _as(app_role, "SELECT count(*) FROM core_auditevent WHERE id = %s", [event.pk]) == [(1,)]
    _as(app_role, "INSERT INTO core_auditevent (occurred_at, actor_email, action, object_type, object_id, changes, "
        "detail) VALUES (now(), '', 'test.by_app_role', '', '', '{}', '')")  # fmt: skip
    for statement in ("UPDATE core_auditevent SET detail = 'x'", "DELETE FROM core_auditevent"):
        with pytest.raises(DatabaseError, match="permission denied"):
            _as(app_role, statement)
    assert _as(app_role, "SELECT core_auditevent_purge(now() - interval '7 years')") == [(0,)]
    with pytest.raises(DatabaseError, match="younger than 6 years"):
        _as(app_role, "SELECT core_auditevent_purge(now())")


def test_the_app_role_reads_and_writes_the_portals_records(app_role):
    from tests.referrals.factories import ReferralFactory

    referral = ReferralFactory()
    _as(app_role, "UPDATE referrals_referral SET narrative = 'changed' WHERE id = %s", [referral.pk])
    _as(app_role, "INSERT INTO accounts_team (name) VALUES ('Team made by the app role')")
    assert _as(app_role, "SELECT narrative FROM referrals_referral WHERE id = %s", [referral.pk]) == [("changed",)]
    _as(app_role, "DELETE FROM accounts_team WHERE name = 'Team made by the app role'")


def test_the_owner_cannot_be_given_as_the_app_role():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="owner"):
        call_command("grant_app_role", owner, stdout=StringIO())
