from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core.outbox import outbox_sweep


class Command(BaseCommand):
    help = "Deliver every outbox e-mail and task that is due (for deployments without Celery beat, e.g. from cron)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{outbox_sweep()} messages attempted")
