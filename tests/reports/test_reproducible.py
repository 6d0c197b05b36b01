"""A remake from the same data and parameters is the same file, byte for byte: the PDF's creation date and "made"
time come from the stored report, not the clock, and the figures checksum tells a remake whose data changed.
Real WeasyPrint PDFs, made by the task as a worker makes them, read back with pypdf."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader

from reports.models import ALL_SECTIONS, Classification, Report
from reports.services import report_make_again
from reports.tasks import report_render_task
from tests.referrals.factories import ReferralFactory
from tests.support.clock import LONDON, TODAY, frozen
from tests.support.pdf import assert_tagged_pdf_ua

from .data import PERIOD, make_cases, make_dataset
from .factories import ReportFactory

pytestmark = pytest.mark.django_db


def _make(report: Report) -> Report:
    assert report_render_task.delay(report.pk).get() == "done"
    report.refresh_from_db()
    return report


def _file(report: Report) -> bytes:
    with default_storage.open(report.file_path) as stored:
        return bytes(stored.read())


@pytest.fixture
def dataset(db):
    make_dataset()
    make_cases()


@pytest.mark.parametrize("classification", [Classification.OFFICIAL_SENSITIVE, Classification.GENERAL_RELEASE])
def test_a_remake_from_the_same_data_is_byte_identical_whatever_the_clock(dataset, coordinator, classification):
    with frozen(TODAY):
        first = _make(ReportFactory(classification=classification, sections=ALL_SECTIONS, requested_by=coordinator))
    with frozen(TODAY + timedelta(days=40)):  # a later day and time: nothing of the clock may reach the file
        again = _make(report_make_again(report=first, requested_by=coordinator))

    assert again.made_again_from_id == first.pk
    assert again.figures_sha256 == first.figures_sha256 and len(first.figures_sha256) == 64
    assert _file(again) == _file(first)
    assert again.sha256 == first.sha256
    # The creation date and the printed "made" time are the first making's, as stored.
    reader = PdfReader(io.BytesIO(_file(again)))
    assert reader.metadata.creation_date == first.made_at.astimezone(LONDON).replace(microsecond=0)
    assert again.made_at == first.made_at and again.made_as_number == first.pk
    assert f"(report {first.pk})" in reader.pages[0].extract_text()


def test_a_remake_of_a_remake_is_compared_with_the_first_making(dataset, coordinator):
    with frozen(TODAY):
        first = _make(ReportFactory(sections=["referrals"], requested_by=coordinator))
        second = _make(report_make_again(report=first, requested_by=coordinator))
        third = _make(report_make_again(report=second, requested_by=coordinator))
    assert third.made_again_from_id == first.pk
    assert third.same_figures_as_first is True
    assert _file(third) == _file(first)


def test_a_remake_after_the_data_changed_says_the_figures_differ_and_carries_its_own_stamp(
    dataset, coordinator, client_for
):
    # OFFICIAL-SENSITIVE: a General Release of a period already released is republished from the publication
    # register unchanged whatever the data (tests/reports/test_register.py), so only a revision could differ.
    with frozen(TODAY):
        first = _make(
            ReportFactory(
                classification=Classification.OFFICIAL_SENSITIVE, sections=["referrals"], requested_by=coordinator
            )
        )
        same = _make(report_make_again(report=first, requested_by=coordinator))
        day = first.period_start + timedelta(days=3)  # inside the report's period
        ReferralFactory(submitted_on=day, submitted_at=datetime(day.year, day.month, day.day, 10, tzinfo=LONDON))
        changed = _make(report_make_again(report=first, requested_by=coordinator))

    assert changed.figures_sha256 != first.figures_sha256 and changed.same_figures_as_first is False
    assert changed.sha256 != first.sha256
    assert changed.made_at == changed.created_at and changed.made_as_number == changed.pk

    client = client_for(coordinator)
    page = client.get(reverse("reports:detail", args=[same.pk])).content.decode()
    assert "Same figures as the first making" in page and first.figures_sha256 in page
    assert "The file is the same, byte for byte." in page
    page = client.get(reverse("reports:detail", args=[changed.pk])).content.decode()
    assert "Figures differ" in page and changed.figures_sha256 in page


def test_a_report_pdf_is_tagged_pdf_ua(dataset, coordinator):
    with frozen(TODAY):
        report = _make(ReportFactory(sections=ALL_SECTIONS, requested_by=coordinator))
    assert_tagged_pdf_ua(_file(report))


def test_tables_and_figures_are_numbered_without_gaps(dataset):
    from reports.rendering import report_gather
    from reports.services import report_parameters

    params = report_parameters(
        title="T", committee="C", period_start=PERIOD[0], period_end=PERIOD[1],
        classification=Classification.OFFICIAL_SENSITIVE,
    )  # fmt: skip
    for section in report_gather(params):
        tables = [b.number for b in section.blocks if getattr(b, "kind", "") == "table"]
        figures = [b.number for b in section.blocks if getattr(b, "kind", "") == "chart"]
        assert tables == [f"{section.number}.{i}" for i in range(1, len(tables) + 1)]
        assert figures == [f"{section.number}.{i}" for i in range(1, len(figures) + 1)]


def test_chart_labels_wrap_instead_of_being_cut():
    from reports.sections.base import Bar, Chart

    label = "Fascination with extreme violence or mass casualty attacks (no other ideology)"
    chart = Chart(title="t", bars=[Bar(label, 3, "3"), Bar("Islamist", 5, "5")])
    lines = [line["text"] for line in chart.geometry()[0]["lines"]]
    assert len(lines) > 1 and " ".join(lines) == label
    assert chart.height > 2 * Chart.ROW + 8  # the wrapped row is taller


def test_the_creation_date_is_the_stored_time_not_the_rendering_time(dataset, coordinator):
    with frozen(date(2026, 10, 5)):
        report = ReportFactory(sections=["schools"], requested_by=coordinator)
    with frozen(TODAY):
        report = _make(report)
    assert report.made_at == report.created_at
    reader = PdfReader(io.BytesIO(_file(report)))
    assert reader.metadata.creation_date.date() == date(2026, 10, 5)
    assert "5 October 2026" in reader.pages[0].extract_text()
