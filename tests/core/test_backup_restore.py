"""The README's backup and restore, done for real: a seeded database is dumped with `pg_dump -Fc`, restored with
`pg_restore` into an empty database, every table has the same number of rows, every stored file (report PDFs,
attachments: core/storage.py) reads back with its checksum, and the restored audit table still
refuses UPDATE and DELETE (its trigger and functions come back with it)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from psycopg import sql

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore back up PostgreSQL only"),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs pg_dump and pg_restore (postgresql-client)"),
]


def _connect(dbname: str) -> psycopg.Connection:
    params = connection.settings_dict
    return psycopg.connect(
        dbname=dbname, user=params["USER"], password=params["PASSWORD"] or None, host=params["HOST"] or None,
        port=params["PORT"] or None, autocommit=True,
    )  # fmt: skip


def _libpq_env() -> dict[str, str]:
    params = connection.settings_dict
    env = {"PGUSER": params["USER"], "PGHOST": params["HOST"] or "", "PGPORT": str(params["PORT"] or "")}
    if params["PASSWORD"]:
        env["PGPASSWORD"] = params["PASSWORD"]
    return {k: v for k, v in env.items() if v}


def _row_counts(dbname: str) -> dict[str, int]:
    with _connect(dbname) as conn:
        tables = [
            row[0]
            for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        ]
        return {
            table: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]
            for table in tables
        }


def _file_checksums(dbname: str) -> dict[str, tuple[str, str]]:
    """Each stored file (core/storage.py): the SHA-256 it was saved with, and the SHA-256 of its chunks' bytes
    read back in order."""
    with _connect(dbname) as conn:
        rows = conn.execute(
            "SELECT f.name, f.sha256, encode(sha256(coalesce(string_agg(c.data, ''::bytea ORDER BY c.index),"
            " ''::bytea)), 'hex') FROM core_storedfile f LEFT JOIN core_storedfilechunk c ON c.file_id = f.id"
            " GROUP BY f.id, f.name, f.sha256"
        ).fetchall()
    return {name: (saved, read) for name, saved, read in rows}


@pytest.fixture
def restore_database() -> Iterator[str]:
    name = f"{connection.settings_dict['NAME']}_restore"[:63]
    with _connect("postgres") as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    yield name
    with _connect("postgres") as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.mark.django_db(transaction=True)
def test_a_dump_of_a_seeded_database_restores_with_every_row_and_the_audit_trigger(
    restore_database: str, tmp_path: Path
):
    call_command("seed_demo", "--scale", "small", "--seed", "7", verbosity=0)
    # A file of more than one chunk beside the demo's report PDFs, so the restore is checked across chunks.
    default_storage.save("attachments/backup-check.bin", ContentFile(os.urandom(2_500_000)))
    source = connection.settings_dict["NAME"]
    before = _row_counts(source)
    files = _file_checksums(source)
    assert len(files) >= 2 and all(saved == read for saved, read in files.values() if saved)
    assert before["referrals_referral"] > 0 and before["core_auditevent"] > 0 and before["channel_case"] > 0

    dump = tmp_path / "prevent.dump"
    env = {**os.environ, **_libpq_env()}
    subprocess.run(["pg_dump", "-Fc", "--no-owner", "-f", str(dump), source], check=True, env=env, timeout=300)
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "-d", restore_database, str(dump)],
        check=True, env=env, timeout=300,
    )  # fmt: skip

    assert _row_counts(restore_database) == before
    assert _file_checksums(restore_database) == files
    with _connect(restore_database) as conn:
        for statement in ("UPDATE core_auditevent SET detail = 'changed'", "DELETE FROM core_auditevent"):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(statement)
        assert conn.execute("SELECT count(*) FROM core_auditevent").fetchone()[0] == before["core_auditevent"]
        with pytest.raises(psycopg.errors.RaiseException, match="younger than 6 years"):
            conn.execute("SELECT core_auditevent_purge(now())")
