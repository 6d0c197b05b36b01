"""python manage.py send_training_reminders: the monthly DSL refresher reminder, for councils without Celery beat
(the embedded default runs tasks in process, so a cron job or scheduled task calls this instead)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from training.reminders import dsl_refresher_reminders_send


class Command(BaseCommand):
    help = "E-mail DSLs whose Prevent training is due a reminder (link only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--on", type=date.fromisoformat, help="As at this date (YYYY-MM-DD); default today.")

    def handle(self, *args: Any, on: date | None = None, **options: Any) -> None:
        sent = dsl_refresher_reminders_send(on=on or timezone.localdate())
        self.stdout.write(f"Sent {sent} reminders.")
