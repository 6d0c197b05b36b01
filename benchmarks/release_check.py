"""Time the publication register's disclosure check for a financial year and its four quarters, against an
already seeded database (e.g. `seed_demo --scale city` then ANALYZE).

    DATABASE_URL=postgres://... DJANGO_SETTINGS_MODULE=prevent_portal.settings.local \
        .venv/bin/python benchmarks/release_check.py [--year-starting 2025-04-01]

Releases the four quarters, then the year, as General Release figures of people (what the referrals and panels
sections print), each checked by scipy's milp against the releases before it, and prints each one's time, the
cells withheld and the figures' size; then attacks all five with the tests' own attacker. Everything happens in
one transaction that is rolled back, so the database keeps no release from it. It prints figures; it does not
pass or fail.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Rollback(Exception):  # noqa: N818 - a signal, not a fault
    pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year-starting", type=date.fromisoformat, default=date(2025, 4, 1))
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import transaction

    from referrals.selectors import referral_statistics
    from reports.models import Classification, Release
    from reports.periods import reporting_period_for
    from reports.rendering import report_gather
    from reports.services import report_parameters
    from tests.reports.attacker import Attack

    start = args.year_starting
    year = reporting_period_for(start, date(start.year + 1, start.month, 1) - timedelta(days=1))
    if year is None:
        raise SystemExit(f"{start} does not start a reporting year")
    quarters = []
    q = start
    for _ in range(4):
        following = date(q.year + (q.month > 9), (q.month + 2) % 12 + 1, 1)
        quarters.append((q, following - timedelta(days=1)))
        q = following
    print(f"referrals in the year: {referral_statistics(start=year.start, end=year.end)['total']}")
    try:
        with transaction.atomic():
            Release.objects.filter(period_start__lte=year.end, period_end__gte=year.start).exists()
            total = 0.0
            for period in [*quarters, (year.start, year.end)]:
                params = report_parameters(
                    title="Benchmark",
                    committee="Benchmark",
                    period_start=period[0],
                    period_end=period[1],
                    classification=Classification.GENERAL_RELEASE,
                    sections=["referrals", "panels"],
                )
                began = time.perf_counter()
                report_gather(params)
                elapsed = time.perf_counter() - began
                release = Release.objects.order_by("-id").first()
                assert release is not None
                check = release.figures["check"]
                total += release.check_seconds
                print(
                    f"{period[0]} to {period[1]}: figures gathered and checked in {elapsed:.1f}s (check "
                    f"{release.check_seconds:.1f}s), {len(check['values'])} figures, {len(check['withheld'])} withheld"
                )
            print(f"the disclosure check for the year and its four quarters: {total:.1f}s in all")
            began = time.perf_counter()
            findings = Attack().findings()
            print(f"the tests' attacker: {len(findings)} findings in {time.perf_counter() - began:.1f}s")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
