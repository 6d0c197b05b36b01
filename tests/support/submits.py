"""The two POSTs of a double-clicked Save, made with the Django test client: one form token, sent twice."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.test import Client

from core.idempotency import form_token_mint


def post_twice(client: Client, url: str, data: dict[str, Any]) -> tuple[HttpResponse, HttpResponse]:
    """Posts `data` twice with the same one-time token, as a browser does when Save is clicked twice."""
    data = {**data, "form_token": form_token_mint()}
    return client.post(url, data), client.post(url, data)


def assert_same_redirect(first: HttpResponse, second: HttpResponse) -> None:
    """Both answers send the person to the same page: the second found what the first made."""
    assert first.status_code == 302, first.content.decode()[:2000]
    assert second.status_code == 302, second.content.decode()[:2000]
    assert second["Location"] == first["Location"]
