"""In Chromium, with axe on every page: the coordinator searches the referral queue by part of a name, sorts it and
downloads what the search shows. Screenshots of the queue with its filters at desktop and phone width go to
test-artifacts/."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core.models import AuditEvent
from referrals.models import Status
from tests.referrals.factories import ReferralFactory
from tests.support.browser import ARTIFACTS, DESKTOP, PHONE

pytestmark = pytest.mark.browser


def test_the_coordinator_finds_referrals_by_part_of_a_name_and_downloads_them(
    page, live_server, sign_in, coordinator, school, team
):
    wanted = [
        ReferralFactory(first_name="Amira", last_name="Hollis", school=school, assigned_team=team),
        ReferralFactory(first_name="Tom", last_name="Hollister", status=Status.DECIDED, decision="nfa"),
    ]
    for number in range(12):
        ReferralFactory(first_name="Jo", last_name=f"Other{number}")
    sign_in(page, coordinator)
    page.goto(f"{live_server.url}/referrals/")
    expect(page.locator(".portal-tab-list [aria-current=page]")).to_have_text("New (13)")

    page.get_by_text("Search and filter referrals").click()
    page.get_by_label("Person's name").fill("holl")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    expect(page.locator("#referral-count")).to_have_text("2 referrals match the search")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)

    with page.expect_navigation():
        page.get_by_role("link", name="Person").click()
    header = page.locator("th[aria-sort=ascending]")
    expect(header).to_contain_text("Person")
    expect(rows.first).to_contain_text("Amira Hollis")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "referral-queue-search-desktop.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these referrals (CSV)").click()
    lines = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    assert [line[0] for line in lines[1:]] == [r.reference for r in wanted]
    assert AuditEvent.objects.filter(action="referrals.exported", actor=coordinator).count() == 1

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/referrals/")
    page.screenshot(path=str(ARTIFACTS / "referral-queue-phone.png"), full_page=True)
    page.get_by_text("Search and filter referrals").click()
    page.screenshot(path=str(ARTIFACTS / "referral-queue-filters-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
