"""python manage.py rebuild_last_visits: recomputes every school's last visit date from its visits."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from schools.services.visits import school_last_visits_rebuild


class Command(BaseCommand):
    help = (
        "Recompute School.last_visit_on (the school list's 'Last visit' column and sort) from the visits, in one "
        "UPDATE: after visits were loaded in bulk, past the visit services that keep it."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        visited = school_last_visits_rebuild()
        self.stdout.write(self.style.SUCCESS(f"Last visit recomputed for every school; {visited} have a visit."))
