"""What the stale-edit and double-submit page tests check (issue 12): one shape for every app."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.http import HttpResponse
from django.test import Client

from core.idempotency import form_token_mint
from core.locking import STALE_MESSAGE


def assert_stale_page(response: HttpResponse, *, theirs: str, typed: str) -> None:
    """The refused save's page: the GOV.UK error summary, what someone else saved, and what was typed."""
    body = response.content.decode()
    assert response.status_code == 200
    assert STALE_MESSAGE in body and "govuk-error-summary" in body
    assert theirs in body and typed in body


def post_twice(client: Client, url: str, data: dict[str, Any]) -> tuple[HttpResponse, HttpResponse]:
    """Posts `data` twice with the same one-time token, as a browser does when Save is clicked twice."""
    data = {**data, "form_token": form_token_mint()}
    return client.post(url, data), client.post(url, data)


def assert_same_redirect(first: HttpResponse, second: HttpResponse) -> None:
    """Both answers send the person to the same page: the second found what the first made."""
    assert first.status_code == 302, first.content.decode()[:2000]
    assert second.status_code == 302, second.content.decode()[:2000]
    assert second["Location"] == first["Location"]


def posted_twice(client: Client, url: str, data: dict[str, Any], model: type[Model]) -> HttpResponse:
    """Posts one form twice with one token: one row made, and both answers redirect to the same place."""
    before = model._default_manager.count()
    first, second = post_twice(client, url, data)
    assert_same_redirect(first, second)
    assert model._default_manager.count() == before + 1
    return first
