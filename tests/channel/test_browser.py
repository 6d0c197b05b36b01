"""A chair builds an agenda, records the panel's decision to adopt, the person's consent and a support plan, and
starts support; a member of another panel cannot open the case. axe runs on every page (tests/support/browser.py)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from channel.models.cases import Case, Stage
from tests.channel.factories import CaseFactory, MeetingFactory, PanelFactory

pytestmark = pytest.mark.browser


def go(page, locator) -> None:
    """Click a link or button and wait for the next page to load (and axe to check it) before going on."""
    with page.expect_navigation(wait_until="load"):
        locator.click()


def test_chair_adopts_a_case_at_a_meeting_and_a_member_of_another_panel_cannot_open_it(
    page, live_server, sign_in, panel_chair, panel_member, panel, make_user
):
    case = CaseFactory(panel=panel)
    meeting = MeetingFactory(panel=panel, held_on=timezone.localdate())
    outsider = make_user(
        Role.PANEL_MEMBER, panel=PanelFactory(name="Northbrook Safeguarding Adults Panel"), agency="Health"
    )

    sign_in(page, panel_chair)
    page.goto(f"{live_server.url}/panels/meetings/{meeting.pk}/")
    go(page, page.get_by_role("link", name="Build the agenda"))
    assert page.get_by_label(re.compile(case.referral.reference)).is_checked()
    go(page, page.get_by_role("button", name="Add to agenda"))
    expect(page.get_by_text("Agenda updated.")).to_be_visible()
    go(page, page.get_by_role("link", name=f"Record minutes and decision for {case.referral.reference}"))
    page.get_by_label("Minutes for this case").fill("Partners shared what they know; support is needed.")
    page.get_by_label("Adopt the case").check()
    go(page, page.get_by_role("button", name="Record decision"))
    expect(page.get_by_role("heading", name=re.compile('You are about to record "Adopt the case"'))).to_be_visible()
    go(page, page.get_by_role("button", name="Record it"))
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Adopt the case"))).to_be_visible()
    go(page, page.get_by_role("link", name=case.referral.reference))
    expect(page.get_by_role("heading", name=re.compile("Adopted"))).to_be_visible()
    go(page, page.get_by_role("link", name="Start support"))
    expect(page.get_by_text("Support cannot start without consent.")).to_be_visible()
    go(page, page.get_by_role("link", name="Record consent").first)
    page.get_by_label("The person (informed consent)").check()
    page.get_by_label("Given").check()
    go(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_text("Consent recorded.")).to_be_visible()
    go(page, page.get_by_role("link", name="Add to the support plan"))
    page.get_by_label("Intervention Provider or mentor").check()
    page.get_by_label("Provider or service").fill("Northbrook Mentoring Service")
    page.get_by_label("Weekly").check()
    go(page, page.get_by_role("button", name="Add to the support plan"))
    expect(page.get_by_text("Support plan updated.")).to_be_visible()
    go(page, page.get_by_role("link", name="Start support"))
    go(page, page.get_by_role("button", name="Record that support has started"))
    expect(page.get_by_text("Support has started.")).to_be_visible()
    go(page, page.get_by_role("link", name="Record a contact for Northbrook Mentoring Service"))
    page.get_by_label("By whom").fill("Alex Mentor")
    go(page, page.get_by_role("button", name="Record the contact"))
    expect(page.get_by_text("Contact recorded.")).to_be_visible()
    expect(page.get_by_text("1 contact, the last on")).to_be_visible()
    case.refresh_from_db()
    assert case.stage == Stage.SUPPORT
    assert case.support_items.count() == 1 and case.consents.count() == 1

    page.context.clear_cookies()
    sign_in(page, outsider)
    response = page.goto(f"{live_server.url}/panels/cases/{case.pk}/")
    assert response.status == 404
    assert Case.objects.get(pk=case.pk).referral.reference not in page.content()


def test_a_chair_goes_from_the_home_page_counts_to_the_cases_that_need_attention(
    page, live_server, sign_in, panel_chair, panel
):
    for _ in range(7):
        case = CaseFactory(panel=panel)
        Case.objects.filter(pk=case.pk).update(consent_withdrawn_on=timezone.localdate() - timezone.timedelta(days=2))
    sign_in(page, panel_chair)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Cases that need attention: 7")).to_be_visible()
    expect(page.locator("#flagged-cases > li")).to_have_count(5)
    page.get_by_role("link", name="Consent withdrawn: exit or exception decision needed: 7").click()
    expect(page.get_by_role("heading", level=1, name="Cases that need attention")).to_be_visible()
    expect(page.locator("#attention-cases tbody tr")).to_have_count(7)
    page.get_by_role("link", name="All cases that need attention: 7").click()
    page.locator("#attention-cases a").first.click()
    expect(page.get_by_text("Consent withdrawn on").first).to_be_visible()
