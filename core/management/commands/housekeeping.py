"""The nightly housekeeping, for deployments without Celery beat (from cron): expired sessions, the sign-in log
past the retention schedule's days, uploads nobody confirmed within a day."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core.housekeeping import housekeeping_run


class Command(BaseCommand):
    help = "Clear expired sessions, the old sign-in log and stale uploads (what beat runs every night)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = housekeeping_run()
        self.stdout.write(f"{result.sign_in_rows} sign-in log rows and {result.stale_uploads} stale uploads removed")
