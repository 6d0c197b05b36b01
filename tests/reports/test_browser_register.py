"""The publication register in a real browser: a coordinator finds it from the reports page, sees a released
period, and releases revised figures for it (the revision is checked and made into a report); the register reads
at desktop width and at 375 and 320 px. A role without the capability is refused the register and the revision
page, and is not offered the link. axe runs on every page (moderate findings and worse fail)."""

from __future__ import annotations

import os
from datetime import date

import pytest
from playwright.sync_api import expect

from reports.models import Classification, Release, Report, ReportState
from reports.services import report_request
from tests.support.browser import DESKTOP

from .data import make_referrals

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("frozen_today")]
SHOTS = os.environ.get("REPORT_SCREENSHOTS", "")
QUARTER = (date(2026, 7, 1), date(2026, 9, 30))  # ended before TODAY; data.make_referrals puts people in it
PERIOD_TEXT = "1 July 2026 to 30 September 2026"


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _checked(page, axe, before: int) -> None:
    """Waits until axe has checked the page just loaded (it runs on the load event, when Playwright next handles
    events): a navigation started before then would leave that page unchecked."""
    for _ in range(200):
        if page.url in axe.checked[before:]:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"axe did not check {page.url}")


def _released_quarter(coordinator) -> Release:
    make_referrals()
    report = report_request(
        requested_by=coordinator,
        title="Prevent duty: delivery update",
        committee="Scrutiny Co-ordination Committee",
        period_start=QUARTER[0],
        period_end=QUARTER[1],
        classification=Classification.GENERAL_RELEASE,
        sections=["referrals", "panels"],
    )
    report.refresh_from_db()
    assert report.state == ReportState.DONE, report.error
    return Release.objects.get(report=report)


def test_a_coordinator_sees_the_register_and_releases_revised_figures(page, live_server, sign_in, coordinator, axe):
    from tests.referrals.factories import ReferralFactory

    original = _released_quarter(coordinator)
    ReferralFactory(submitted_on=date(2026, 9, 29))  # recorded late: the reason to revise
    sign_in(page, coordinator)
    before = len(axe.checked)
    page.goto(f"{live_server.url}/reports/")
    _checked(page, axe, before)
    before = len(axe.checked)
    page.get_by_role("link", name="Publication register").click()
    expect(page.get_by_role("heading", name="Publication register", level=1)).to_be_visible()
    _checked(page, axe, before)
    row = page.get_by_role("row").filter(has_text=PERIOD_TEXT)
    expect(row).to_have_count(1)
    expect(row.locator(".govuk-tag")).to_have_text("Current")
    expect(row.get_by_role("link", name="Prevent duty: delivery update")).to_be_visible()
    _shot(page, "register-desktop")
    for width in (375, 320):
        # Loaded again at this width, so that axe (run on every load) checks the page as it is laid out there.
        page.set_viewport_size({"width": width, "height": 800})
        before = len(axe.checked)
        page.reload()
        expect(page.get_by_role("heading", name="Publication register", level=1)).to_be_visible()
        _checked(page, axe, before)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"the register scrolls at {width} px"
        _shot(page, f"register-{width}")
    page.set_viewport_size(DESKTOP)

    before = len(axe.checked)
    page.get_by_role("link", name=f"Release revised figures for {PERIOD_TEXT}").click()
    expect(page.get_by_role("heading", name=f"Release revised figures for {PERIOD_TEXT}")).to_be_visible()
    _checked(page, axe, before)
    _shot(page, "revise-desktop")
    page.set_viewport_size({"width": 320, "height": 800})
    before = len(axe.checked)
    page.get_by_role("button", name="Release revised figures").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why the figures are revised")
    _checked(page, axe, before)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    _shot(page, "revise-error-320")
    page.set_viewport_size(DESKTOP)
    _shot(page, "revise-error")
    page.get_by_label("Why are the figures revised?").fill("A referral from September was recorded late")
    before = len(axe.checked)
    page.get_by_role("button", name="Release revised figures").click()
    page.get_by_role("link", name="Download the report (PDF)").wait_for()
    _checked(page, axe, before)
    expect(page.locator("#report-release")).to_contain_text(
        "Revised figures for the period, released 23 November 2026, 12:00. Reason: A referral from September"
    )
    expect(page.get_by_text("except the figures of people: they print as released for the period")).to_be_visible()
    _shot(page, "revision-report")

    revision = Release.objects.get(revision_of=original)
    assert revision.reason == "A referral from September was recorded late" and revision.released_by == coordinator
    assert Report.objects.get(release=revision).state == ReportState.DONE
    before = len(axe.checked)
    page.goto(f"{live_server.url}/reports/register/")
    _checked(page, axe, before)
    rows = page.get_by_role("row").filter(has_text=PERIOD_TEXT)
    expect(rows).to_have_count(2)
    expect(rows.locator(".govuk-tag")).to_have_text(["Current", "Replaced by a revision"])
    expect(rows.first).to_contain_text("Revises the figures released 23 November 2026 12:00.")
    expect(rows.first).to_contain_text("Reason: A referral from September was recorded late")
    # Only the period's current figures may be revised again.
    expect(page.get_by_role("link", name=f"Release revised figures for {PERIOD_TEXT}")).to_have_count(1)
    _shot(page, "register-after-revision")
    # axe checked the register at desktop width, 375 and 320 px, and after the revision.
    assert len([url for url in axe.checked if url.endswith("/reports/register/")]) == 4


def test_a_role_without_the_capability_is_refused_the_register(phone_page, live_server, sign_in, coordinator, adviser):
    original = _released_quarter(coordinator)
    sign_in(phone_page, adviser)
    phone_page.goto(f"{live_server.url}/reports/")
    expect(phone_page.get_by_role("heading", name="Committee reports")).to_be_visible()
    expect(phone_page.get_by_role("link", name="Publication register")).to_have_count(0)
    for path in ("/reports/register/", f"/reports/register/{original.pk}/revise/"):
        response = phone_page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 403
        expect(phone_page.get_by_role("heading", name="You cannot do this")).to_be_visible()
        expect(phone_page.get_by_text("Only the Prevent coordinators ask for reports")).to_be_visible()
    _shot(phone_page, "register-refused-375")
    assert not Release.objects.filter(revision_of=original).exists()
