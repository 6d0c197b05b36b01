"""Web nodes keep no state: two gunicorn processes under production settings, each with a MEDIA_ROOT of its own
and sharing nothing but PostgreSQL, serve the same report PDF, byte for byte, and write nothing to disk."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import User
from conftest import signed_in_client
from reports.models import Report, ReportState
from reports.tasks import report_render_task
from tests.reports.factories import ReportFactory
from tests.support import services as support
from tests.support.gunicorn import HOST, collect_static, gunicorn_portal
from tests.support.production import database_url

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="two web servers share a PostgreSQL server, not a SQLite file"
    ),
]


def test_two_web_processes_sharing_only_postgresql_serve_the_same_report(
    coordinator: User, tmp_path: Path, settings: Any
):
    support.require(support.redis_available(), "Redis is not reachable (set REDIS_URL or TEST_REDIS_URL)")
    report = ReportFactory(requested_by=coordinator)
    assert report_render_task.delay(report.pk).get() == "done"
    report = Report.objects.get(pk=report.pk)
    assert report.state == ReportState.DONE

    session_key = signed_in_client(coordinator).session.session_key
    static_root = collect_static(tmp_path / "static")
    common = {
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": support.test_redis_url(),
        "STATIC_ROOT": str(static_root),
    }
    path = reverse("reports:download", kwargs={"pk": report.pk})
    media = [tmp_path / "media-a", tmp_path / "media-b"]
    bodies = []
    with (
        gunicorn_portal(session_key=session_key, log_path=tmp_path / "a.log", MEDIA_ROOT=str(media[0]), **common) as a,
        gunicorn_portal(session_key=session_key, log_path=tmp_path / "b.log", MEDIA_ROOT=str(media[1]), **common) as b,
    ):
        for web in (a, b):
            status, headers, body = web.fetch(path)
            assert status == 200, (status, body[:500])
            assert headers["Content-Type"] == "application/pdf" and "no-store" in headers["Cache-Control"]
            assert headers["Content-Disposition"].startswith("attachment;")
            bodies.append(body)
    assert bodies[0] == bodies[1] and bodies[0][:4] == b"%PDF"
    assert hashlib.sha256(bodies[0]).hexdigest() == report.sha256
    assert not any(folder.exists() and any(folder.iterdir()) for folder in media), "nothing is written to disk"
