from __future__ import annotations

import hashlib
from datetime import date

import factory
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from reports.models import ALL_SECTIONS, Classification, Release, Report, ReportSchedule, ReportState
from tests.accounts.factories import UserFactory
from tests.support.clock import from_today


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    class Params:
        sections = ["schools", "referrals"]  # enough to exercise the pipeline; the PDF tests cover every section

    requested_by = factory.SubFactory(UserFactory)
    title = "Prevent duty: delivery update"
    committee = "Scrutiny Co-ordination Committee"
    period_start = date(2026, 7, 1)  # a financial quarter: General Release covers reporting periods only
    period_end = date(2026, 9, 30)
    classification = Classification.GENERAL_RELEASE
    state = ReportState.QUEUED
    parameters = factory.LazyAttribute(
        lambda o: {
            "title": o.title,
            "committee": o.committee,
            "period_start": o.period_start.isoformat(),
            "period_end": o.period_end.isoformat(),
            "meeting_date": None,
            "classification": o.classification,
            "sections": o.sections,
        }
    )


def finished_report(**kwargs: object) -> Report:
    """A done report with a small file in the file store, as a worker would leave it."""
    report = ReportFactory(state=ReportState.DONE, progress=100, attempts=1, **kwargs)
    content = b"%PDF-1.7\n% test file\n"
    relative = default_storage.save(f"reports/test/report-{report.pk}.pdf", ContentFile(content))
    Report.objects.filter(pk=report.pk).update(
        file_path=relative, file_size=len(content), sha256=hashlib.sha256(content).hexdigest(), pages=1
    )
    report.refresh_from_db()
    return report


def _next_quarter_day(day: date) -> date:
    month = ((day.month - 1) // 3 + 1) * 3 + 1
    first = date(day.year + (month > 12), (month - 1) % 12 + 1, 1)
    return day if day.day == 1 and day.month in (1, 4, 7, 10) else first


class ReportScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportSchedule

    created_by = factory.SubFactory(UserFactory)
    title = "Prevent duty: quarterly update"
    committee = "Scrutiny Co-ordination Committee"
    sections = ALL_SECTIONS
    # The first day of the next quarter (1 January 2027 when frozen): a General Release schedule runs on the day
    # after a reporting period ends.
    next_run_on = factory.LazyFunction(lambda: _next_quarter_day(from_today(1)))


def release_for(report: Report) -> Release:
    """A register entry for a report's period with no figures of its own (enough for the register pages)."""
    empty = {"values": {}, "withheld": [], "relations": [], "stable": []}
    return Release.objects.create(
        period_start=report.period_start,
        period_end=report.period_end,
        report=report,
        released_by=report.requested_by,
        figures={"attributes": {}, "check": empty},
    )
