"""Two clicks on a long list's export at the same moment make one download (the partial unique index on the
downloads being made): the second request gets the first's. PostgreSQL only (SQLite runs one writer at a time)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from core import downloads
from core.csv_export import list_export_for
from core.models import ListDownload, OutboxMessage
from tests.support.concurrency import collide

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="two threads writing at once need PostgreSQL"),
]


def test_a_second_request_while_the_first_is_being_written_gets_the_first_download(coordinator: Any) -> None:
    """The first request's download is written and not yet committed, so the second cannot see it: its insert waits
    on the unique index, fails when the first commits, and it answers with the first's download."""
    export = list_export_for("training.sessions")

    def ask() -> int:
        return downloads.download_request(user=coordinator, export=export, params="sort=date").pk

    first, second = collide(ask, ask)
    assert first.error is None and second.error is None
    assert first.result == second.result and ListDownload.objects.count() == 1
    assert list(OutboxMessage.objects.values_list("task_args", flat=True)) == [[first.result]]
