"""Long lists' downloads made in the background (core.downloads): the same rows and audit as a download made in
the request, only for the person who asked, a second click gets the same download, a refusal or a fault ends it
as failed with a reason, and it is deleted after DOWNLOAD_KEEP_HOURS."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse

from accounts.roles import Role
from core import downloads
from core.csv_export import list_export_for, list_exports
from core.models import AuditEvent, ListDownload, OutboxMessage
from core.tasks import download_prepare_task
from tests.support.clock import from_today
from tests.support.exports import csv_rows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

State = ListDownload.State


def test_every_export_view_is_registered_and_each_key_is_its_own() -> None:
    keys = [export.key for export in list_exports()]
    assert len(keys) == len(set(keys)) == 11
    for export in list_exports():
        assert export.list_url.startswith("/") and export.title and export.name


def test_a_list_at_the_limit_comes_straight_back(
    coordinator: Any, client_for: Any, settings: Any, three_sessions: None
) -> None:
    settings.EXPORT_INLINE_ROWS = 3
    response = client_for(coordinator).get(reverse("training:session_export"))
    assert response.status_code == 200 and len(csv_rows(response)) == 4
    assert not ListDownload.objects.exists()


def test_a_longer_list_is_made_in_the_background_with_the_same_rows_and_audit(
    coordinator: Any, client_for: Any, settings: Any, three_sessions: None, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(coordinator)
    inline = csv_rows(client.get(reverse("training:session_export"), {"sort": "date"}))
    settings.EXPORT_INLINE_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):  # the outbox starts the task after the commit
        response = client.get(reverse("training:session_export"), {"sort": "date"})
    download = ListDownload.objects.get()
    assert response.status_code == 302 and response.url == reverse("core:download", args=[download.pk])
    assert download.state == State.READY and download.rows == 3 and download.requested_by == coordinator
    assert download.file_name.startswith("training-sessions-2026") and download.params == "sort=date"

    page = client.get(response.url).content.decode()
    assert "The file is ready: 3 rows" in page and reverse("core:download_file", args=[download.pk]) in page
    assert f'href="{reverse("training:session_list")}?sort=date"' in page
    fetched = client.get(reverse("core:download_file", args=[download.pk]))
    assert "no-store" in fetched["Cache-Control"] and download.file_name in fetched["Content-Disposition"]
    assert csv_rows(fetched) == inline

    made = AuditEvent.objects.filter(action="training.sessions_exported").order_by("pk")
    assert [event.detail for event in made] == [
        "3 rows; filters: none; sort: date",
        "3 rows; filters: none; sort: date; made in the background",
    ]
    assert made[1].actor == coordinator
    fetch = AuditEvent.objects.get(action="core.download_fetched")
    assert fetch.actor == coordinator and fetch.detail == "training.sessions; 3 rows"


def test_the_page_says_the_file_is_being_made_until_it_is(
    coordinator: Any, client_for: Any, settings: Any, three_sessions: None
) -> None:
    settings.EXPORT_INLINE_ROWS = 2
    client = client_for(coordinator)
    response = client.get(reverse("training:session_export"))  # the commit never comes: the task waits
    download = ListDownload.objects.get()
    page = client.get(response.url).content.decode()
    assert "The file is being made." in page and "data-refresh-while-working" in page and "more than 2 rows" in page
    assert client.get(reverse("core:download_file", args=[download.pk])).status_code == 404
    assert OutboxMessage.objects.get().task_args == [download.pk]
    # A second click on the link while it is being made: the same download, no second task.
    assert client.get(reverse("training:session_export")).url == response.url
    assert ListDownload.objects.count() == OutboxMessage.objects.count() == 1
    # Other filters are another download.
    assert client.get(reverse("training:session_export"), {"sort": "date"}).url != response.url
    download_prepare_task(download.pk)
    assert "The file is ready" in client.get(response.url).content.decode()
    assert download_prepare_task(download.pk) == "skipped"  # delivered twice: made once
    assert AuditEvent.objects.filter(action="training.sessions_exported").count() == 1


def test_only_the_person_who_asked_may_see_or_fetch_it(
    coordinator: Any, make_user: Any, client_for: Any, client: Any, settings: Any, three_sessions: None,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    settings.EXPORT_INLINE_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        client_for(coordinator).get(reverse("training:session_export"))
    download = ListDownload.objects.get()
    colleague = client_for(make_user(Role.COORDINATOR))
    for name in ("core:download", "core:download_file"):
        url = reverse(name, args=[download.pk])
        assert colleague.get(url).status_code == 404
        assert client.get(url).status_code == 302  # signed out: to the sign-in page
    assert not AuditEvent.objects.filter(action="core.download_fetched").exists()


@pytest.fixture
def waiting(coordinator: Any, settings: Any, three_sessions: None) -> ListDownload:
    """The coordinator's download of the sessions, asked for and not yet made."""
    settings.EXPORT_INLINE_ROWS = 2
    return downloads.download_request(user=coordinator, export=list_export_for("training.sessions"), params="")


def test_access_ended_before_the_file_was_made_ends_it_as_failed(coordinator: Any, waiting: ListDownload) -> None:
    download = waiting
    coordinator.memberships.update(ended_on=from_today(-1))  # access ended yesterday
    assert download_prepare_task(download.pk) == "failed"
    download.refresh_from_db()
    assert download.state == State.FAILED and download.error == "You may no longer download this list."
    assert not download.stored_name and not AuditEvent.objects.filter(action="training.sessions_exported").exists()


def test_a_fault_while_making_it_ends_it_as_failed_and_the_page_says_so(
    coordinator: Any, client_for: Any, waiting: ListDownload
) -> None:
    client, download = client_for(coordinator), waiting
    # Asked for before a release that renamed the export: no export answers to its key.
    ListDownload.objects.filter(pk=download.pk).update(export="training.renamed")
    assert download_prepare_task(download.pk) == "failed"
    download.refresh_from_db()
    assert download.state == State.FAILED and download.error.startswith("The file could not be made.")
    page = client.get(reverse("core:download", args=[download.pk])).content.decode()
    assert "The file could not be made" in page and f'href="{reverse("core:home")}"' in page


def test_filters_no_longer_valid_end_it_as_failed(coordinator: Any, settings: Any, three_sessions: None) -> None:
    download = downloads.download_request(
        user=coordinator, export=list_export_for("training.no_training"), params="ward=Nowhere"
    )
    downloads.download_prepare(download_id=download.pk)
    download.refresh_from_db()
    assert download.state == State.FAILED and "Correct the date, phase or ward" in download.error


def test_it_is_deleted_with_its_file_after_the_hours_it_is_kept(
    coordinator: Any, client_for: Any, settings: Any, three_sessions: None, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EXPORT_INLINE_ROWS, settings.DOWNLOAD_KEEP_HOURS = 2, 24
    client = client_for(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("training:session_export"))
    download = ListDownload.objects.get()
    assert default_storage.exists(download.stored_name)
    assert downloads.downloads_purge_expired() == 0
    with time_machine.travel(timedelta(hours=24), tick=False):
        client = client_for(coordinator)  # signed in afresh: a day later the first session has ended
        assert client.get(reverse("core:download", args=[download.pk])).status_code == 404  # past: gone at once
        assert client.get(reverse("core:download_file", args=[download.pk])).status_code == 404
        assert downloads.downloads_purge_expired() == 1
    assert not ListDownload.objects.exists() and not default_storage.exists(download.stored_name)


def test_the_purge_is_scheduled_hourly(settings: Any) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["core-downloads-purge"]
    assert entry["task"] == "core.tasks.downloads_purge_task" and entry["schedule"] == 3600


def test_the_home_page_lists_the_persons_own_downloads_while_they_are_kept(
    coordinator: Any, make_user: Any, client_for: Any, settings: Any, three_sessions: None
) -> None:
    settings.EXPORT_INLINE_ROWS, settings.DOWNLOAD_KEEP_HOURS = 2, 24
    client = client_for(coordinator)
    assert "Your downloads" not in client.get(reverse("core:home")).content.decode()
    url = client.get(reverse("training:session_export")).url
    home = client.get(reverse("core:home")).content.decode()
    assert "Your downloads" in home and f'href="{url}"' in home and "Being prepared" in home and "24 hours" in home
    assert "Your downloads" not in client_for(make_user(Role.COORDINATOR)).get(reverse("core:home")).content.decode()
    with time_machine.travel(timedelta(hours=24), tick=False):
        assert "Your downloads" not in client_for(coordinator).get(reverse("core:home")).content.decode()
