"""Browser harness: real headless Chromium (Debian's /usr/bin/chromium, never a downloaded browser) driven by
Playwright, with axe-core run on every page a test visits and a screenshot kept when a test fails."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .services import CHROMIUM, chromium_available, require

ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", "test-artifacts"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BLOCKING_IMPACTS = {"moderate", "serious", "critical"}
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
CONTEXT_OPTIONS = {"locale": "en-GB", "timezone_id": "Europe/London"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Any]:
    require(chromium_available(), f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def chromium(_playwright: Any) -> Iterator[Any]:
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


class AxeChecker:
    """Runs axe-core on each page load; collects serious and critical violations to fail the test."""

    def __init__(self) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.problems: list[str] = []
        self.checked: list[str] = []

    def check(self, page: Any) -> None:
        """Checks the page just loaded. The test drives the page on while this runs, so a click or a goto may
        leave the page before axe has finished: then the same address is opened again and checked there, so no
        page the test reached goes unchecked. It is opened in a browser context of its own holding a copy of the
        test's cookies, never beside the test's page: a sign-in rotates the session, and a second GET sent with
        the old cookie is answered with a Set-Cookie deleting it, which in a shared cookie jar would sign the
        test's page out halfway through its two steps."""
        from playwright.sync_api import Error as PlaywrightError

        url = page.url
        try:
            results = self.axe.run(page)
        except PlaywrightError as error:
            if "Execution context was destroyed" not in str(error):
                raise
            browser = page.context.browser
            isolated = browser.new_context(
                storage_state=page.context.storage_state(), viewport=page.viewport_size, **CONTEXT_OPTIONS
            )
            try:
                again = isolated.new_page()
                again.goto(url)
                results = self.axe.run(again)
            finally:
                isolated.close()
        self.checked.append(url)
        for violation in results.response.get("violations", []):
            if violation.get("impact") in BLOCKING_IMPACTS:
                targets = [n.get("target") for n in violation.get("nodes", [])][:3]
                self.problems.append(f"{url}: {violation['impact']} {violation['id']}: {violation['help']} {targets}")


@pytest.fixture
def axe() -> AxeChecker:
    return AxeChecker()


def _make_page(chromium: Any, request: Any, axe: AxeChecker, viewport: dict[str, int]) -> Iterator[Any]:
    context = chromium.new_context(viewport=viewport, **CONTEXT_OPTIONS)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("load", lambda p: axe.check(p))
    yield page
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{request.node.name}.png".replace("/", "_")
        page.screenshot(path=str(path), full_page=True)
        print(f"screenshot saved: {path}")
    context.close()
    if not failed:
        assert not axe.problems, "axe found serious or critical violations:\n" + "\n".join(axe.problems)


@pytest.fixture
def page(chromium: Any, request: Any, axe: AxeChecker, transactional_db: Any) -> Iterator[Any]:
    """A desktop-sized page; axe runs on every load and the test fails on a serious or critical violation."""
    yield from _make_page(chromium, request, axe, DESKTOP)


@pytest.fixture
def phone_page(chromium: Any, request: Any, axe: AxeChecker, transactional_db: Any) -> Iterator[Any]:
    """A 375 px wide page, as on a phone."""
    yield from _make_page(chromium, request, axe, PHONE)


@pytest.fixture
def sign_in(live_server: Any) -> Callable[..., None]:
    """sign_in(page, user): the real two-step sign-in through the pages, with the user's current TOTP code."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.accounts.factories import TEST_PASSWORD

    def do(page: Any, user: Any, password: str = TEST_PASSWORD) -> None:
        page.goto(f"{live_server.url}/accounts/sign-in/")
        page.get_by_label("Email address").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
        page.get_by_label("Security code").fill(code)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(f"{live_server.url}/**")

    return do
