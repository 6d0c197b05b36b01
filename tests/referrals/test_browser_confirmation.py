"""A coordinator proposes "No further action" on a referral whose screening found a risk of imminent harm; it
waits as "Decision awaiting confirmation" until a second coordinator, from their home page, reads the rationale
and confirms it. axe runs on every page (tests/support/browser.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from referrals.models import Decision, EventKind, ScreeningQuestion, Status
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.browser


def go(page, locator) -> None:
    with page.expect_navigation(wait_until="load"):
        locator.click()


def test_a_second_coordinator_confirms_nfa_on_an_escalated_referral(
    page, live_server, sign_in, coordinator, make_user, dsl, school
):
    second = make_user(Role.COORDINATOR, full_name="Sol Econd")
    referral = ReferralFactory(school=school, created_by=dsl)
    escalating = ScreeningQuestion.objects.get(escalates=True)

    sign_in(page, coordinator)
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    go(page, page.get_by_role("link", name="Screening questions"))
    for question in ScreeningQuestion.objects.filter(is_active=True):
        answer = "yes" if question.pk == escalating.pk else "no"
        page.locator(f"input[name=q{question.pk}_answer][value={answer}]").check()
    go(page, page.get_by_role("button", name="Save screening answers"))
    go(page, page.get_by_role("link", name="Record a decision"))
    expect(page.get_by_text(re.compile("needs a written rationale and a second coordinator"))).to_be_visible()
    page.get_by_label("No further action").check()
    go(page, page.get_by_role("button", name="Continue"))
    # No rationale: the error summary, nothing recorded
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    page.get_by_label("Reasons for the decision").fill("Police Prevent lead confirms the threat was a hoax.")
    go(page, page.get_by_role("button", name="Continue"))
    expect(page.get_by_role("heading", name='You are about to propose "No further action"')).to_be_visible()
    expect(page.get_by_text(re.compile("will not take effect until a second Prevent coordinator"))).to_be_visible()
    go(page, page.get_by_role("button", name="Propose the decision"))
    expect(page.locator("#referral-status")).to_have_text("Decision awaiting confirmation")
    expect(page.get_by_role("link", name="Confirm or send back the decision")).to_have_count(0)
    page.goto(f"{live_server.url}/referrals/?tab=confirmation")
    expect(page.get_by_role("link", name=referral.reference)).to_be_visible()
    referral.refresh_from_db()
    assert referral.status == Status.AWAITING_CONFIRMATION and referral.decision == ""

    page.context.clear_cookies()
    sign_in(page, second)
    page.goto(f"{live_server.url}/")
    expect(page.locator("#decisions-to-confirm")).to_contain_text(referral.reference)
    go(page, page.locator("#decisions-to-confirm").get_by_role("link", name=re.compile(referral.reference)))
    expect(page.get_by_role("heading", name='You are about to confirm "No further action"')).to_be_visible()
    expect(page.get_by_text("Police Prevent lead confirms the threat was a hoax.")).to_be_visible()
    go(page, page.get_by_role("button", name="Confirm the decision"))
    expect(page.locator("#referral-status")).to_have_text("Decided")
    expect(page.locator("#decided-by")).to_have_text(f"{coordinator}, confirmed by {second}")
    expect(page.locator(".portal-timeline")).to_contain_text(f"Proposed by {coordinator}, confirmed by {second}")

    referral.refresh_from_db()
    assert referral.decision == Decision.NO_FURTHER_ACTION
    assert referral.decided_by == coordinator and referral.decision_confirmed_by == second
    assert referral.events.filter(kind=EventKind.PROPOSED, actor=coordinator).exists()
