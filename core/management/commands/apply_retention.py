"""Apply the retention schedule now, or (--dry-run) list how many records each rule would anonymise or delete."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.retention import retention_apply, retention_preview, retention_start


class Command(BaseCommand):
    help = "Anonymise or delete what the retention schedule says is due (--dry-run: only count it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what is due; change nothing.")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        if dry_run:
            for r in retention_preview():
                self.stdout.write(f"{r.key:<10} {r.label:<34} {r.period:<34} {r.count:>7} to be {r.outcome}")
            self.stdout.write("Dry run: nothing changed.")
            return
        # Run by an administrator on purpose: from now on the nightly task applies the schedule too.
        retention_start(actor=None)
        for r in retention_apply():
            self.stdout.write(f"{r.key:<10} {r.label:<34} {r.period:<34} {r.count:>7} {r.outcome}")
