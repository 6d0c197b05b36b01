"""Make a committee report synchronously, for scripts and tests:

python manage.py render_report --from 2025-04-01 --to 2026-03-31 --classification general --output report.pdf

General Release covers an ended reporting period only (reports/periods.py) and goes through the register.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.models import ALL_SECTIONS, Classification
from reports.rendering import report_build
from reports.services import report_parameters, report_period_check

CLASSIFICATIONS = {"general": Classification.GENERAL_RELEASE, "official-sensitive": Classification.OFFICIAL_SENSITIVE}


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date in the form YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Make a committee report PDF now, without a worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="First day of the period, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="Last day of the period, YYYY-MM-DD")
        parser.add_argument("--classification", choices=sorted(CLASSIFICATIONS), default="general")
        parser.add_argument("--output", required=True, help="Where to write the PDF")
        parser.add_argument("--title", default="Prevent duty: delivery update")
        parser.add_argument("--committee", default="Scrutiny Committee")
        parser.add_argument("--meeting-date", dest="meeting_date", default=None)
        parser.add_argument(
            "--sections", default=",".join(ALL_SECTIONS), help="Comma-separated: " + ", ".join(ALL_SECTIONS)
        )

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = _day(options["start"]), _day(options["end"])
        if start > end:
            raise CommandError("--from must be on or before --to")
        try:
            report_period_check(
                classification=CLASSIFICATIONS[options["classification"]], period_start=start, period_end=end
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        sections = [s.strip() for s in options["sections"].split(",") if s.strip()]
        unknown = [s for s in sections if s not in ALL_SECTIONS]
        if unknown:
            raise CommandError(f"Unknown sections: {', '.join(unknown)}")
        params = report_parameters(
            title=options["title"],
            committee=options["committee"],
            period_start=start,
            period_end=end,
            classification=CLASSIFICATIONS[options["classification"]],
            sections=sections,
            meeting_date=_day(options["meeting_date"]) if options["meeting_date"] else None,
        )
        started = time.perf_counter()
        rendered = report_build(params)
        Path(options["output"]).write_bytes(rendered.pdf)
        self.stdout.write(
            f"Wrote {options['output']}: {rendered.pages} pages, {len(rendered.pdf):,} bytes, "
            f"sha256 {rendered.sha256}, in {time.perf_counter() - started:.2f}s"
        )
