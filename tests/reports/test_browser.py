"""A coordinator asks for a report in a real browser and sees its progress page and the download link; the
progress page updates by itself through the status endpoint (static script, aria-live region)."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from reports.models import Report, ReportState

from .factories import ReportFactory

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("REPORT_SCREENSHOTS", "")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_coordinator_requests_a_report_and_downloads_it(page, live_server, sign_in, coordinator):
    sign_in(page, coordinator)
    page.goto(f"{live_server.url}/reports/new/")
    page.get_by_label("Committee").fill("Scrutiny Co-ordination Committee")
    # General Release: one of the council's reporting periods, the latest that has ended (listed first).
    page.get_by_label("Reporting period").select_option(index=1)
    _shot(page, "request")
    page.get_by_role("button", name="Make the report").click()
    page.get_by_role("link", name="Download the report (PDF)").wait_for()
    _shot(page, "detail-done")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report (PDF)").click()
    assert "-OFFICIAL-" in download.value.suggested_filename
    page.goto(f"{live_server.url}/reports/")
    expect(page.get_by_role("link", name="Prevent duty: delivery update")).to_be_visible()
    _shot(page, "list")
    page.goto(f"{live_server.url}/reports/schedules/new/")
    page.get_by_role("button", name="Save the schedule").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    _shot(page, "schedule-errors")


def test_progress_page_updates_itself_until_the_report_is_ready(phone_page, live_server, sign_in, coordinator):
    report = ReportFactory(requested_by=coordinator, state=ReportState.RUNNING, progress=40)
    sign_in(phone_page, coordinator)
    phone_page.goto(f"{live_server.url}/reports/{report.pk}/")
    assert phone_page.locator("#report-progress-text").inner_text().strip()
    _shot(phone_page, "detail-running-phone")
    Report.objects.filter(pk=report.pk).update(progress=80, progress_note="Making the PDF")
    phone_page.get_by_text("Making the PDF: 80% done.").wait_for(timeout=10_000)
    Report.objects.filter(pk=report.pk).update(state=ReportState.FAILED, error="The file could not be saved.")
    phone_page.get_by_role("button", name="Try again").wait_for(timeout=10_000)
    _shot(phone_page, "detail-failed-phone")
