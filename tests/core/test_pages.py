from __future__ import annotations

import pytest
from django.urls import get_resolver


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accessibility/", "/privacy/", "/accounts/sign-in/"])
def test_open_pages_need_no_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "govuk-footer" in response.content.decode()


@pytest.mark.django_db
def test_home_page_shows_the_council_name_and_only_permitted_navigation(client_for, dsl, coordinator):
    dsl_page = client_for(dsl).get("/").content.decode()
    assert "Northbrook City Council" in dsl_page
    assert "Your school" in dsl_page
    assert "Larkhill Primary School" in dsl_page
    coordinator_page = client_for(coordinator).get("/").content.decode()
    assert "open schools" in coordinator_page


@pytest.mark.django_db
def test_unknown_page_is_a_govuk_404(client_for, coordinator):
    response = client_for(coordinator).get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_signed_in_pages_are_not_cached_and_carry_security_headers(client_for, coordinator):
    response = client_for(coordinator).get("/")
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_every_url_pattern_is_named():
    """The permission walk (tests/accounts/test_url_walk.py) reverses patterns by name."""
    unnamed = [str(p.pattern) for p in get_resolver().url_patterns if getattr(p, "name", "x") is None]
    assert unnamed == []


def test_the_guessed_sign_in_address_leads_to_sign_in(client):
    response = client.get("/accounts/login/?next=/schools/")
    assert response.status_code == 302 and response["Location"] == "/accounts/sign-in/?next=/schools/"


@pytest.mark.django_db
def test_a_form_sent_with_a_stale_token_gets_a_page_that_explains_and_links_back():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/sign-in/", {"username": "someone@northbrook.example", "password": "x"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "This page was open too long" in page and "Nothing was saved" in page
    assert 'href="/accounts/sign-in/"' in page and "CSRF" not in page


@pytest.mark.django_db
def test_a_refusal_says_why_when_the_view_gives_a_reason(client_for, dsl, school):
    # A DSL may read their school's page but not change its support tier: the view says so, not the general line.
    response = client_for(dsl).get(f"/schools/{school.urn}/edit/")
    page = response.content.decode()
    assert response.status_code == 403 and "You cannot do this" in page
    assert "Only the Prevent team changes" in page and "lets you see this information" not in page
