"""Making a report: claim it, gather each section's figures, render the HTML and the PDF, store the file,
and mark the run queued again or failed when it stops.

`report_render(report_id=...)` claims the report under a lease (`reports.leases`: a conditional UPDATE, so two
workers never make the same report), gathers each section's figures with database aggregates, renders `reports/pdf/report.html` and turns it
into an A4, tagged (PDF/UA-1) PDF with WeasyPrint, keeps it in the file store (core.storage) with its SHA-256 and marks the
report done if it still holds the lease. While it works a heartbeat renews the lease; a run whose lease expires
(the worker was killed) is put back in the queue by `reports.leases.report_sweep_stale`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .leases import claim_holder, heartbeat_seconds, lease_renew, lease_wait_seconds, report_claim
from .models import ALL_SECTIONS, Classification, Report, ReportState, SectionKey
from .sections import ORDER, build_section
from .sections.base import Chart, ReportContext, Section, Table
from .services import report_notify_ready

logger = logging.getLogger(__name__)
# Told how far a report has got: a percentage and a short note for the page.
Progress = Callable[[int, str], None]

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # a line per page laid out otherwise

FONT_DIR = Path(getattr(settings, "REPORTS_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))


# ---- making ------------------------------------------------------------------------------------------------


@dataclass
class RenderedReport:
    pdf: bytes
    sha256: str
    pages: int
    html: str
    figures_sha256: str = ""
    stamp: Stamp | None = None


@dataclass(frozen=True)
class Stamp:
    """What the PDF says about its own making: the 'made' time (also its creation date) and the report number
    printed beside it. Taken from the stored report, never from the clock, so that the same figures and
    parameters make the same bytes."""

    made_at: datetime
    number: int | None = None


# Chooses the stamp once the figures are known (a remake with the first making's figures takes its stamp).
StampFor = Callable[[str], Stamp]


def _context(params: dict[str, Any], report_id: int | None = None) -> ReportContext:
    return ReportContext(
        start=date.fromisoformat(params["period_start"]),
        end=date.fromisoformat(params["period_end"]),
        general_release=params["classification"] == Classification.GENERAL_RELEASE,
        report_id=report_id,
        revision_of=params.get("revision_of"),
    )


def report_gather(
    params: dict[str, Any],
    *,
    on_section: Callable[[int, int, str], None] | None = None,
    report_id: int | None = None,
) -> list[Section]:
    """Each chosen section's figures, in report order. `on_section(i, n, key)` is called before each. In General
    Release the figures of people are those of the register's release for the period (reports/register.py)."""
    ctx = _context(params, report_id)
    keys = [k for k in ORDER if k in params.get("sections", ALL_SECTIONS)]
    sections = []
    for i, key in enumerate(keys):
        if on_section is not None:
            on_section(i, len(keys), key)
        section = build_section(key, ctx)
        section.number = i + 1
        section.number_blocks()
        sections.append(section)
    return sections


def figures_json(params: dict[str, Any], sections: list[Section]) -> str:
    """Every published cell of every table and chart, and each section's text, as canonical JSON (sorted keys, no
    spaces, in report order): what the figures checksum is taken of. Two makings with the same JSON print the same
    figures."""
    content = {
        "parameters": params,
        "sections": [
            {
                "number": section.number,
                "key": section.key,
                "title": section.title,
                "intro": section.intro,
                "blocks": [
                    {"table": block.number, "caption": block.caption, "cells": block.cells(), "notes": block.footnotes}
                    if isinstance(block, Table)
                    else {"figure": block.number, "title": block.title, "bars": [[b.label, b.text] for b in block.bars]}
                    if isinstance(block, Chart)
                    else {"text": block}
                    for block in section.blocks
                ],
            }
            for section in sections
        ],
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def report_html(params: dict[str, Any], sections: list[Section], *, stamp: Stamp) -> str:
    ctx = _context(params)
    official_sensitive = params["classification"] == Classification.OFFICIAL_SENSITIVE
    return render_to_string(
        "reports/pdf/report.html",
        {
            "council_name": settings.COUNCIL_NAME,
            "title": params["title"],
            "committee": params["committee"],
            "meeting_date": date.fromisoformat(params["meeting_date"]) if params.get("meeting_date") else None,
            "period_start": ctx.start,
            "period_end": ctx.end,
            "official_sensitive": official_sensitive,
            "marking": "OFFICIAL-SENSITIVE" if official_sensitive else "OFFICIAL",
            "classification_label": Classification(params["classification"]).label,
            "sections": sections,
            "made_at": stamp.made_at,
            "report_id": stamp.number,
            "font_dir": FONT_DIR.as_uri(),
            "section_names": {k.value: k.label for k in SectionKey},
        },
    )


def report_pdf(html: str, *, title: str) -> tuple[bytes, int]:
    """HTML to an A4 PDF with embedded fonts, tagged for screen readers (PDF/UA-1)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    pdf = document.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)
    return pdf, len(document.pages)


def report_build(
    params: dict[str, Any],
    *,
    stamp: Stamp | StampFor | None = None,
    progress: Progress | None = None,
    report_id: int | None = None,
) -> RenderedReport:
    """The whole report, synchronously: used by the task (through report_render) and by `render_report`. `stamp`
    is the stored report's (or a function of the figures checksum that returns it); without one, as for a
    script's PDF that no report row stands behind, the time now."""

    def on_section(i: int, n: int, key: str) -> None:
        if progress is not None:
            progress(5 + int(60 * i / max(n, 1)), f"Gathering figures: {SectionKey(key).label.lower()}")
        pause = float(getattr(settings, "REPORTS_SECTION_PAUSE_SECONDS", 0) or 0)
        if pause:  # only set by the worker-failure tests, to kill a worker while it is part way through
            time.sleep(pause)

    sections = report_gather(params, on_section=on_section, report_id=report_id)
    figures_sha256 = hashlib.sha256(figures_json(params, sections).encode()).hexdigest()
    if stamp is None:
        chosen = Stamp(made_at=timezone.now())
    elif isinstance(stamp, Stamp):
        chosen = stamp
    else:
        chosen = stamp(figures_sha256)
    if progress is not None:
        progress(70, "Laying out the document")
    html = report_html(params, sections, stamp=chosen)
    if progress is not None:
        progress(75, "Making the PDF")
    pdf, pages = report_pdf(html, title=params["title"])
    return RenderedReport(
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        pages=pages,
        html=html,
        figures_sha256=figures_sha256,
        stamp=chosen,
    )


def report_stamp_for(report: Report) -> StampFor:
    """The stamp of a stored report: when it was asked for and its number; but a remake whose figures checksum is
    the first making's takes the first making's stamp, so the two files are byte for byte the same."""

    def stamp_for(figures_sha256: str) -> Stamp:
        first = report.made_again_from
        if first is not None and first.made_at is not None and first.figures_sha256 == figures_sha256:
            return Stamp(made_at=first.made_at, number=first.made_as_number or first.pk)
        return Stamp(made_at=report.created_at, number=report.pk)

    return stamp_for


class LeaseHeld(Exception):  # noqa: N818 - a state, not a fault
    """Another worker holds a live lease on the report: the task waits `seconds` and tries again, so that if that
    worker has died the report is taken up as soon as its lease runs out."""

    def __init__(self, report_id: int, seconds: float) -> None:
        super().__init__(f"report {report_id} is being made elsewhere; trying again in {seconds:.0f}s")
        self.seconds = seconds


class Heartbeat:
    """Writes the report's heartbeat from a thread while WeasyPrint works (a long render has no other moment to
    write it), renewing the lease, so the sweep can tell a slow report from a dead worker. Not started inside an open
    transaction (tests on the `db` fixture, where another connection could not see the row anyway)."""

    def __init__(self, report_id: int, holder: str) -> None:
        self.report_id = report_id
        self.holder = holder
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    def __enter__(self) -> Heartbeat:
        if not connection.in_atomic_block:
            self.thread = threading.Thread(target=self._run, name=f"report-{self.report_id}-heartbeat", daemon=True)
            self.thread.start()
        return self

    def _run(self) -> None:
        try:
            while not self.stop.wait(heartbeat_seconds()):
                if not lease_renew(report_id=self.report_id, holder=self.holder):
                    logger.warning("report %s: lease lost; another worker makes it", self.report_id)
                    return
        except Exception:  # noqa: BLE001 - a missed heartbeat only risks a second worker making it too
            logger.exception("report %s: heartbeat failed", self.report_id)
        finally:
            connection.close()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join(timeout=5)


def _store(report: Report, pdf: bytes) -> str:
    """Saves the PDF in the file store (core.storage) and gives the name it is kept under."""
    name = f"reports/{report.created_at:%Y}/report-{report.pk}-{report.attempts}.pdf"
    return default_storage.save(name, ContentFile(pdf))


def report_mark_done(*, report: Report, holder: str, name: str, rendered: RenderedReport) -> bool:
    """Records the file, if `holder` still holds the lease. A worker that lost its lease (it stalled past it and
    another worker took the report over) removes its own file instead: one report, one file."""
    now = timezone.now()
    done = Report.objects.filter(pk=report.pk, state=ReportState.RUNNING, claimed_by=holder).update(
        state=ReportState.DONE,
        progress=100,
        progress_note="Ready",
        file_path=name,
        file_size=len(rendered.pdf),
        sha256=rendered.sha256,
        pages=rendered.pages,
        figures_sha256=rendered.figures_sha256,
        made_at=rendered.stamp.made_at if rendered.stamp else None,
        made_as_number=rendered.stamp.number if rendered.stamp else None,
        finished_at=now,
        heartbeat_at=now,
        claimed_until=None,
        error="",
    )
    if not done:
        logger.warning("report %s: lease lost before the file was recorded; removing this attempt's file", report.pk)
        default_storage.delete(name)
    return bool(done)


def report_render(*, report_id: int) -> Report | None:
    """Make one report. Returns None when the report is not ours to make (finished, or finished by another worker
    while we made it). Raises LeaseHeld when another worker holds a live lease on it, and any fault on failure;
    the task decides between waiting, retrying and `report_mark_failed`."""
    holder = claim_holder()
    if not report_claim(report_id=report_id, holder=holder):
        wait = lease_wait_seconds(report_id=report_id)
        if wait is None:
            logger.info("report %s: not claimed (finished)", report_id)
            return None
        raise LeaseHeld(report_id, wait)
    report = Report.objects.select_related("made_again_from").get(pk=report_id)

    def progress(percent: int, note: str) -> None:
        lease_renew(report_id=report_id, holder=holder, progress=percent, progress_note=note[:120])

    with Heartbeat(report_id, holder):
        rendered = report_build(
            report.parameters, stamp=report_stamp_for(report), progress=progress, report_id=report.pk
        )
        progress(95, "Saving the file")
    with transaction.atomic():  # the file kept, the report done and its "ready" e-mail written, or none of them
        name = _store(report, rendered.pdf)
        if not report_mark_done(report=report, holder=holder, name=name, rendered=rendered):
            return None
        report.refresh_from_db()
        report_notify_ready(report=report)
    return report


def describe_error(exc: BaseException) -> str:
    """A reason to show on the page. Database messages can quote values, so they are reduced to their kind."""
    from django.db import DatabaseError

    if isinstance(exc, DatabaseError):
        return f"The database was unavailable or refused the work ({type(exc).__name__}). Try again later."
    if isinstance(exc, OSError):
        return f"The file could not be saved: {exc.strerror or type(exc).__name__}."
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:500] if text else type(exc).__name__


def report_mark_failed(*, report_id: int, error: str) -> None:
    Report.objects.filter(pk=report_id).exclude(state=ReportState.DONE).update(
        state=ReportState.FAILED,
        error=error[:2000],
        finished_at=timezone.now(),
        progress_note="Failed",
        claimed_until=None,
    )


def report_mark_queued(*, report_id: int, note: str) -> None:
    """Back to the queue before a retry, so the next attempt can claim it."""
    Report.objects.filter(pk=report_id, state=ReportState.RUNNING).update(
        state=ReportState.QUEUED,
        progress_note=note[:120],
        heartbeat_at=None,
        claimed_until=None,
        dispatched_at=timezone.now(),
    )
