"""core.timestamps: PostgreSQL's date-times read in C give exactly what Django's own loader gives."""

from __future__ import annotations

import datetime

import psycopg
import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader
from psycopg.pq import Format

from core.timestamps import IsoTimestamptzLoader

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the loader is PostgreSQL's (SQLite stores text)"),
]

TEXTS = [
    "2026-11-30 13:28:57.677297+00",
    "2026-11-30 13:28:57+00",
    "2026-03-29 01:30:00.5+00",  # the hour the clocks go forward in the UK: UTC has no gap
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
    "2024-02-29 23:59:59.000001+00",
]


def _read(texts: list[str], *, djangos_own: bool) -> list[object]:
    values: list[object] = []
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if djangos_own:
            register_tzloader(datetime.UTC, raw)
        for text in texts:
            try:
                raw.execute("SELECT %s::timestamptz", [text], prepare=False)
                values.append(raw.fetchone()[0])
            except psycopg.Error as error:  # psycopg's own, raised by its loader on the raw cursor
                values.append(type(error))
    return values


def test_each_connection_reads_date_times_with_the_iso_loader() -> None:
    connection.ensure_connection()
    # 1184: timestamptz. Django's cursors read text, and keep the connection's loader (same time zone).
    assert connection.connection.adapters.get_loader(1184, Format.TEXT) is IsoTimestamptzLoader
    with connection.cursor() as cursor:
        assert cursor.cursor.adapters.get_loader(1184, Format.TEXT) is IsoTimestamptzLoader


def test_the_values_are_those_djangos_loader_gives() -> None:
    mine, djangos = _read(TEXTS, djangos_own=False), _read(TEXTS, djangos_own=True)
    assert mine == djangos
    assert all(isinstance(v, datetime.datetime) and v.tzinfo is datetime.UTC for v in mine)


def test_what_it_cannot_read_goes_to_djangos_loader() -> None:
    """Infinity and a date BC are not ISO text Python reads: both loaders answer alike (an error or a value)."""
    texts = ["infinity", "-infinity", "0044-03-15 12:00:00+00 BC"]
    mine = _read(texts, djangos_own=False)
    assert mine == _read(texts, djangos_own=True)


def test_a_session_time_zone_other_than_utc_is_read_as_django_reads_it() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL TIME ZONE 'Europe/London'")
        mine = _read(["2026-07-01 12:00:00+00"], djangos_own=False)
        djangos = _read(["2026-07-01 12:00:00+00"], djangos_own=True)
    assert mine == djangos
