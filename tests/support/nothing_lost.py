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


def posted_twice(client: Client, url: str, data: dict[str, Any], model: type[Model]) -> HttpResponse:
    """Posts one form twice with one token: one row made, and both answers redirect to the same place."""
    before = model._default_manager.count()
    data = {**data, "form_token": form_token_mint()}
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == 302, first.content.decode()[:2000]
    assert second.status_code == 302 and second.url == first.url  # type: ignore[attr-defined]
    assert model._default_manager.count() == before + 1
    return first
