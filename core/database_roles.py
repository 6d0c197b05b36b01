"""The database role the portal runs as in production: not the owner of its tables.

Migrations run as the owner (the role that `migrate` connects as, `MIGRATION_DATABASE_URL` in docker-compose.yml);
web, worker and beat connect as the app role, which `app_role_grant` gives exactly what the portal needs:
SELECT, INSERT, UPDATE and DELETE on every table (and by default privileges on tables later migrations make),
USAGE and SELECT on sequences, and on the audit trail only SELECT and INSERT plus EXECUTE on its purge function
(core migration 0005). Not being the owner, the app role cannot ALTER the audit table (so cannot disable its
trigger), drop the trigger or replace the functions; PostgreSQL answers "must be owner".
"""

from __future__ import annotations

from django.db import connection
from psycopg import sql

TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"


class AppRoleRefused(Exception):  # noqa: N818 - a refusal with its reason, for the command to print
    """The role given cannot be the app role (it is the owner, or owns tables)."""


def app_role_grant(*, role: str) -> list[str]:
    """Grants `role` what the portal needs, as the tables' owner (the connection's user). Idempotent: run after
    every `migrate`. Returns the statements run."""
    if connection.vendor != "postgresql":
        return []
    name = sql.Identifier(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_database()")
        owner, database = cursor.fetchone()
        if owner == role:
            raise AppRoleRefused(f"{role} is the role running this command, the tables' owner: give another role.")
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s", [role])
        if cursor.fetchone()[0]:
            raise AppRoleRefused(f"{role} owns tables: the app role must own none (reassign them to the owner).")
        statements = [
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), name),
            sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(name),
            sql.SQL(f"GRANT {TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA public TO {{}}").format(name),
            sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(name),
            # The audit trail: read and append; rows go only through the purge function.
            sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON core_auditevent FROM {}").format(name),
            sql.SQL("GRANT EXECUTE ON FUNCTION core_auditevent_purge(timestamptz) TO {}").format(name),
            # Tables and sequences that later migrations make (as this owner) are the app's to use too.
            sql.SQL(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT {TABLE_PRIVILEGES} ON TABLES TO {{}}").format(
                name
            ),
            sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {}").format(name),
        ]
        done = []
        for statement in statements:
            cursor.execute(statement)
            done.append(statement.as_string(cursor.connection))
    return done
