"""Time the uptake selectors the coordinator's home page, the training dashboard and the committee report call,
against an already seeded database (e.g. `seed_demo --scale national` then ANALYZE).

    DATABASE_URL=postgres://... DJANGO_SETTINGS_MODULE=prevent_portal.settings.local \
        .venv/bin/python benchmarks/uptake.py [--on 2026-11-29] [--timeout 60]

Each call runs under a PostgreSQL statement_timeout, so a plan that never finishes is reported as such rather
than blocking. It prints figures; it does not pass or fail.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--on", type=date.fromisoformat, default=date.today())
    parser.add_argument("--timeout", type=int, default=60, help="seconds per statement (PostgreSQL only)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import OperationalError, connection

    from training import selectors
    from training.figures import dashboard_series_dates

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = '{args.timeout}s'")
    on = args.on
    calls: list[tuple[str, Callable[[], Any]]] = [
        ("uptake_as_at (home, dashboard, report)", lambda: selectors.uptake_as_at(on=on)),
        ("uptake_series, 8 dates (dashboard)", lambda: selectors.uptake_series(dates=dashboard_series_dates(on))),
        ("uptake_by_phase (dashboard, report)", lambda: selectors.uptake_by_phase(on=on)),
    ]
    for label, call in calls:
        started = time.perf_counter()
        try:
            result = call()
        except OperationalError as error:
            if "statement timeout" not in str(error):
                raise
            print(f"{label}: did not finish in {args.timeout} s")
            continue
        elapsed = time.perf_counter() - started
        first = result[-1] if isinstance(result, list) else result
        print(f"{label}: {elapsed:.2f} s  {first}")


if __name__ == "__main__":
    main()
