"""Asserting that a page's SQL query count does not grow with the data (no N+1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(fetch: Callable[[], Any]) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as ctx:
        result = fetch()
    return len(ctx.captured_queries), result


def assert_flat_queries(
    *,
    fetch: Callable[[], Any],
    grow: Callable[[], Any],
    expected_status: int = 200,
) -> int:
    """Counts the queries of `fetch()` (a request), calls `grow()` to add many more rows, counts again, and
    asserts both counts are equal. Returns the count, so a test may also pin it with an upper bound. An uncounted
    fetch comes first: the first request of a session records its time in the session row, the next ones within
    half a minute do not (accounts.middleware.SESSION_SEEN_RESOLUTION)."""
    fetch()
    before, response = count_queries(fetch)
    assert getattr(response, "status_code", expected_status) == expected_status
    grow()
    after, response = count_queries(fetch)
    assert getattr(response, "status_code", expected_status) == expected_status
    assert before == after, f"query count grew with the data: {before} queries before, {after} after"
    return after
