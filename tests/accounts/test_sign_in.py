from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AuditEvent
from tests.accounts.factories import TEST_PASSWORD


def current_code(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.mark.django_db
def test_password_alone_shows_nothing_until_the_second_factor(client, coordinator):
    response = client.post("/accounts/sign-in/", {"username": coordinator.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response.url.startswith("/accounts/two-factor/")
    home = client.get("/")
    assert home.status_code == 302
    assert home.url == "/accounts/two-factor/"


@pytest.mark.django_db
def test_right_code_signs_in_and_the_same_code_does_not_work_twice(client, coordinator):
    client.post("/accounts/sign-in/", {"username": coordinator.email, "password": TEST_PASSWORD})
    code = current_code(coordinator)
    response = client.post("/accounts/two-factor/", {"token": code})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/sign-out/")
    client.post("/accounts/sign-in/", {"username": coordinator.email, "password": TEST_PASSWORD})
    again = client.post("/accounts/two-factor/", {"token": code})
    assert again.status_code == 200
    assert "already been used" in again.content.decode()


@pytest.mark.django_db
def test_wrong_password_and_unknown_account_get_the_same_message(client, coordinator):
    wrong = client.post("/accounts/sign-in/", {"username": coordinator.email, "password": "not-the-password-1"})
    unknown = client.post("/accounts/sign-in/", {"username": "nobody@example.test", "password": "not-the-pw-12"})
    assert wrong.status_code == unknown.status_code == 200
    assert "Enter a correct email address and password." in wrong.content.decode()
    assert "Enter a correct email address and password." in unknown.content.decode()
    assert "govuk-error-summary" in wrong.content.decode()
    assert AuditEvent.objects.filter(action="auth.sign_in_failed").count() == 2


@pytest.mark.django_db
def test_first_sign_in_without_a_device_leads_to_enrolment(client, make_user):
    user = make_user("coordinator")
    TOTPDevice.objects.filter(user=user).delete()
    client.post("/accounts/sign-in/", {"username": user.email, "password": TEST_PASSWORD})
    response = client.get("/accounts/two-factor/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/two-factor/set-up/"
    page = response.content.decode()
    assert "<svg" in page
    assert 'id="totp-secret"' in page
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    confirmed = client.post("/accounts/two-factor/set-up/", {"token": code}, follow=True)
    assert "Your backup codes" in confirmed.content.decode()
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_sign_in_rotates_the_session_key(client, coordinator):
    client.get("/accounts/sign-in/")
    client.cookies["sessionid"] = "attacker-chosen-session-key"
    client.post("/accounts/sign-in/", {"username": coordinator.email, "password": TEST_PASSWORD})
    assert client.cookies["sessionid"].value != "attacker-chosen-session-key"


@pytest.mark.parametrize(
    ("full_name", "greeting"),
    [("Cllr Rhys Underhill", "Rhys"), ("Dr. Amara Kaur", "Amara"), ("Priya Marlow", "Priya"), ("Cllr", "Cllr")],
)
def test_the_home_page_greets_people_by_first_name_not_title(full_name, greeting):
    from accounts.models import User

    assert User(full_name=full_name, email="x@example.test").get_short_name() == greeting
