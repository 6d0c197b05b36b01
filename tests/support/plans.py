"""Reading PostgreSQL query plans in tests: a regression to a subquery run once per row (the failure mode of NOT IN
and of correlated subqueries at the default work_mem) fails a test instead of a national deployment."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

# The marker for plan tests: EXPLAIN (FORMAT JSON) is PostgreSQL's.
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="EXPLAIN (FORMAT JSON) plans are PostgreSQL's"
)


def plan_of(sql: str, *, analyze: bool = False) -> dict[str, Any]:
    """The root plan node of a query as captured by CaptureQueriesContext (parameters already in the SQL)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({'ANALYZE, ' if analyze else ''}FORMAT JSON) {sql}")
        explained = cursor.fetchone()[0]
    root: dict[str, Any] = (json.loads(explained) if isinstance(explained, str) else explained)[0]["Plan"]
    return root


def plan_nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


def subplans(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """The plan's subqueries run apart from the main join tree (SubPlan, InitPlan)."""
    return [node for node in plan_nodes(plan) if node.get("Parent Relationship") in ("SubPlan", "InitPlan")]


def smallest_work_mem() -> None:
    """The smallest work_mem for the rest of the test's transaction: a plan must not depend on a hashed subquery
    fitting in memory."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '64kB'")


def analyze(*tables: str) -> None:
    """Statistics, as autovacuum leaves a real database, so the planner plans as it would in production."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}")


def selects_of(fetch: Callable[[], Any], *, touching: str) -> list[str]:
    """The SQL of the SELECTs `fetch()` runs that read the table `touching` (a UNION too, which PostgreSQL's
    SQL opens with a parenthesis)."""
    with CaptureQueriesContext(connection) as captured:
        fetch()
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip("(").startswith("SELECT") and f'"{touching}"' in q["sql"]
    ]
