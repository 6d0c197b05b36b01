"""A coordinator downloads a long list in a real browser: the export link leads to the download's page, which
changes by itself from "being made" to the file's link (static script, aria-live region), and the file comes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from core import downloads
from core.models import ListDownload

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("DOWNLOAD_SCREENSHOTS", "")


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_a_long_list_is_downloaded_from_its_own_page(
    page: Any, live_server: Any, sign_in: Any, coordinator: Any, settings: Any, three_sessions: None
) -> None:
    settings.EXPORT_INLINE_ROWS = 2  # the task runs in process after the commit (no Redis): ready at once
    sign_in(page, coordinator)
    page.goto(f"{live_server.url}/training/sessions/")
    page.get_by_role("link", name="Download these sessions (CSV)").click()
    expect(page.get_by_role("heading", level=1, name="Training sessions")).to_be_visible()
    expect(page.get_by_text("The file is ready: 3 rows")).to_be_visible()
    _shot(page, "download-ready")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download training-sessions-").click()
    assert download.value.suggested_filename.endswith(".csv")
    assert Path(download.value.path()).read_text(encoding="utf-8").count("\n") == 4
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Training sessions").first.click()
    expect(page.get_by_text("The file is ready: 3 rows")).to_be_visible()


def test_the_page_changes_by_itself_when_the_file_is_ready(
    phone_page: Any, live_server: Any, sign_in: Any, coordinator: Any, settings: Any, three_sessions: None
) -> None:
    settings.EXPORT_INLINE_ROWS = 2
    # Asked for, its task not yet run (as while a worker is busy): the row alone.
    download = ListDownload.objects.create(
        requested_by=coordinator, export="training.sessions", title="Training sessions", params=""
    )
    sign_in(phone_page, coordinator)
    phone_page.goto(f"{live_server.url}/downloads/{download.pk}/")
    expect(phone_page.locator("#download-state")).to_have_text("The file is being made.")
    _shot(phone_page, "download-waiting-phone")
    downloads.download_prepare(download_id=download.pk)
    phone_page.get_by_role("link", name="Download training-sessions-").wait_for(timeout=15_000)
    _shot(phone_page, "download-ready-phone")
