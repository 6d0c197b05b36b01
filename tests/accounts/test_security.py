"""Lockout, session lifetime, sign-out and sign-in session keys (issue 3, "Sign-in")."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.middleware import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from core.models import AuditEvent
from tests.accounts.factories import TEST_PASSWORD
from tests.accounts.support import current_code, sign_in_fully

pytestmark = pytest.mark.django_db

LOCKED_TEXT = "Sign-in is locked for now"


def _fail(client, email: str, address: str):
    return client.post(
        "/accounts/sign-in/", {"username": email, "password": "not-the-password-99"}, REMOTE_ADDR=address
    )


@pytest.fixture(autouse=True)
def _fresh_axes(settings):
    settings.AXES_FAILURE_LIMIT = 5


def test_an_account_locks_after_five_failures_from_any_addresses(client, coordinator):
    for n in range(5):
        _fail(client, coordinator.email, f"198.51.100.{n + 1}")
    # The right password from a fresh address is refused too: the account itself is locked.
    locked = client.post(
        "/accounts/sign-in/", {"username": coordinator.email, "password": TEST_PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    assert locked.status_code == 429
    assert LOCKED_TEXT in locked.content.decode()
    assert client.get("/").status_code == 302
    event = AuditEvent.objects.filter(action="auth.locked_out").first()
    assert event is not None and event.actor_email == coordinator.email


def test_an_address_locks_after_five_failures_across_accounts(client, coordinator):
    for n in range(5):
        _fail(client, f"guess{n}@example.test", "192.0.2.77")
    locked = client.post(
        "/accounts/sign-in/", {"username": coordinator.email, "password": TEST_PASSWORD}, REMOTE_ADDR="192.0.2.77"
    )
    assert locked.status_code == 429
    other_address = client.post(
        "/accounts/sign-in/", {"username": coordinator.email, "password": TEST_PASSWORD}, REMOTE_ADDR="192.0.2.78"
    )
    assert other_address.status_code == 302
    assert AuditEvent.objects.filter(action="auth.locked_out", ip_address="192.0.2.77").exists()


def test_the_lockout_page_gives_no_hint_whether_the_account_exists(client, coordinator):
    for n in range(6):
        known = _fail(client, coordinator.email, f"198.51.100.{n + 1}")
        unknown = _fail(client, "nobody-here@example.test", f"198.51.101.{n + 1}")
    assert known.status_code == unknown.status_code == 429
    strip = lambda r: r.content.decode().replace("csrfmiddlewaretoken", "")  # noqa: E731
    assert LOCKED_TEXT in strip(known)
    assert coordinator.email not in strip(known)
    assert strip(known).split("<main")[1].split("</main>")[0] == strip(unknown).split("<main")[1].split("</main>")[0]


def _signed_in(client, user):
    sign_in_fully(client, user)
    return client.session.session_key


def _shift_session(client, **seconds_ago: float) -> None:
    """Moves the session's clock marks back in time, as if that long had passed."""
    session = client.session
    now = time.time()
    if "seen" in seconds_ago:
        session[SESSION_SEEN_KEY] = now - seconds_ago["seen"]
    if "started" in seconds_ago:
        session[SESSION_STARTED_KEY] = now - seconds_ago["started"]
    session.save()


def test_a_session_ends_after_30_idle_minutes_on_the_server(client, adviser):
    key = _signed_in(client, adviser)
    _shift_session(client, seen=29 * 60)
    assert client.get("/").status_code == 200
    _shift_session(client, seen=30 * 60 + 5)
    response = client.get("/schools/")
    assert response.status_code == 302 and response.url.startswith("/accounts/sign-in/")
    assert not Session.objects.filter(session_key=key).exists()
    assert "You were signed out to keep information safe" in client.get(response.url).content.decode()
    assert client.get("/").status_code == 302


def test_a_session_ends_after_12_hours_however_busy(client, adviser):
    key = _signed_in(client, adviser)
    _shift_session(client, started=11 * 3600 + 59 * 60, seen=10)
    assert client.get("/").status_code == 200
    _shift_session(client, started=12 * 3600 + 5, seen=10)
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/accounts/sign-in/")
    assert not Session.objects.filter(session_key=key).exists()


def test_reading_pages_writes_the_session_at_most_every_30_seconds(client, adviser):
    """Activity is recorded to the half minute: pages read in between do not write the session row."""
    _signed_in(client, adviser)
    client.get("/")
    with CaptureQueriesContext(connection) as reading:
        assert client.get("/schools/").status_code == 200
    assert not [q for q in reading.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    _shift_session(client, seen=31)
    with CaptureQueriesContext(connection) as later:
        assert client.get("/schools/").status_code == 200
    assert [q for q in later.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert time.time() - client.session[SESSION_SEEN_KEY] < 5


def test_session_limits_come_from_settings(client, adviser, settings):
    settings.SESSION_IDLE_TIMEOUT = timedelta(minutes=5)
    _signed_in(client, adviser)
    _shift_session(client, seen=6 * 60)
    assert client.get("/").status_code == 302


def test_sign_out_ends_the_session_on_the_server(client, adviser):
    key = _signed_in(client, adviser)
    assert Session.objects.filter(session_key=key).exists()
    assert client.get("/accounts/sign-out/").status_code == 405
    response = client.post("/accounts/sign-out/")
    assert response.status_code in (200, 302)
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.signed_out", actor=adviser).exists()


def test_each_sign_in_step_gives_a_new_session_key(client, adviser):
    client.get("/accounts/sign-in/")
    client.cookies["sessionid"] = "chosen-by-someone-else"
    client.post("/accounts/sign-in/", {"username": adviser.email, "password": TEST_PASSWORD})
    after_password = client.cookies["sessionid"].value
    assert after_password != "chosen-by-someone-else"
    client.post("/accounts/two-factor/", {"token": current_code(adviser)})
    assert client.cookies["sessionid"].value != after_password


def test_a_totp_code_works_once_even_within_its_time_step(client, adviser):
    code = current_code(adviser)
    client.post("/accounts/sign-in/", {"username": adviser.email, "password": TEST_PASSWORD})
    assert client.post("/accounts/two-factor/", {"token": code}).status_code == 302
    client.post("/accounts/sign-out/")
    client.post("/accounts/sign-in/", {"username": adviser.email, "password": TEST_PASSWORD})
    again = client.post("/accounts/two-factor/", {"token": code})
    assert again.status_code == 200 and "already been used" in again.content.decode()
    assert AuditEvent.objects.filter(action="auth.second_factor_failed", actor=adviser).exists()


def test_session_cookies_are_http_only_and_same_site(client, adviser, settings):
    client.post("/accounts/sign-in/", {"username": adviser.email, "password": TEST_PASSWORD})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_asking_the_time_left_does_not_keep_an_idle_session_alive(client, adviser):
    _signed_in(client, adviser)
    _shift_session(client, seen=20 * 60)
    left = client.get("/accounts/session/time-left/").json()
    assert 9 * 60 <= left["seconds_left"] <= 10 * 60 and left["warning_seconds"] == 120
    # Asked again: still counting down from the last real request, not from the question.
    assert client.get("/accounts/session/time-left/").json()["seconds_left"] <= left["seconds_left"]
    _shift_session(client, seen=30 * 60 + 5)
    response = client.get("/accounts/session/time-left/")
    assert response.status_code == 302 and response.url.startswith("/accounts/sign-in/")


def test_stay_signed_in_restarts_the_idle_time(client, adviser):
    _signed_in(client, adviser)
    _shift_session(client, seen=29 * 60)
    response = client.post("/accounts/session/extend/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json()["seconds_left"] >= 29 * 60
    assert "no-store" in response["Cache-Control"]
    # Without the script the form goes back to the page it came from, and only to this site.
    assert client.post("/accounts/session/extend/", {"next": "/schools/"}).url == "/schools/"
    assert client.post("/accounts/session/extend/", {"next": "https://elsewhere.example/"}).url == "/"


def test_stay_signed_in_cannot_pass_the_12_hour_limit(client, adviser):
    _signed_in(client, adviser)
    _shift_session(client, started=12 * 3600 - 60, seen=10)
    assert client.post("/accounts/session/extend/", HTTP_ACCEPT="application/json").json()["seconds_left"] <= 60


def test_the_timeout_warning_is_on_signed_in_pages_only(client, adviser):
    assert 'id="timeout-warning"' not in client.get("/accounts/sign-in/").content.decode()
    _signed_in(client, adviser)
    page = client.get("/").content.decode()
    assert 'id="timeout-warning"' in page and 'data-warning-seconds="120"' in page
