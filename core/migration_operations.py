"""Migration operations shared by the apps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import migrations


def postgresql_only(sql: str, reverse_sql: str) -> migrations.RunPython:
    """SQL that runs on PostgreSQL only (an extension, a trigram index): other databases skip it and keep the
    plain indexes the models declare."""

    def forward(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    def backward(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(reverse_sql)

    return migrations.RunPython(forward, backward, elidable=False)


# pg_trgm is a trusted extension (PostgreSQL 13 and later): the database owner that runs migrations may create it.
TRIGRAM_EXTENSION = "CREATE EXTENSION IF NOT EXISTS pg_trgm"


def trigram_index_sql(*, name: str, table: str, column: str) -> tuple[str, str]:
    """A GIN trigram index on UPPER(column), the expression Django's `icontains` compares on PostgreSQL, so a
    search for part of a word uses the index instead of reading the whole table. (create, drop)"""
    return (
        f"{TRIGRAM_EXTENSION}; CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER({column}::text) gin_trgm_ops)",
        f"DROP INDEX IF EXISTS {name}",
    )


def database_triggers(
    *, what: str, postgresql: list[str], sqlite: list[str], postgresql_drop: list[str], sqlite_drop: list[str]
) -> migrations.RunPython:
    """Installs triggers (and fills what they keep) written for each database the portal runs on: PostgreSQL in
    production, SQLite as the embedded default. Any other database is refused, since what the triggers keep
    would silently go stale there. `what` names what they keep, for that refusal."""

    def run(schema_editor: Any, statements: list[str]) -> None:
        with schema_editor.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def statements_for(schema_editor: Any, postgresql: list[str], sqlite: list[str]) -> list[str]:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            return postgresql
        if vendor == "sqlite":
            return sqlite
        raise NotImplementedError(f"{what} have no triggers for {vendor}")

    def forward(apps: Any, schema_editor: Any) -> None:
        run(schema_editor, statements_for(schema_editor, postgresql, sqlite))

    def backward(apps: Any, schema_editor: Any) -> None:
        run(schema_editor, statements_for(schema_editor, postgresql_drop, sqlite_drop))

    return migrations.RunPython(forward, backward, elidable=False)


def statement_triggers(*, table: str, triggers: Sequence[tuple[str, str, str, str]]) -> tuple[list[str], list[str]]:
    """PostgreSQL triggers on `table` that run once per statement over its transition tables, each calling a
    PL/pgSQL function of the trigger's name: (name, event such as "UPDATE", the transition tables such as
    "OLD TABLE AS old_rows NEW TABLE AS new_rows", the function's statements). Returns the statements that create
    them and those that drop them, for `database_triggers`."""
    create: list[str] = []
    drop: list[str] = []
    for name, event, tables, body in triggers:
        create += [
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$",
            f"""CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {tables}
                FOR EACH STATEMENT EXECUTE FUNCTION {name}()""",
        ]
        drop += [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()"]
    return create, drop


def row_triggers(triggers: Sequence[tuple[str, str, str, Sequence[str]]]) -> tuple[list[str], list[str]]:
    """SQLite triggers that run for each row: (name, event with its table such as "AFTER UPDATE OF x ON t", the
    WHEN condition, the statements). Returns the statements that create them and those that drop them, for
    `database_triggers`."""
    create = [
        f"CREATE TRIGGER {name} {event} FOR EACH ROW WHEN {when} BEGIN\n"
        + "".join(f"{statement};\n" for statement in statements)
        + "END"
        for name, event, when, statements in triggers
    ]
    return create, [f"DROP TRIGGER IF EXISTS {name}" for name, *_ in triggers]
