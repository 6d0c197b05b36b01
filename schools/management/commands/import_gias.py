"""python manage.py import_gias FILE [--la CODE] [--dry-run]: loads or refreshes schools from a GIAS export."""

from __future__ import annotations

import time
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from schools.gias import FIELD_LABELS, GiasFileError, ImportPlan, parse, plan
from schools.services.schools import gias_import_apply


class Command(BaseCommand):
    help = (
        "Import schools from the GIAS establishment CSV export (edubasealldataYYYYMMDD.csv). Only GIAS fields are "
        "updated; the council's own fields and schools missing from the file are left alone. A file with rows in "
        "error changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV file, Windows-1252 or UTF-8")
        parser.add_argument(
            "--la",
            default=None,
            help=f"import only this local authority's rows (LA (code), e.g. 330; default: COUNCIL_LA_CODE, "
            f"now {getattr(settings, 'COUNCIL_LA_CODE', '') or 'not set'}); use --la all for every row",
        )
        parser.add_argument("--dry-run", action="store_true", help="show what would change, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.open("rb")
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        with data:
            self._import(path, data, options)

    def _import(self, path: Path, data: IO[bytes], options: dict[str, Any]) -> None:
        limit = settings.GIAS_IMPORT_MAX_BYTES
        if path.stat().st_size > limit:
            raise CommandError(f"{path.name} is larger than GIAS_IMPORT_MAX_BYTES ({limit // (1024 * 1024)} MB).")
        la = options["la"] or getattr(settings, "COUNCIL_LA_CODE", "") or None
        if la == "all":
            la = None
        started = time.perf_counter()
        try:
            parsed = parse(data, la_code=la)
        except GiasFileError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Read {path.name} ({parsed.encoding}, {len(parsed.columns)} columns).")
        self.verbosity = options["verbosity"]
        if options["dry_run"]:
            result = plan(parsed)
            self._report(result)
            self.stdout.write("Dry run: nothing was changed.")
            if result.has_errors:
                raise CommandError(f"{len(result.errors)} rows in error: correct them before importing.")
            return
        try:
            result = gias_import_apply(parsed=parsed, filename=path.name)
        except ValidationError:
            self._report(plan(parsed))
            raise CommandError(
                f"{len(parsed.errors)} rows in error: nothing was imported. Correct them and run the import again."
            ) from None
        self.verbosity = options["verbosity"]
        self._report(result)
        self.stdout.write(self.style.SUCCESS(f"Imported in {time.perf_counter() - started:.1f}s."))

    def _report(self, result: ImportPlan) -> None:
        self.stdout.write(result.summary() + ".")
        limit = 20 if self.verbosity < 2 else None
        for row, fields in result.changed[:limit]:
            labels = ", ".join(FIELD_LABELS.get(f, f) for f in fields)
            self.stdout.write(f"  changed {row['urn']} {row.get('name', '')}: {labels}")
        for row in result.new[:limit]:
            self.stdout.write(f"  new {row['urn']} {row.get('name', '')}")
        for line, reason in result.errors[:limit]:
            self.stderr.write(f"  line {line}: {reason}")
        shown = len(result.changed[:limit]) + len(result.new[:limit])
        if shown < len(result.changed) + len(result.new):
            self.stdout.write("  ... and more: run with -v 2 to list every school.")
