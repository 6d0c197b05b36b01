"""python manage.py import_training FILE [--dry-run]: attendance kept elsewhere, as on the upload page."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from training.import_writer import attendance_import_apply
from training.importer import ImportFileError, parse


class Command(BaseCommand):
    help = "Import training attendance from a CSV with the header urn,course_code,session_date,attendees."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check the file and say what it would do.")

    def handle(self, *args: Any, file: Path, dry_run: bool, **options: Any) -> None:
        started = time.monotonic()
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        try:
            plan = parse(data)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        if plan.has_errors:
            for line, reason in plan.errors[:100]:
                self.stderr.write(f"Line {line}: {reason}")
            if len(plan.errors) > 100:
                self.stderr.write(f"and {len(plan.errors) - 100} more rows in error")
            raise CommandError(f"{len(plan.errors)} rows in error: nothing was imported.")
        if dry_run:
            self.stdout.write(f"Dry run, nothing written: {plan.summary()}.")
            return
        counts = attendance_import_apply(plan=plan, filename=file.name)
        self.stdout.write(
            f"Imported {plan.summary()}: {counts['sessions_new']} new sessions, {counts['attendances_new']} new and "
            f"{counts['attendances_changed']} changed attendances, {counts['attendees_new']} new named attendees "
            f"in {time.monotonic() - started:.1f}s."
        )
