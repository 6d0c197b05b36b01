"""A child process of the report benchmark (benchmarks/harness.py `measure_report`), so that each measurement
has its own peak memory:

    python -m benchmarks.report_child html --from D --to D --classification general --html out.html
        gathers the report's figures and writes its HTML (the same steps `render_report` takes before WeasyPrint);
    python -m benchmarks.report_child pdf --html out.html
        the bare WeasyPrint render of that HTML to a tagged PDF, as the report makes it.

Each prints one JSON line of timings.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["html", "pdf"])
    parser.add_argument("--from", dest="start", type=date.fromisoformat)
    parser.add_argument("--to", dest="end", type=date.fromisoformat)
    parser.add_argument("--classification", default="general")
    parser.add_argument("--html", required=True)
    args = parser.parse_args()

    import django

    django.setup()
    from django.utils import timezone

    from reports.management.commands.render_report import CLASSIFICATIONS
    from reports.models import ALL_SECTIONS
    from reports.rendering import Stamp, report_gather, report_html, report_pdf
    from reports.services import report_parameters

    if args.mode == "html":
        params = report_parameters(
            title="Prevent duty: delivery update",
            committee="Scrutiny Committee",
            period_start=args.start,
            period_end=args.end,
            classification=CLASSIFICATIONS[args.classification],
            sections=list(ALL_SECTIONS),
            meeting_date=None,
        )
        started = time.perf_counter()
        sections = report_gather(params)
        gathered = time.perf_counter()
        html = report_html(params, sections, stamp=Stamp(made_at=timezone.now()))  # as render_report does
        done = time.perf_counter()
        Path(args.html).write_text(html)
        print(json.dumps({"gather_s": round(gathered - started, 3), "html_s": round(done - gathered, 3)}))
    else:
        html = Path(args.html).read_text()
        started = time.perf_counter()
        pdf, pages = report_pdf(html, title="")
        print(json.dumps({"pdf_s": round(time.perf_counter() - started, 3), "pages": pages, "bytes": len(pdf)}))


if __name__ == "__main__":
    main()
