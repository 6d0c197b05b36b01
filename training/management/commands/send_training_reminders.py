"""python manage.py send_training_reminders: the monthly DSL refresher reminder, for councils without Celery beat
(the embedded default runs tasks in process, so a cron job or scheduled task calls this instead)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from training.services import dsl_refresher_reminders_send


class Command(BaseCommand):
    help = "E-mail DSLs whose Prevent training is due a reminder (link only)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = dsl_refresher_reminders_send(on=timezone.localdate())
        self.stdout.write(f"Sent {sent} reminders.")
