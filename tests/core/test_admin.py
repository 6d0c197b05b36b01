"""The Django admin: verified system administrators only (everyone else gets a 404), and it never edits
referrals, cases or audit events."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory

from core.models import AuditEvent
from tests.accounts.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

ADMIN = "/system/admin/"


@pytest.mark.parametrize(
    "fixture",
    ["coordinator", "adviser", "dsl", "csc_practitioner", "panel_chair", "panel_member", "scrutiny", "no_role_user"],
)
def test_everyone_but_a_system_administrator_gets_404_from_the_admin(request, client_for, fixture):
    user = request.getfixturevalue(fixture)
    user.is_staff = user.is_superuser = True  # even staff flags do not open it: only the role does
    user.save()
    client = client_for(user)
    for url in [ADMIN, f"{ADMIN}core/auditevent/", f"{ADMIN}login/", f"{ADMIN}accounts/"]:
        assert client.get(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_the_portal_sign_in(client):
    response = client.get(ADMIN)
    assert response.status_code == 302 and response.url.startswith("/accounts/sign-in/")
    assert client.get(f"{ADMIN}core/auditevent/").url.startswith("/accounts/sign-in/")
    assert client.get(f"{ADMIN}login/").url.startswith("/accounts/sign-in/")


def test_a_system_administrator_needs_the_second_factor_first(client, sysadmin):
    client.post("/accounts/sign-in/", {"username": sysadmin.email, "password": TEST_PASSWORD})
    response = client.get(ADMIN)
    assert response.status_code == 302 and response.url == "/accounts/two-factor/"


def test_a_verified_system_administrator_reads_audit_events_but_cannot_change_them(client_for, sysadmin):
    client = client_for(sysadmin)
    assert client.get(ADMIN).status_code == 200
    event = AuditEvent.objects.first()
    listing = client.get(f"{ADMIN}core/auditevent/")
    assert listing.status_code == 200 and "auth.password_accepted" in listing.content.decode()
    change = client.get(f"{ADMIN}core/auditevent/{event.pk}/change/")
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    client.post(f"{ADMIN}core/auditevent/{event.pk}/change/", {"action": "rewritten"})
    assert client.get(f"{ADMIN}core/auditevent/{event.pk}/delete/").status_code == 403
    client.post(f"{ADMIN}core/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert client.get(f"{ADMIN}core/auditevent/add/").status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == event.action


def test_authenticator_secrets_are_not_in_the_admin():
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)


def _protected_models() -> list[type]:
    """Referrals, cases and audit events: nothing of theirs may be edited in the admin."""
    models = [AuditEvent]
    if apps.is_installed("referrals"):
        models += list(apps.get_app_config("referrals").get_models())
    if apps.is_installed("channel"):
        models += [m for m in apps.get_app_config("channel").get_models() if m.__name__.startswith("Case")]
    return models


def test_referrals_cases_and_audit_events_are_not_editable_in_the_admin(sysadmin):
    request = RequestFactory().get(ADMIN)
    sysadmin.is_staff = sysadmin.is_superuser = True  # the strongest user the admin knows
    request.user = sysadmin
    editable = []
    for model in _protected_models():
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            continue
        if (
            model_admin.has_add_permission(request)
            or model_admin.has_change_permission(request)
            or model_admin.has_delete_permission(request)
        ):
            editable.append(model._meta.label)
    assert not editable, f"editable in the admin: {editable}"
