"""The GOV.UK error pattern on every form (core/templatetags/govuk_errors.py, templates/gds/layout/error_summary.html)
and the OFFICIAL-SENSITIVE marking of pages with referral or case data (templates/includes/marking.html)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from core.idempotency import form_token_mint
from referrals.models import Referral

pytestmark = pytest.mark.django_db

MARKING = 'class="portal-marking"'


def _title(body: str) -> str:
    match = re.search(r"<title>(.*?)</title>", body, re.S)
    assert match, body[:500]
    return match.group(1).strip()


def _person_step(client) -> str:
    client.post(reverse("referrals:start"), {"form_token": form_token_mint()})
    referral = Referral.objects.latest("pk")
    return reverse("referrals:step", args=[referral.pk, "person"])


def test_a_failed_submit_titles_the_page_error_and_links_the_summary_to_the_first_radio(client_for, dsl):
    client = client_for(dsl)
    url = _person_step(client)
    assert not _title(client.get(url).content.decode()).startswith("Error:")

    version = Referral.objects.latest("pk").version
    body = client.post(url, {"version": version}).content.decode()
    assert _title(body).startswith("Error: About the person")
    summary = body[body.index("govuk-error-summary") : body.index("govuk-caption-l")]
    gender_link = re.search(r'<a href="#([^"]+)">Select the person', summary)
    assert gender_link, summary
    first_radio = re.search(r'<input\s+type="radio"\s+name="gender"\s+class="govuk-radios__input"\s+id="([^"]+)"', body)
    assert first_radio and gender_link.group(1) == first_radio.group(1) == "id_gender_1"
    # Every link in the summary names an element on the page.
    for target in re.findall(r'<a href="#([^"]+)"', summary):
        assert f'id="{target}"' in body, target


def test_a_page_listing_missing_answers_is_titled_error_too(client_for, dsl):
    client = client_for(dsl)
    _person_step(client)
    referral = Referral.objects.latest("pk")
    response = client.post(reverse("referrals:check", args=[referral.pk]), {"version": referral.version})
    assert _title(response.content.decode()).startswith("Error: Check your answers")


@pytest.mark.parametrize("name", ["referrals:list", "channel:case_list", "channel:panel_list"])
def test_referral_and_case_pages_carry_the_marking(client_for, coordinator, name):
    body = client_for(coordinator).get(reverse(name)).content.decode()
    assert MARKING in body and "OFFICIAL-SENSITIVE" in body
    assert body.index(MARKING) < body.index('id="main-content"')


def test_pages_without_referral_or_case_data_carry_no_marking(client_for, coordinator):
    assert MARKING not in client_for(coordinator).get(reverse("training:dashboard")).content.decode()


def test_a_school_page_showing_its_referral_count_carries_the_marking(client_for, coordinator, school):
    body = client_for(coordinator).get(reverse("schools:detail", args=[school.urn])).content.decode()
    assert "Prevent referrals made" in body and MARKING in body


def test_a_filter_with_bad_input_titles_the_page_error(client_for, sysadmin):
    client = client_for(sysadmin)
    assert not _title(client.get("/audit/?date_from=2026-01-01").content.decode()).startswith("Error:")
    assert _title(client.get("/audit/?date_from=not-a-date").content.decode()).startswith("Error: Audit trail")
