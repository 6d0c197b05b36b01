"""The GOV.UK timeout warning in a real browser: it opens before the session ends, "Stay signed in" keeps the
session, "Sign out" ends it, and a warning left alone ends at the sign-in page saying why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def short_session(settings):
    # A 10-second session warned 8 seconds ahead: the dialog opens 2 seconds after a page loads.
    settings.SESSION_IDLE_TIMEOUT = timedelta(seconds=10)
    settings.SESSION_TIMEOUT_WARNING = timedelta(seconds=8)


def test_stay_signed_in_keeps_the_session(page, live_server, sign_in, adviser, axe, short_session):
    sign_in(page, adviser)
    page.goto(f"{live_server.url}/schools/")
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=6000)
    # Focus moved into the dialog (its heading), and the warning was put to screen readers.
    assert page.evaluate("document.activeElement.id") == "timeout-warning-heading"
    expect(page.locator(".js-timeout-announce")).to_contain_text("We will sign you out in")
    axe.check(page)
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    # Past the first session's end: still signed in, on the same page.
    page.wait_for_timeout(4000)
    assert page.url == f"{live_server.url}/schools/"
    page.goto(f"{live_server.url}/schools/")
    assert page.url == f"{live_server.url}/schools/"
    expect(page.get_by_role("heading", name="Schools", exact=True)).to_be_visible()


def test_escape_means_stay_and_focus_goes_back(page, live_server, sign_in, adviser, short_session):
    sign_in(page, adviser)
    page.goto(f"{live_server.url}/schools/")
    page.get_by_role("link", name="Accessibility statement").focus()
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=6000)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert page.evaluate("document.activeElement.textContent") == "Accessibility statement"


def test_sign_out_from_the_warning(page, live_server, sign_in, adviser, short_session):
    sign_in(page, adviser)
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=6000)
    dialog.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to the Prevent Portal")).to_be_visible()
    page.goto(f"{live_server.url}/schools/")
    expect(page.get_by_role("heading", name="Sign in to the Prevent Portal")).to_be_visible()


def test_a_warning_left_alone_ends_at_the_sign_in_page(page, live_server, sign_in, adviser, short_session):
    sign_in(page, adviser)
    page.goto(f"{live_server.url}/schools/")
    expect(page.get_by_role("dialog")).to_be_visible(timeout=6000)
    expect(page.get_by_text("You were signed out to keep information safe")).to_be_visible(timeout=15000)
    assert "/accounts/sign-in/" in page.url
