from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from schools.models import ChecklistConfirmation, ChecklistItem, Visit
from tests.schools.factories import ContactFactory

pytestmark = pytest.mark.browser


class Counted:
    """Counts what a person does on the page: each tap (a click, a choice from a list) and each field typed in."""

    def __init__(self, page):
        self.page, self.taps, self.fields, self.characters = page, 0, 0, 0

    def human_seconds(self):
        """A fast phone user, by the keystroke-level model: 1.5 s to find and tap a control, 0.3 s a character."""
        return 1.5 * self.taps + 0.3 * self.characters

    def tap(self, locator):
        self.taps += 1
        locator.click()

    def choose(self, locator, label):
        self.taps += 2  # open the list, pick the option
        locator.select_option(label=label)

    def type(self, locator, text):
        self.taps += 1
        self.fields += 1
        self.characters += len(text)
        locator.fill(text)


def test_adviser_logs_a_visit_with_two_actions_on_a_phone(phone_page, live_server, sign_in, adviser, school, axe):
    page = phone_page
    ContactFactory(school=school, full_name="Farah Holloway")
    sign_in(page, adviser)
    page.goto(f"{live_server.url}/schools/{school.urn}/")
    me = Counted(page)
    started = time.perf_counter()
    me.tap(page.get_by_role("link", name="Log a visit, call or e-mail"))
    # Today's date, "Visit", the school's tier, the adviser and each action's owner are already chosen.
    me.choose(page.get_by_label("Purpose"), "Policy and risk assessment review")
    me.type(page.get_by_label("Notes (optional)"), "Went through the risk assessment with the DSL.")
    me.type(page.locator("#id_action_1_description"), "Send the model risk assessment")
    me.tap(page.get_by_role("group", name="Due", exact=True).first.get_by_label("In 2 weeks", exact=False))
    me.type(page.locator("#id_action_2_description"), "Book WRAP for the new staff")
    me.tap(page.get_by_role("group", name="Due", exact=True).nth(1).get_by_label("In 4 weeks", exact=False))
    me.tap(page.get_by_role("button", name="Save visit"))
    expect(page.get_by_text("Visit saved.")).to_be_visible()
    seconds = time.perf_counter() - started
    print(
        f"visit with two actions at 375 px: {me.taps} taps, {me.fields} fields typed ({me.characters} characters), "
        f"about {me.human_seconds():.0f} s for a fast user ({seconds:.1f} s driven)"
    )
    assert me.taps <= 10 and me.fields <= 3 and me.human_seconds() < 60
    expect(page.get_by_text("Send the model risk assessment").first).to_be_visible()
    # Nothing on the page is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    visit = Visit.objects.get(school=school)
    today = timezone.localdate()
    assert visit.adviser == adviser and visit.visited_on == today
    assert sorted((a.owner, a.due_on) for a in visit.actions.all()) == [
        (adviser, today + timedelta(days=14)),
        (adviser, today + timedelta(days=28)),
    ]
    page.goto(f"{live_server.url}/schools/actions/")
    expect(page.get_by_role("link", name="Send the model risk assessment")).to_be_visible()
    assert len(axe.checked) >= 5


def test_dsl_edits_their_checklist(page, live_server, sign_in, dsl, school, axe):
    sign_in(page, dsl)
    page.get_by_role("link", name="Check your Prevent duty checklist").click()
    page.get_by_role("button", name="Save checklist").click()
    expect(
        page.get_by_role("alert").get_by_text("Select whether this is in place: prevent risk assessment")
    ).to_be_visible()
    for label in ChecklistItem.labels:
        page.get_by_role("group", name=label).get_by_label("In place", exact=True).check()
    page.get_by_role("group", name="Prevent risk assessment").get_by_label("I have checked this today").check()
    page.get_by_role("group", name="Online filtering and monitoring").get_by_label("Note (optional)").fill(
        "New provider from January"
    )
    page.get_by_role("button", name="Save checklist").click()
    expect(page.get_by_text("Prevent duty checklist saved.")).to_be_visible()
    row = ChecklistConfirmation.objects.get(school=school, item="risk_assessment")
    assert row.in_place and row.confirmed_on == timezone.localdate() and row.confirmed_by == dsl
    assert ChecklistConfirmation.objects.get(school=school, item="online_filtering").note == "New provider from January"
    assert len(axe.checked) >= 4


def test_two_advisers_editing_one_visit_the_second_sees_what_changed_and_keeps_their_text(
    chromium, live_server, sign_in, adviser, make_user, school, axe
):
    from accounts.roles import Role
    from tests.schools.factories import VisitFactory

    colleague = make_user(Role.ADVISER, full_name="Colm League")
    visit = VisitFactory(school=school, adviser=adviser, notes="Met the DSL.")
    url = f"{live_server.url}/schools/visits/{visit.pk}/edit/"
    mine, theirs = chromium.new_context().new_page(), chromium.new_context().new_page()
    sign_in(mine, adviser)
    sign_in(theirs, colleague)
    mine.goto(url)
    theirs.goto(url)
    theirs.get_by_label("Notes (optional)").fill("Met the DSL and the head.")
    theirs.get_by_role("button", name="Save changes").click()
    mine.get_by_label("Notes (optional)").fill("Met the DSL; policy reviewed.")
    mine.get_by_role("button", name="Save changes").click()
    summary = mine.get_by_role("alert")
    expect(summary).to_contain_text("Someone else changed this while you were editing")
    expect(mine.locator("#stale-edit")).to_contain_text("Met the DSL and the head.")
    expect(mine.get_by_label("Notes (optional)")).to_have_value("Met the DSL; policy reviewed.")
    mine.screenshot(path="test-artifacts/stale-visit-edit.png", full_page=True)
    axe.check(mine)
    mine.get_by_role("button", name="Save changes").click()  # saving again applies my text over theirs, on purpose
    visit.refresh_from_db()
    assert visit.notes == "Met the DSL; policy reviewed." and visit.version == 3
