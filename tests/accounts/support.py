"""Signing in through the real pages, for tests that need the whole two-step flow."""

from __future__ import annotations

import re
from typing import Any

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.factories import TEST_PASSWORD


def current_code(user: Any, *, offset_steps: int = 0) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset_steps):06d}"


def sign_in_with_password(client: Any, user: Any, password: str = TEST_PASSWORD) -> Any:
    return client.post("/accounts/sign-in/", {"username": user.email, "password": password})


def sign_in_fully(client: Any, user: Any, password: str = TEST_PASSWORD) -> None:
    """Password, then the current TOTP code; asserts the home page answers."""
    response = sign_in_with_password(client, user, password)
    assert response.status_code == 302, response.content.decode()[:500]
    response = client.post("/accounts/two-factor/", {"token": current_code(user)})
    assert response.status_code == 302, response.content.decode()[:500]
    assert client.get("/").status_code == 200


def link_in(body: str) -> str:
    """The path of the first portal link in an e-mail body."""
    match = re.search(r"https?://[^/\s]+(/\S+)", body)
    assert match, body
    return match.group(1)
