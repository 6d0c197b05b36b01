"""In a real browser: a coordinator invites a designated safeguarding lead and gives them their school; the
invited person sets a password from the e-mailed link and is then asked to set up an authenticator."""

from __future__ import annotations

import os

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Membership, User
from core.models import AuditEvent
from tests.accounts.support import link_in

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("PORTAL_SCREENSHOTS")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_coordinator_invites_a_dsl_who_sets_a_password_and_must_enrol(
    page, live_server, sign_in, coordinator, school, axe
):
    sign_in(page, coordinator)
    page.get_by_role("link", name="Users", exact=True).first.click()
    _shot(page, "user-list")
    page.get_by_role("link", name="Invite a user").first.click()
    page.get_by_label("Full name").fill("Imogen Vale")
    page.get_by_label("Work email address").fill("imogen.vale@example.test")
    page.get_by_role("button", name="Send invitation").click()

    page.get_by_text("Designated safeguarding lead", exact=True).click()
    _shot(page, "membership-add")
    page.get_by_role("button", name="Add role").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the school")
    page.get_by_text("Designated safeguarding lead", exact=True).click()
    page.get_by_label("School (for a designated safeguarding lead)").fill("larkhill")
    page.get_by_role("button", name="Add role").click()
    expect(
        page.get_by_text("Imogen Vale is now Designated safeguarding lead (Larkhill Primary School)")
    ).to_be_visible()
    _shot(page, "user-detail")

    invited = User.objects.get(email="imogen.vale@example.test")
    assert Membership.objects.filter(user=invited, role="dsl", school=school).exists()
    assert AuditEvent.objects.filter(action="accounts.role_assigned", object_id=str(invited.pk)).exists()

    page.get_by_role("button", name="Sign out").click()
    assert len(mail.outbox) == 1
    page.goto(f"{live_server.url}{link_in(mail.outbox[0].body)}")
    page.get_by_label("New password", exact=True).fill("lantern-orchard-velvet-42")
    page.get_by_label("Confirm new password").fill("lantern-orchard-velvet-42")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_text("Your password is set")).to_be_visible()
    page.get_by_label("Email address").fill("imogen.vale@example.test")
    page.get_by_label("Password").fill("lantern-orchard-velvet-42")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/accounts/two-factor/set-up/")
    expect(page.locator("#totp-secret")).to_be_visible()
    assert len(axe.checked) >= 8
