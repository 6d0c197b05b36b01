"""pg_trgm and a GIN trigram index on the normalised name, on PostgreSQL only: name matching at triage
(`name_key % 'muhammad khan'`) reads the index instead of every person. SQLite matches on the exact and phonetic
keys (btree indexes from 0001) instead."""

from __future__ import annotations

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS people_person_name_key_trgm ON people_person USING gin (name_key gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS people_person_name_key_trgm")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
