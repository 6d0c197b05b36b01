"""In Chromium: an error summary link moves focus to the first radio of its question, and a printed referral carries
OFFICIAL-SENSITIVE at the top and bottom of every sheet. Screenshots of both go to test-artifacts/ for review."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from referrals.models import EventKind, ReferralEvent
from tests.referrals.factories import ReferralFactory
from tests.support.browser import ARTIFACTS, PHONE

pytestmark = pytest.mark.browser


def _screenshots(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-desktop.png"))
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"))


def test_the_summary_link_for_a_radio_question_focuses_its_first_radio(page, live_server, sign_in, dsl):
    sign_in(page, dsl)
    page.goto(f"{live_server.url}/referrals/new/")
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()

    assert page.title().startswith("Error: About the person")
    link = page.locator(".govuk-error-summary a", has_text=re.compile("Select the person"))
    first_radio = page.locator("input[name=gender]").first
    assert link.get_attribute("href") == "#" + first_radio.get_attribute("id")
    link.click()
    assert first_radio.evaluate("el => el === document.activeElement")
    page.evaluate("window.scrollTo(0, 0)")
    _screenshots(page, "error-summary")


def test_a_printed_referral_is_marked_on_every_sheet_without_navigation_or_buttons(
    page, live_server, sign_in, coordinator
):
    referral = ReferralFactory()
    for number in range(60):
        ReferralEvent.objects.create(
            referral=referral, kind=EventKind.NOTE, actor=coordinator, text=f"Note {number}: spoke to the school."
        )
    sign_in(page, coordinator)
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    expect(page.locator(".portal-marking").first).to_be_visible()
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    texts = [sheet.extract_text() for sheet in pdf.pages]
    assert len(texts) >= 2
    for number, text in enumerate(texts, start=1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, f"sheet {number} of {len(texts)}: {text[:300]!r}"
    whole = "\n".join(texts)
    assert "Note 59: spoke to the school." in whole
    assert "Sign out" not in whole and "Add a note" not in whole and "Skip to main content" not in whole
    _screenshots(page, "marking")
