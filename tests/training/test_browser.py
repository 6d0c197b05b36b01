from __future__ import annotations

import os
from typing import Any

import pytest
from playwright.sync_api import expect

from schools.models import School
from training.models import Session

pytestmark = pytest.mark.browser


def test_coordinator_enters_a_session_with_attendance_and_reads_the_dashboard(
    page: Any, live_server: Any, sign_in: Any, coordinator: Any, axe: Any
) -> None:
    schools = School.objects.bulk_create(
        School(urn=310000 + i, la_code="888", name=f"Brightwell School {i}") for i in range(30)
    )
    sign_in(page, coordinator)
    page.goto(f"{live_server.url}/training/sessions/")
    page.get_by_role("link", name="Add a session").click()
    page.get_by_label("Course").select_option(label="Workshop to Raise Awareness of Prevent (WRAP)")
    for part, value in enumerate(["14", "10", "2026"]):
        page.locator(f"#id_held_on_{part}").fill(value)
    page.get_by_label("Venue (optional)").fill("Council House, Committee Room 2")
    page.get_by_label("Schools and other bodies that attended").fill(
        "\n".join(f"{s.urn}\t{2 + i % 5}" for i, s in enumerate(schools))
    )
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session saved with 30 schools.")).to_be_visible()
    expect(page.get_by_role("link", name="Brightwell School 0")).to_be_visible()
    session = Session.objects.get()
    assert session.attendances.count() == 30

    page.get_by_role("link", name="Record feedback and quality").click()
    page.get_by_label("Feedback forms returned").fill("60")
    page.get_by_label("Of those, how many reported a better understanding").fill("59")
    page.get_by_role("button", name="Save feedback").click()
    expect(page.get_by_text("Feedback saved.")).to_be_visible()
    page.goto(f"{live_server.url}/training/?on=2026-11-23")
    expect(page.get_by_role("heading", name="Training uptake")).to_be_visible()
    expect(page.get_by_role("img", name="Share of open schools that had accessed training, over time")).to_be_visible()
    for path, heading in (
        ("import/", "Import training attendance"),
        ("refreshers/", "DSL Prevent training due"),
        ("courses/", "Courses"),
        ("sessions/", "Training sessions"),
        ("record-e-learning/", "Record Home Office e-learning"),
        ("my-training/", "Your Prevent training"),
    ):
        page.goto(f"{live_server.url}/training/{path}")
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    assert len(axe.checked) >= 8, axe.checked


def test_dsl_reads_their_school_training_on_a_phone(
    phone_page: Any, live_server: Any, sign_in: Any, dsl: Any, school: School, axe: Any
) -> None:
    from tests.training.factories import AttendanceFactory

    attendance = AttendanceFactory(school=school)
    sign_in(phone_page, dsl)
    phone_page.goto(f"{live_server.url}/training/")
    expect(phone_page.get_by_role("heading", name="Your school's training")).to_be_visible()
    phone_page.goto(f"{live_server.url}/training/attendance/{attendance.pk}/")
    expect(phone_page.get_by_role("heading", name="Named people")).to_be_visible()
    phone_page.get_by_label("Full name").fill("Dee Eskay")
    phone_page.get_by_role("button", name="Add person").click()
    expect(phone_page.get_by_text("Person added.")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    phone_page.goto(f"{live_server.url}/training/record-e-learning/")
    expect(phone_page.get_by_role("heading", name="Record Home Office e-learning")).to_be_visible()
    phone_page.get_by_label("Course").select_option(label="Prevent duty e-learning: Awareness")
    for part, value in enumerate(["2", "11", "2026"]):
        phone_page.locator(f"#id_completed_on_{part}").fill(value)
    phone_page.get_by_label("Number of other staff who completed it").fill("4")
    phone_page.get_by_role("button", name="Record e-learning").click()
    expect(phone_page.get_by_text("E-learning recorded.")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375


SHOTS = os.environ.get("TRAINER_SCREENSHOTS", "")


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_coordinator_finds_the_accredited_trainer_by_typing_and_chooses_among_several(
    page: Any, live_server: Any, sign_in: Any, coordinator: Any, axe: Any
) -> None:
    from tests.schools.factories import ContactFactory, SchoolFactory
    from tests.training.test_trainer_choice import _accredit

    _accredit(ContactFactory(full_name="Priya Shah", school=SchoolFactory(name="Larkhill Primary School")))
    wanted = _accredit(ContactFactory(full_name="Priya Shahid", school=SchoolFactory(name="Quayside Academy")))
    sign_in(page, coordinator)
    for width in (1280, 320):  # desktop, then the narrowest phone: axe runs on each load
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/training/sessions/add/")
        page.get_by_label("Course").select_option(label="Workshop to Raise Awareness of Prevent (WRAP)")
        for part, value in enumerate(["14", "10", "2026"]):
            page.locator(f"#id_held_on_{part}").fill(value)
        page.get_by_label("Accredited trainer at a school (optional)").fill("priya")
        page.get_by_role("button", name="Save session").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("More than one accredited trainer matches ‘priya’: choose one")
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        _shot(page, f"trainer-several-{width}")
        summary.get_by_role("link").click()  # the summary takes focus to the first to choose from
        expect(page.locator("#id_trainer_contact_choice_1")).to_be_focused()
    page.get_by_label("Priya Shahid, Quayside Academy").check()
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session saved with 0 schools.")).to_be_visible()
    _shot(page, "trainer-saved-320")
    assert Session.objects.get(course__code="WRAP").trainer_contact == wanted
    page.get_by_role("link", name="Change the session or add schools").click()
    expect(page.get_by_label("Accredited trainer at a school (optional)")).to_have_value(
        "Priya Shahid, Quayside Academy"
    )
    assert len(axe.checked) >= 5, axe.checked
