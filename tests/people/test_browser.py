"""In the browser: a coordinator confirms that a second referral (name spelt differently, same date of birth) is
about the person of an earlier one, and both referral pages then show the history; a chair transfers a case out
and downloads its transfer pack. axe runs on every page (tests/support/browser.py)."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from people.services import person_for_new_referral
from tests.channel.factories import CaseFactory, adopted
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.browser


def test_a_coordinator_confirms_a_proposed_match_and_both_pages_show_the_history(
    page, live_server, sign_in, coordinator, school
):
    earlier = ReferralFactory(first_name="Mohammed", last_name="Khan", date_of_birth=date(2011, 3, 4), school=school)
    person_for_new_referral(referral=earlier)
    second = ReferralFactory(first_name="Muhammad", last_name="Kahn", date_of_birth=date(2011, 3, 4), school=school)
    person_for_new_referral(referral=second)

    sign_in(page, coordinator)
    page.goto(f"{live_server.url}/referrals/{second.pk}/")
    expect(page.locator("#match-proposals")).to_have_text("1 possible earlier referral")
    page.get_by_role("link", name="Check for earlier referrals of this person").click()
    expect(page.get_by_role("heading", name="Earlier referrals of this person")).to_be_visible()
    expect(page.get_by_text("same date of birth")).to_be_visible()
    page.get_by_role("button", name="Confirm: the same person").click()

    expect(page.get_by_text("Match confirmed")).to_be_visible()
    expect(page.get_by_role("link", name=earlier.reference)).to_be_visible()
    page.get_by_role("link", name=earlier.reference).click()
    expect(page.get_by_role("heading", name=earlier.reference)).to_be_visible()
    expect(page.get_by_role("link", name=second.reference)).to_be_visible()


def test_a_chair_transfers_a_case_out_and_downloads_the_pack(page, live_server, sign_in, panel_chair, panel):
    case = adopted(CaseFactory(panel=panel))
    person_for_new_referral(referral=case.referral)
    sign_in(page, panel_chair)
    page.goto(f"{live_server.url}/panels/cases/{case.pk}/")
    page.get_by_role("link", name="Transfer to another area").click()
    page.get_by_role("button", name="Transfer the case").click()  # nothing filled in: the error summary
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    page.get_by_label("Receiving local authority").fill("Eastmoor Borough Council")
    page.get_by_label("Contact's name").fill("Pat Receiver")
    page.get_by_label("Contact's email address").fill("prevent@eastmoor.example")
    page.get_by_label("Reason for the transfer").fill("The family moved to Eastmoor.")
    page.get_by_role("button", name="Transfer the case").click()
    expect(page.get_by_text("Transferred to another area").first).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the transfer pack (PDF, OFFICIAL-SENSITIVE)").click()
    assert download.value.suggested_filename.startswith("transfer-pack-")
