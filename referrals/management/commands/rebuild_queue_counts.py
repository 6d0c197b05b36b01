"""python manage.py rebuild_queue_counts: counts the referrals again by status and team and by maker and status,
replaces the stored counts the queue's tabs read, and says how many differed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from referrals.queue_counts import queue_counts_rebuild


class Command(BaseCommand):
    help = (
        "Count the referrals behind the queue's tabs again (the counts are kept by database triggers) and replace "
        "the stored counts, in one transaction: after rows were loaded with the triggers disabled."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        found = queue_counts_rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                f"Queue counts recounted: {found.status_rows} status and team counts and "
                f"{found.maker_rows} maker counts differed."
            )
        )
