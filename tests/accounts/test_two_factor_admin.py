"""Two-factor resets by a system administrator, and backup codes renewed by the user themselves."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import backup_codes_issue
from core.idempotency import form_token_mint
from core.models import AuditEvent
from tests.accounts.support import sign_in_with_password

pytestmark = pytest.mark.django_db


def test_system_administrator_resets_a_users_second_factor_and_ends_their_sessions(client, client_for, sysadmin, dsl):
    backup_codes_issue(user=dsl)
    dsl_session = client_for(dsl)
    page = client_for(sysadmin).get(f"/accounts/users/{dsl.pk}/reset-two-factor/")
    assert page.status_code == 200 and "Reset two-factor sign-in" in page.content.decode()

    response = client_for(sysadmin).post(f"/accounts/users/{dsl.pk}/reset-two-factor/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=dsl).exists()
    assert not StaticDevice.objects.filter(user=dsl).exists()
    event = AuditEvent.objects.get(action="accounts.second_factor_reset", object_id=str(dsl.pk))
    assert event.actor == sysadmin
    assert dsl_session.get("/").url.startswith("/accounts/sign-in/")

    sign_in_with_password(client, dsl)
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/accounts/two-factor/set-up/"


@pytest.mark.parametrize("fixture", ["coordinator", "adviser", "dsl"])
def test_only_a_system_administrator_may_reset_a_second_factor(request, client_for, panel_member, fixture):
    client = client_for(request.getfixturevalue(fixture))
    assert client.get(f"/accounts/users/{panel_member.pk}/reset-two-factor/").status_code == 404
    assert client.post(f"/accounts/users/{panel_member.pk}/reset-two-factor/").status_code == 404
    assert TOTPDevice.objects.filter(user=panel_member).exists()
    assert not AuditEvent.objects.filter(action="accounts.second_factor_reset").exists()


def test_coordinator_sees_no_reset_link(client_for, coordinator, dsl):
    page = client_for(coordinator).get(f"/accounts/users/{dsl.pk}/").content.decode()
    assert "reset-two-factor" not in page
    assert "Deactivate account" in page


def test_new_backup_codes_replace_the_old_ones_and_each_works_once(client, client_for, adviser):
    old = backup_codes_issue(user=adviser)
    me = client_for(adviser)
    assert me.get("/accounts/two-factor/backup-codes/new/").status_code == 200
    shown = me.post(
        "/accounts/two-factor/backup-codes/new/", {"form_token": form_token_mint()}, follow=True
    ).content.decode()
    assert "New backup codes made" in shown
    new = list(StaticDevice.objects.get(user=adviser).token_set.values_list("token", flat=True))
    assert len(new) == 10 and not set(new) & set(old)
    assert all(code in shown for code in new)
    assert AuditEvent.objects.filter(action="auth.backup_codes_regenerated", actor=adviser).exists()

    assert not StaticDevice.objects.filter(user=adviser, token_set__token__in=old).exists()

    sign_in_with_password(client, adviser)
    assert client.post("/accounts/two-factor/", {"token": new[0]}).status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/sign-out/")
    sign_in_with_password(client, adviser)
    assert client.post("/accounts/two-factor/", {"token": new[0]}).status_code == 200  # spent
