"""Writes for reports: requesting, making (gather, HTML, PDF, store), failing, sweeping stale runs, schedules.

The pipeline: `report_request` saves a Report and, on commit, queues `reports.tasks.report_render_task`, which
calls `report_render(report_id=...)`. That claims the report (a conditional UPDATE, so two workers never make
the same report), gathers each section's figures with database aggregates, renders `reports/pdf/report.html`
and turns it into an A4, tagged (PDF/UA-1) PDF with WeasyPrint, stores it under MEDIA_ROOT with its SHA-256
and marks the report done. While it works a heartbeat is written; a run whose heartbeat stops (the worker was
killed) is put back in the queue by `report_sweep_stale`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_record

from .models import ALL_SECTIONS, Classification, Report, ReportSchedule, ReportState, SectionKey
from .sections import ORDER, build_section
from .sections.base import ReportContext, Section

logger = logging.getLogger(__name__)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # a line per page laid out otherwise

MAX_ATTEMPTS = 3
FONT_DIR = Path(getattr(settings, "REPORTS_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))


def stale_after() -> timedelta:
    return timedelta(seconds=getattr(settings, "REPORTS_STALE_SECONDS", 600))


def retry_seconds() -> int:
    """The first wait before a retry after a transient fault; it doubles with each retry."""
    return int(getattr(settings, "REPORTS_RETRY_SECONDS", 10))


def heartbeat_seconds() -> float:
    return min(float(getattr(settings, "REPORTS_HEARTBEAT_SECONDS", 15)), stale_after().total_seconds() / 3)


# ---- parameters ---------------------------------------------------------------------------------------------


def report_parameters(
    *,
    title: str,
    committee: str,
    period_start: date,
    period_end: date,
    classification: str,
    sections: list[str] | None = None,
    meeting_date: date | None = None,
) -> dict[str, Any]:
    """Everything the report is made from, as JSON, so that it can be made again the same way."""
    chosen = [s for s in ORDER if s in (sections or ALL_SECTIONS)]
    return {
        "title": title,
        "committee": committee,
        "period_start": period_start.isoformat(),
        "period_end": period_end.isoformat(),
        "meeting_date": meeting_date.isoformat() if meeting_date else None,
        "classification": Classification(classification).value,
        "sections": chosen,
    }


# ---- requesting --------------------------------------------------------------------------------------------


def _enqueue(report_id: int) -> None:
    from .tasks import report_render_task

    report_render_task.delay(report_id)


@transaction.atomic
def report_request(
    *,
    requested_by: Any,
    title: str,
    committee: str,
    period_start: date,
    period_end: date,
    classification: str,
    sections: list[str] | None = None,
    meeting_date: date | None = None,
    schedule: ReportSchedule | None = None,
    made_again_from: Report | None = None,
    request: Any = None,
) -> Report:
    params = report_parameters(
        title=title,
        committee=committee,
        period_start=period_start,
        period_end=period_end,
        classification=classification,
        sections=sections,
        meeting_date=meeting_date,
    )
    report = Report(
        requested_by=requested_by,
        schedule=schedule,
        made_again_from=made_again_from,
        title=title,
        committee=committee,
        meeting_date=meeting_date,
        period_start=period_start,
        period_end=period_end,
        classification=params["classification"],
        parameters=params,
        state=ReportState.QUEUED,
    )
    report.full_clean()
    report.save()
    audit_record(
        actor=requested_by,
        action="reports.report_request",
        obj=report,
        changes={k: v for k, v in params.items() if k != "title"},
        detail="made again" if made_again_from else ("scheduled" if schedule else ""),
        request=request,
    )
    transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def report_make_again(*, report: Report, requested_by: Any, request: Any = None) -> Report:
    """A new report with the same parameters (the old one, and its file, are kept)."""
    p = report.parameters
    return report_request(
        requested_by=requested_by,
        title=p.get("title", report.title),
        committee=p.get("committee", report.committee),
        period_start=date.fromisoformat(p.get("period_start", report.period_start.isoformat())),
        period_end=date.fromisoformat(p.get("period_end", report.period_end.isoformat())),
        classification=p.get("classification", report.classification),
        sections=p.get("sections"),
        meeting_date=date.fromisoformat(p["meeting_date"]) if p.get("meeting_date") else None,
        made_again_from=report,
        request=request,
    )


@transaction.atomic
def report_retry(*, report: Report, actor: Any, request: Any = None) -> Report:
    """Put a failed report back in the queue."""
    updated = Report.objects.filter(pk=report.pk, state=ReportState.FAILED).update(
        state=ReportState.QUEUED, progress=0, progress_note="Waiting to start again", heartbeat_at=None
    )
    if updated:
        audit_record(actor=actor, action="reports.report_retry", obj=report, request=request)
        transaction.on_commit(lambda: _enqueue(report.pk))
    report.refresh_from_db()
    return report


def report_record_download(*, report: Report, user: Any, request: Any = None) -> None:
    audit_record(
        actor=user,
        action="reports.report_download",
        obj=report,
        detail=f"{report.get_classification_display()}; sha256 {report.sha256[:16]}",
        request=request,
    )


# ---- making ------------------------------------------------------------------------------------------------


@dataclass
class RenderedReport:
    pdf: bytes
    sha256: str
    pages: int
    html: str


def _context(params: dict[str, Any]) -> ReportContext:
    return ReportContext(
        start=date.fromisoformat(params["period_start"]),
        end=date.fromisoformat(params["period_end"]),
        general_release=params["classification"] == Classification.GENERAL_RELEASE,
    )


def report_gather(params: dict[str, Any], *, on_section: Any = None) -> list[Section]:
    """Each chosen section's figures, in report order. `on_section(i, n, key)` is called before each."""
    ctx = _context(params)
    keys = [k for k in ORDER if k in params.get("sections", ALL_SECTIONS)]
    sections = []
    for i, key in enumerate(keys):
        if on_section is not None:
            on_section(i, len(keys), key)
        section = build_section(key, ctx)
        section.number = i + 1
        sections.append(section)
    return sections


def report_html(
    params: dict[str, Any], sections: list[Section], *, made_at: Any = None, report_id: int | None = None
) -> str:
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
            "made_at": made_at or timezone.now(),
            "report_id": report_id,
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


def report_build(params: dict[str, Any], *, report_id: int | None = None, progress: Any = None) -> RenderedReport:
    """The whole report, synchronously: used by the task (through report_render) and by `render_report`."""

    def on_section(i: int, n: int, key: str) -> None:
        if progress is not None:
            progress(5 + int(60 * i / max(n, 1)), f"Gathering figures: {SectionKey(key).label.lower()}")
        pause = float(getattr(settings, "REPORTS_SECTION_PAUSE_SECONDS", 0) or 0)
        if pause:  # only set by the worker-failure tests, to kill a worker while it is part way through
            time.sleep(pause)

    sections = report_gather(params, on_section=on_section)
    if progress is not None:
        progress(70, "Laying out the document")
    html = report_html(params, sections, report_id=report_id)
    if progress is not None:
        progress(75, "Making the PDF")
    pdf, pages = report_pdf(html, title=params["title"])
    return RenderedReport(pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), pages=pages, html=html)


def report_claim(*, report_id: int) -> bool:
    """Mark a queued report (or a stale running one) as running, once: False if another worker has it or it is
    finished. A conditional UPDATE, so it is safe with several workers and with a redelivered message."""
    now = timezone.now()
    claimable = Q(state=ReportState.QUEUED) | Q(state=ReportState.RUNNING, heartbeat_at__lt=now - stale_after())
    return bool(
        Report.objects.filter(claimable, pk=report_id).update(
            state=ReportState.RUNNING,
            attempts=F("attempts") + 1,
            started_at=now,
            heartbeat_at=now,
            progress=1,
            progress_note="Starting",
            error="",
        )
    )


def _progress(report_id: int, percent: int, note: str) -> None:
    Report.objects.filter(pk=report_id, state=ReportState.RUNNING).update(
        progress=percent, progress_note=note[:120], heartbeat_at=timezone.now()
    )


class Heartbeat:
    """Writes the report's heartbeat from a thread while WeasyPrint works (a long render has no other moment to
    write it), so the stale sweep can tell a slow report from a dead worker. Not started inside an open
    transaction (tests on the `db` fixture, where another connection could not see the row anyway)."""

    def __init__(self, report_id: int) -> None:
        self.report_id = report_id
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
                Report.objects.filter(pk=self.report_id, state=ReportState.RUNNING).update(heartbeat_at=timezone.now())
        except Exception:  # noqa: BLE001 - a missed heartbeat only risks a needless requeue
            logger.exception("report %s: heartbeat failed", self.report_id)
        finally:
            connection.close()

    def __exit__(self, *exc: Any) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join(timeout=5)


def _store(report: Report, pdf: bytes) -> str:
    relative = Path("reports") / f"{report.created_at:%Y}" / f"report-{report.pk}-{report.attempts}.pdf"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(pdf)
    os.replace(partial, target)  # a reader never sees half a file
    return relative.as_posix()


def report_render(*, report_id: int) -> Report | None:
    """Make one report. Returns None when the report was not ours to make (already running elsewhere, or done).
    Raises on failure; the task decides between retrying and `report_mark_failed`."""
    if not report_claim(report_id=report_id):
        logger.info("report %s: not claimed (running elsewhere or finished)", report_id)
        return None
    report = Report.objects.get(pk=report_id)
    with Heartbeat(report_id):
        rendered = report_build(
            report.parameters, report_id=report.pk, progress=lambda p, note: _progress(report_id, p, note)
        )
        _progress(report_id, 95, "Saving the file")
        path = _store(report, rendered.pdf)
    Report.objects.filter(pk=report_id).update(
        state=ReportState.DONE,
        progress=100,
        progress_note="Ready",
        file_path=path,
        file_size=len(rendered.pdf),
        sha256=rendered.sha256,
        pages=rendered.pages,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
        error="",
    )
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
        state=ReportState.FAILED, error=error[:2000], finished_at=timezone.now(), progress_note="Failed"
    )


def report_mark_queued(*, report_id: int, note: str) -> None:
    """Back to the queue before a retry, so the next attempt can claim it."""
    Report.objects.filter(pk=report_id, state=ReportState.RUNNING).update(
        state=ReportState.QUEUED, progress_note=note[:120], heartbeat_at=None
    )


def report_sweep_stale(*, older_than: timedelta | None = None) -> list[int]:
    """Requeue reports stuck "running" whose heartbeat is older than the threshold (their worker died)."""
    threshold = older_than or stale_after()
    now = timezone.now()
    stale = Report.objects.filter(state=ReportState.RUNNING, heartbeat_at__lt=now - threshold)
    # A report that has killed its worker MAX_ATTEMPTS times (out of time or memory) would do it again: stop it.
    stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        state=ReportState.FAILED,
        error=f"The report stopped {MAX_ATTEMPTS} times before it was finished: its worker ran out of time or "
        "memory. Try a shorter period or fewer sections.",
        finished_at=now,
        progress_note="Failed",
    )
    ids = list(stale.values_list("pk", flat=True))
    requeued = []
    for report_id in ids:
        if stale.filter(pk=report_id).update(
            state=ReportState.QUEUED, progress_note="Starting again: the previous attempt stopped", heartbeat_at=None
        ):
            requeued.append(report_id)
            _enqueue(report_id)
    if requeued:
        logger.warning("requeued stale reports: %s", requeued)
    return requeued


# ---- notifications and schedules -----------------------------------------------------------------------------


def report_notify_ready(*, report: Report) -> None:
    """Scheduled reports tell their recipients by e-mail: a link only, never a figure."""
    if report.schedule_id is None:
        return
    schedule = report.schedule
    recipients = schedule.recipient_list() if schedule else []
    if not recipients:
        return
    link = settings.SITE_URL.rstrip("/") + reverse("reports:detail", kwargs={"pk": report.pk})
    send_mail(
        subject=f"{settings.SERVICE_NAME}: a scheduled report is ready",
        message=(
            f'The scheduled report "{schedule.title}" for {report.period_start:%-d %B %Y} to '
            f"{report.period_end:%-d %B %Y} is ready.\n\nSign in to read it:\n{link}\n\n"
            f"{settings.COUNCIL_NAME}\n"
        ),
        from_email=None,
        recipient_list=recipients,
        fail_silently=True,
    )


@transaction.atomic
def schedule_create(
    *,
    created_by: Any,
    title: str,
    committee: str,
    frequency: str,
    classification: str,
    sections: list[str],
    recipients: str,
    next_run_on: date,
    request: Any = None,
) -> ReportSchedule:
    schedule = ReportSchedule(
        created_by=created_by,
        title=title,
        committee=committee,
        frequency=frequency,
        classification=classification,
        sections=[s for s in ORDER if s in sections],
        recipients=recipients,
        next_run_on=next_run_on,
    )
    schedule.full_clean()
    schedule.save()
    audit_record(actor=created_by, action="reports.schedule_create", obj=schedule, request=request)
    return schedule


@transaction.atomic
def schedule_stop(*, schedule: ReportSchedule, actor: Any, request: Any = None) -> ReportSchedule:
    schedule.is_active = False
    schedule.save(update_fields=["is_active", "updated_at"])
    audit_record(actor=actor, action="reports.schedule_stop", obj=schedule, request=request)
    return schedule


def schedules_run_due(*, today: date | None = None) -> list[Report]:
    """Make the report of every active schedule that is due, and move the schedule on one period. Claimed with a
    conditional UPDATE, so two beat runs never make the same report twice."""
    from .models import add_months

    today = today or timezone.localdate()
    made = []
    for schedule in ReportSchedule.objects.filter(is_active=True, next_run_on__lte=today).select_related("created_by"):
        run_on = schedule.next_run_on
        with transaction.atomic():
            claimed = ReportSchedule.objects.filter(pk=schedule.pk, next_run_on=run_on).update(
                next_run_on=add_months(run_on, schedule.months), last_run_at=timezone.now()
            )
            if not claimed:
                continue
            start, end = schedule.period_for(run_on)
            made.append(
                report_request(
                    requested_by=schedule.created_by,
                    title=schedule.title,
                    committee=schedule.committee,
                    period_start=start,
                    period_end=end,
                    classification=schedule.classification,
                    sections=schedule.sections or ALL_SECTIONS,
                    schedule=schedule,
                )
            )
    return made
