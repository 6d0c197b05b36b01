"""PostgreSQL going away: the portal, run as in production (gunicorn, production settings, persistent
connections with health checks), answers every page with the branded 503 "Sorry, the service is unavailable"
and a Retry-After header, /healthz answers 503, and when the database returns the same processes serve pages
again without a restart.

The database is taken away by a TCP proxy the test puts between gunicorn and the shared PostgreSQL server,
which keeps running throughout."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection

from accounts.models import User
from conftest import signed_in_client
from tests.support import services as support
from tests.support.gunicorn import HOST, Portal, collect_static, gunicorn_portal
from tests.support.production import database_url
from tests.support.tcp_proxy import TcpProxy

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="takes PostgreSQL away through a TCP proxy in front of it; the embedded SQLite is a file",
    ),
]

PAGES = ["/", "/schools/", "/referrals/", "/training/"]


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    db = connection.settings_dict
    with TcpProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)) as running:
        yield running


@pytest.fixture(scope="module")
def static_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return collect_static(tmp_path_factory.mktemp("static"))


@pytest.fixture
def portal(proxy: TcpProxy, coordinator: User, static_root: Path, tmp_path: Path, settings: Any) -> Iterator[Portal]:
    support.require(support.redis_available(), "Redis is not reachable (set REDIS_URL or TEST_REDIS_URL)")
    # The session is made here and read by gunicorn: both sign sessions with the same key.
    session_key = signed_in_client(coordinator).session.session_key
    env = {
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DATABASE_URL": database_url(connection.settings_dict, port=proxy.port),
        "REDIS_URL": support.test_redis_url(),
        "STATIC_ROOT": str(static_root),
        "DB_CONN_MAX_AGE": "60",
    }
    with gunicorn_portal(session_key=session_key, log_path=tmp_path / "gunicorn.log", **env) as running:
        yield running


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
