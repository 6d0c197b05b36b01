from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_sign_in_page_and_home_page_in_a_real_browser(page, live_server, sign_in, coordinator, axe):
    page.goto(f"{live_server.url}/accounts/sign-in/")
    expect(page.get_by_role("heading", name="Sign in to the Prevent Portal")).to_be_visible()
    # GOV.UK Frontend's JS ran (its module loaded under the CSP) and fonts fell back to Arial.
    assert "govuk-frontend-supported" in page.eval_on_selector("body", "b => b.className")
    sign_in(page, coordinator)
    expect(page.get_by_role("heading", name="Welcome, Cora")).to_be_visible()
    expect(page.get_by_role("link", name="Accessibility statement")).to_be_visible()
    assert len(axe.checked) >= 3


def test_bad_sign_in_shows_the_error_summary(page, live_server, coordinator):
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert "There is a problem" in summary.inner_text()
