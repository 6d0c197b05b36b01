"""Time the retention schedule against an already seeded database: the dry run, then every rule applied inside a
transaction that is rolled back (so it can be run again), with the queries per record.

    createdb prevent_bench
    DATABASE_URL=postgres://.../prevent_bench DJANGO_SETTINGS_MODULE=prevent_portal.settings.local \
        .venv/bin/python manage.py seed_demo --scale city --today 2019-09-01   # a council seven years ago
    DATABASE_URL=... .venv/bin/python benchmarks/retention.py [--on 2026-11-30]

It prints figures; it does not pass or fail.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class RolledBack(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--on", type=date.fromisoformat, default=date.today())
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from core.retention import retention_apply_rule, retention_preview, retention_rules

    started = time.perf_counter()
    preview = retention_preview(today=args.on)
    print(f"dry run: {time.perf_counter() - started:.2f} s")
    for result in preview:
        print(f"  {result.key:<10} {result.count:>6} to be {result.outcome} ({result.period})")
    try:
        with transaction.atomic():
            for rule in retention_rules():
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    done = retention_apply_rule(rule, today=args.on)
                    elapsed = time.perf_counter() - started
                per = f", {len(queries) / done:.1f} queries and {1000 * elapsed / done:.1f} ms each" if done else ""
                print(f"apply {rule.key:<10} {done:>6} in {elapsed:.2f} s ({len(queries)} queries{per})")
            raise RolledBack
    except RolledBack:
        print("rolled back: nothing kept")


if __name__ == "__main__":
    main()
