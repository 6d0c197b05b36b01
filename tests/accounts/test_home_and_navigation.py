"""The accounts parts of the home page and navigation: users needing attention for system administrators, a
way to the user pages for coordinators, and the Users and Audit links only for roles that may use them."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from core.audit import audit_record
from core.models import AuditEvent
from tests.accounts.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_system_administrator_home_shows_locked_accounts_users_without_authenticator_and_security_events(
    client_for, sysadmin
):
    UserFactory(full_name="Ivo Invited", totp=False)
    AccessAttempt.objects.create(
        username="locked.person@example.test",
        ip_address="192.0.2.44",
        user_agent="test",
        failures_since_start=5,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
    )
    audit_record(actor=None, action="auth.locked_out", actor_email="locked.person@example.test")
    page = client_for(sysadmin).get("/").content.decode()
    assert "Users needing attention" in page
    assert "Account locked.person@example.test: 5 failures" in page
    assert "Address 192.0.2.44: 5 failures" in page
    assert "Ivo Invited" in page
    assert "Sign-in locked" in page


def test_system_administrator_home_says_when_nothing_needs_attention(client_for, sysadmin):
    page = client_for(sysadmin).get("/").content.decode()
    assert "No accounts or addresses are locked." in page
    assert "Every active user has set up an authenticator." in page


def test_coordinator_home_has_a_users_section(client_for, coordinator, dsl):
    page = client_for(coordinator).get("/").content.decode()
    assert "Manage users and roles" in page and 'href="/accounts/users/"' in page
    assert "Users needing attention" not in page


@pytest.mark.parametrize(
    ("fixture", "sees_users", "sees_audit"),
    [
        ("coordinator", True, True),
        ("sysadmin", True, True),
        ("adviser", False, False),
        ("dsl", False, False),
        ("csc_practitioner", False, False),
        ("panel_chair", False, False),
        ("panel_member", False, False),
        ("scrutiny", False, False),
    ],
)
def test_users_and_audit_links_appear_only_for_roles_that_may_use_them(
    request, client_for, fixture, sees_users, sees_audit
):
    page = client_for(request.getfixturevalue(fixture)).get("/").content.decode()
    nav = page.split('id="navigation"')[1].split("</ul>")[0]
    assert ('href="/accounts/users/"' in nav) is sees_users
    assert ('href="/audit/"' in nav) is sees_audit


def test_system_administrator_lifts_a_sign_in_lock_and_it_is_audited(client, client_for, sysadmin, dsl):
    for n in range(5):
        client.post(
            "/accounts/sign-in/",
            {"username": dsl.email, "password": "wrong-password-123"},
            REMOTE_ADDR=f"198.51.100.{n}",
        )
    assert client.post("/accounts/sign-in/", {"username": dsl.email, "password": TEST_PASSWORD}).status_code == 429
    admin = client_for(sysadmin)
    assert "Unlock" in admin.get("/").content.decode()
    response = admin.post("/accounts/users/lockouts/clear/", {"username": dsl.email})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="accounts.lockout_cleared")
    assert event.actor == sysadmin and event.object_id == str(dsl.pk)
    assert client.post("/accounts/sign-in/", {"username": dsl.email, "password": TEST_PASSWORD}).status_code == 302


@pytest.mark.parametrize("fixture", ["coordinator", "adviser", "dsl"])
def test_only_a_system_administrator_lifts_a_lock(request, client_for, fixture, dsl):
    response = client_for(request.getfixturevalue(fixture)).post(
        "/accounts/users/lockouts/clear/", {"username": dsl.email}
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="accounts.lockout_cleared").exists()
