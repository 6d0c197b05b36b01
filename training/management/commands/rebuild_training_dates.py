"""python manage.py rebuild_training_dates: recomputes the stored first training dates of every school, the
Prevent training dates of every contact and the totals of every session from the attendances, and says how many
differed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from training.training_dates import training_dates_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the training dates the uptake measures and the DSL refresher checks read, and the session "
        "totals the session list reads (kept by database triggers), from the attendances, in one transaction: "
        "after rows were loaded with the triggers disabled."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        found = training_dates_rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                f"Training dates recomputed: {found.schools} schools, {found.attendees} attendees and "
                f"{found.contacts} contacts differed; the totals of {found.sessions} sessions differed."
            )
        )
