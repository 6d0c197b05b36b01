"""Time a subject access bundle against an already seeded database, for the person with the most records
(referrals, case rows, chronology entries, attachments and reads of their record): gathering, the PDF, the zip.
The request is made and built inside a transaction that is rolled back, so it can be run again.

    DATABASE_URL=sqlite:////tmp/city.sqlite3 DJANGO_SETTINGS_MODULE=prevent_portal.settings.local \
        .venv/bin/python manage.py seed_demo --scale city
    DATABASE_URL=... DJANGO_SETTINGS_MODULE=prevent_portal.settings.local .venv/bin/python benchmarks/sar_bundle.py

It prints figures; it does not pass or fail.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class RolledBack(Exception):
    pass


def main() -> None:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from accounts.roles import Role
    from channel.models.cases import CaseEntry
    from people.models import Person
    from sar.models import SubjectAccessRequest
    from sar.selectors import bundle_parts
    from sar.services import sar_build

    # The most records: chronology entries of their cases first, then referrals.
    busiest = (
        Person.objects.annotate(
            entries=Count("referrals__case__entries"), referrals_n=Count("referrals", distinct=True)
        )
        .order_by("-entries", "-referrals_n")
        .first()
    )
    coordinator = User.objects.filter(memberships__role=Role.COORDINATOR).first()
    assert busiest is not None and coordinator is not None
    print(f"person {busiest.pk}: {busiest.referrals_n} referrals, "
          f"{CaseEntry.objects.filter(case__referral__person=busiest).count()} chronology entries")  # fmt: skip
    started = time.perf_counter()
    bundle = bundle_parts(busiest)
    print(f"gathering alone: {time.perf_counter() - started:.2f} s; parts "
          f"{ {p.key: len(p.records) for p in bundle.parts} }")  # fmt: skip
    try:
        with transaction.atomic():
            sar = SubjectAccessRequest.objects.create(person=busiest, requested_by=coordinator)
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                made = sar_build(sar_id=sar.pk)
                took = time.perf_counter() - started
            assert made is not None
            print(f"bundle: {took:.2f} s, {len(queries)} queries, {made.pages} pages, {made.file_size} bytes")
            raise RolledBack
    except RolledBack:
        pass


if __name__ == "__main__":
    main()
