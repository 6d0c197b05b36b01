"""PostgreSQL going away: the portal, run as in production (gunicorn, production settings, persistent
connections with health checks), answers every page with the branded 503 "Sorry, the service is unavailable"
and a Retry-After header, /healthz answers 503, and when the database returns the same processes serve pages
again without a restart.

The database is taken away by a TCP proxy the test puts between gunicorn and the shared PostgreSQL server,
which keeps running throughout."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection

from accounts.models import User
from conftest import signed_in_client
from tests.support import services as support
from tests.support.production import database_url, production_env
from tests.support.tcp_proxy import TcpProxy, free_port

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="takes PostgreSQL away through a TCP proxy in front of it; the embedded SQLite is a file",
    ),
]

HOST = "prevent.northbrook.example"
PAGES = ["/", "/schools/", "/referrals/", "/training/"]


class Portal:
    """gunicorn serving the portal under production settings, and the session cookie of a signed-in user."""

    def __init__(self, port: int, session_key: str) -> None:
        self.port = port
        self.session_key = session_key

    def get(self, path: str, *, signed_in: bool = True) -> tuple[int, dict[str, str], str]:
        """GET as the signed-in coordinator, or as a monitor with no cookie (signed_in=False)."""
        # X-Forwarded-Proto as the TLS-terminating proxy in front of gunicorn sets it.
        headers = {"Host": HOST, "X-Forwarded-Proto": "https"}
        if signed_in:
            headers["Cookie"] = f"__Host-sessionid={self.session_key}"
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            client.request("GET", path, headers=headers)
            response = client.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode(errors="replace")
        finally:
            client.close()


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    db = connection.settings_dict
    with TcpProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)) as running:
        yield running


@pytest.fixture(scope="module")
def static_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The error pages name their stylesheets through the static files manifest, as in the Docker image."""
    root = tmp_path_factory.mktemp("static")
    subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0", "-i", "admin", "-i", "*otp*"],
        cwd=django_settings.BASE_DIR,
        env=production_env(STATIC_ROOT=str(root)),
        check=True,
        timeout=120,
    )
    return root


@pytest.fixture
def portal(proxy: TcpProxy, coordinator: User, static_root: Path, tmp_path: Path, settings: Any) -> Iterator[Portal]:
    support.require(support.redis_available(), "Redis is not reachable (set REDIS_URL or TEST_REDIS_URL)")
    # The session is made here and read by gunicorn: both sign sessions with the same key.
    session_key = signed_in_client(coordinator).session.session_key
    env = production_env(
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
        DJANGO_ALLOWED_HOSTS=HOST,
        DATABASE_URL=database_url(connection.settings_dict, port=proxy.port),
        REDIS_URL=support.test_redis_url(),
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(tmp_path / "media"),
        DB_CONN_MAX_AGE="60",
    )
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "gunicorn", "prevent_portal.wsgi", "--config", "gunicorn.conf.py"]
            + ["--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=django_settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Portal(port, session_key)
    try:
        _wait_until_serving(running, server, log_path)
        yield running
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _wait_until_serving(portal: Portal, server: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            if portal.get("/healthz", signed_in=False)[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not start:\n{log_path.read_text(errors='replace')[-4000:]}")


def _assert_unavailable(status: int, headers: dict[str, str], body: str, path: str) -> None:
    assert status == 503, f"{path} answered {status}"
    assert int(headers["Retry-After"]) > 0
    assert "no-store" in headers["Cache-Control"]
    assert "<title>Sorry, the service is unavailable – Prevent Portal</title>" in body
    assert django_settings.COUNCIL_NAME in body  # the portal's own header, not gunicorn's or Django's page


def test_pages_answer_503_while_postgresql_is_away_and_work_again_when_it_returns(portal, proxy, coordinator):
    status, _, body = portal.get("/")
    assert status == 200 and coordinator.get_short_name() in body

    proxy.close()
    for path in PAGES:
        _assert_unavailable(*portal.get(path), path)
    status, headers, body = portal.get("/healthz", signed_in=False)
    assert status == 503 and int(headers["Retry-After"]) > 0
    assert '"database": "unavailable"' in body
    stylesheet = body_stylesheet(portal.get("/")[2])
    assert portal.get(stylesheet, signed_in=False)[0] == 200  # the 503 page is styled: static files need no database

    proxy.open()
    for path in PAGES:
        status, _, body = portal.get(path)
        assert status == 200, f"{path} answered {status} after the database returned"
    assert portal.get("/healthz", signed_in=False)[0] == 200


def test_a_connection_dropped_between_requests_is_replaced_without_an_error(portal, proxy):
    """The persistent connection dies while the portal is idle (a PostgreSQL restart or fail-over): the health
    check before the next request's first query replaces it, so nobody sees an error page."""
    assert portal.get("/")[0] == 200
    proxy.close()
    proxy.open()
    assert portal.get("/")[0] == 200
    assert portal.get("/healthz", signed_in=False)[0] == 200


def body_stylesheet(html: str) -> str:
    start = html.index('href="/static/govuk/govuk-frontend.min.')
    return html[start + len('href="') : html.index('"', start + len('href="'))]
