"""Migration operations shared by the apps."""

from __future__ import annotations

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
