"""A DSL makes a referral with the keyboard alone, sees its status and cannot open another school's referral;
a coordinator triages and decides it. axe runs on every page (tests/support/browser.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from referrals.models import Referral, Status
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.browser


FOCUSED = """([s, text]) => {
    const el = document.activeElement;
    return !!el && el.matches(s) && (!text || el.textContent.includes(text));
}"""


def tab_to(page, selector: str, text: str = "", limit: int = 120) -> None:
    """Press Tab until the focused element matches the CSS `selector` (and holds `text`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED, [selector, text]):
            return
    raise AssertionError(f"Tab never reached {selector} {text!r} on {page.url}")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def press_button(page, label: str) -> None:
    tab_to(page, "button", label)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_dsl_refers_by_keyboard_and_a_coordinator_decides(
    page, live_server, sign_in, dsl, other_dsl, coordinator, team, panel, other_school
):
    elsewhere = ReferralFactory(school=other_school, created_by=other_dsl)
    sign_in(page, dsl)
    page.goto(f"{live_server.url}/referrals/new/")
    press_button(page, "Start now")

    # About the person
    expect(page.get_by_role("heading", name="About the person")).to_be_visible()
    press_button(page, "Save and continue")  # nothing typed: the error summary, focused
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    type_into(page, "#id_first_name", "Sam")
    type_into(page, "#id_last_name", "Larkin <b>")
    type_into(page, "#id_date_of_birth_0", "1")
    type_into(page, "#id_date_of_birth_1", "5")
    type_into(page, "#id_date_of_birth_2", "2012")
    tab_to(page, "input[name=gender]")
    page.keyboard.press("ArrowDown")  # Female -> Male
    press_button(page, "Save and continue")

    # The school: the DSL's own, already chosen
    expect(page.get_by_role("heading", name="The person's school")).to_be_visible()
    press_button(page, "Save and continue")
    # Who is making the referral: filled in from the DSL's account and school
    expect(page.get_by_role("heading", name="Who is making the referral")).to_be_visible()
    press_button(page, "Save and continue")

    # The concern
    tab_to(page, "input[name=concern_type]")
    page.keyboard.press("Space")
    tab_to(page, "input[name=indicators]")
    page.keyboard.press("Space")
    type_into(page, "#id_narrative", "Shared a video praising an attack. <script>alert(1)</script>")
    type_into(page, "#id_came_to_light", "A friend told a teacher.")
    tab_to(page, "input[name=mass_casualty_interest]")
    page.keyboard.press("Space")
    press_button(page, "Save and continue")

    # Other needs and vulnerabilities, and what has been done
    for name in ("mental_health", "additional_needs", "exploitation", "online_harm", "other_safeguarding"):
        tab_to(page, f"input[name={name}]")
        page.keyboard.press("Space")
    press_button(page, "Save and continue")
    for name in ("person_aware", "family_aware", "family_spoken_to", "early_help", "team_around_child"):
        tab_to(page, f"input[name={name}]")
        page.keyboard.press("Space")
    press_button(page, "Save and continue")

    # Check your answers, then send
    expect(page.get_by_role("heading", name="Check your answers before sending the referral")).to_be_visible()
    assert "<script>alert(1)</script>" in page.locator("main").inner_text()  # shown as text, not run
    press_button(page, "Send referral")
    panel_text = page.locator(".govuk-panel").inner_text()
    reference = re.search(r"NB-\d{4}-\d{5}", panel_text).group(0)
    referral = Referral.objects.get(reference=reference)
    assert referral.school_id == dsl.memberships.get().school_id

    tab_to(page, "a", "the referral's page")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#referral-status").inner_text().strip() == "New"
    assert "Screening" not in page.locator("main").inner_text()

    response = page.goto(f"{live_server.url}/referrals/{elsewhere.pk}/")
    assert response.status == 404

    # The coordinator triages and decides
    page.context.clear_cookies()
    sign_in(page, coordinator)
    page.goto(f"{live_server.url}/referrals/?tab=new")
    page.get_by_role("link", name=reference).click()
    page.get_by_role("link", name="Assign").click()
    page.get_by_label("Team").select_option(label=team.name)
    page.get_by_role("button", name="Assign").click()
    page.get_by_role("link", name="Screening questions").click()
    page.locator("input[type=radio][value=yes]").first.check()
    page.get_by_role("button", name="Save screening answers").click()
    page.get_by_role("link", name="Add a note").click()
    page.get_by_label("Information gathered").check()
    page.get_by_label("Note", exact=True).fill("School confirms two incidents.")
    page.get_by_role("button", name="Add note").click()
    page.get_by_role("link", name="Record a decision").click()
    page.get_by_label(re.compile("Discuss at panel")).check()
    page.get_by_label("Reasons for the decision").fill("Needs a multi-agency plan.")
    page.get_by_label(re.compile("Reason for deciding without the full screening")).fill(
        "Urgent: police ask for a panel."
    )
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name=re.compile("You are about to record"))).to_be_visible()
    page.get_by_role("button", name="Record the decision").click()
    assert page.locator("#referral-status").inner_text().strip() == "Sent to panel"
    referral.refresh_from_db()
    assert referral.status == Status.AT_PANEL and referral.decision_panel == panel
