"""The lists referrals are answered from, and the council's routing: edited by coordinators only, never deleted,
and old referrals keep their wording."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.idempotency import form_token_mint
from core.models import AuditEvent
from referrals.models import ConcernType, Indicator
from referrals.selectors import routing_settings_get
from tests.channel.factories import PanelFactory
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def test_types_of_concern_in_use_are_the_home_office_2024_25_list():
    assert list(ConcernType.objects.filter(is_active=True).order_by("order").values_list("label", flat=True)) == [
        "Islamist",
        "Extreme Right-Wing",
        "Left-wing, anarchist or single issue",
        "Conflicted: more than one ideology, none dominant",
        "Fascination with extreme violence or mass casualty attacks (no other ideology)",
        "Incel",
        "No ideology: other susceptibility to radicalisation identified",
        "No ideology or susceptibility to radicalisation identified",
        "Other",
    ]


def test_retired_types_of_concern_are_kept_switched_off():
    retired = ConcernType.objects.filter(is_active=False).values_list("label", flat=True)
    assert set(retired) == {
        "Mixed, unclear or unstable / Conflicted",
        "School massacre",
        "No ideology, other susceptibility identified",
    }


def test_coordinator_rewords_a_type_and_old_referrals_keep_their_wording(client_for, coordinator):
    concern = ConcernType.objects.get(label="Incel")
    referral = ReferralFactory(concern_type=concern, concern_type_label="Incel")
    response = client_for(coordinator).post(
        reverse("referrals:list_item_edit", args=["concern-types", concern.pk]),
        {
            "label": "Involuntary celibate (Incel)",
            "hint": "",
            "order": "60",
            "is_active": "on",
            "version": concern.version,
        },
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.label == "Involuntary celibate (Incel)"
    referral.refresh_from_db()
    assert referral.concern_type_label == "Incel"
    assert AuditEvent.objects.filter(action="referrals.concerntype_changed", actor=coordinator).exists()


def test_a_switched_off_indicator_is_no_longer_offered(client_for, coordinator, dsl):
    indicator = Indicator.objects.first()
    client_for(coordinator).post(
        reverse("referrals:list_item_edit", args=["indicators", indicator.pk]),
        {"label": indicator.label, "hint": "", "order": "10", "version": indicator.version},
    )
    indicator.refresh_from_db()
    assert not indicator.is_active and Indicator.objects.filter(pk=indicator.pk).exists()
    client = client_for(dsl)
    client.post(reverse("referrals:start"), {"form_token": form_token_mint()})
    from referrals.models import Referral

    draft = Referral.objects.latest("pk")
    body = client.get(reverse("referrals:step", args=[draft.pk, "concern"])).content.decode()
    assert indicator.label not in body


def test_coordinator_adds_a_signposting_service(client_for, coordinator):
    response = client_for(coordinator).post(
        reverse("referrals:list_item_add", args=["services"]),
        {
            "label": "Local boxing club mentoring",
            "hint": "",
            "order": "5",
            "is_active": "on",
            "form_token": form_token_mint(),
        },
    )
    assert response.status_code == 302
    from referrals.models import SignpostService

    assert SignpostService.objects.filter(label="Local boxing club mentoring", is_active=True).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"label": "", "order": "1"}, "Enter the wording"),
        ({"label": "x" * 1_048_576, "order": "1"}, "Wording must be 200 characters or fewer"),
        ({"label": "ok", "order": "abc"}, "Position must be a number"),
    ],
)
def test_bad_list_input_gets_an_error_summary(client_for, coordinator, data, message):
    response = client_for(coordinator).post(
        reverse("referrals:list_item_add", args=["indicators"]), {**data, "form_token": form_token_mint()}
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode() and message in response.content.decode()


def test_routing_is_set_by_the_coordinator(client_for, coordinator):
    child, adult = PanelFactory(), PanelFactory()
    response = client_for(coordinator).post(
        reverse("referrals:settings"),
        {"under_18_panel": child.pk, "adult_panel": adult.pk, "triage_target_days": "7", "version": 1},
    )
    assert response.status_code == 302
    routing = routing_settings_get()
    assert (routing.under_18_panel, routing.adult_panel, routing.triage_target_days) == (child, adult, 7)
    bad = client_for(coordinator).post(reverse("referrals:settings"), {"triage_target_days": "0", "version": 2})
    assert bad.status_code == 200 and "Triage target must be 1 day or more" in bad.content.decode()


def test_an_unknown_list_is_not_found(client_for, coordinator):
    assert client_for(coordinator).get(reverse("referrals:list_item_add", args=["nonsense"])).status_code == 404


def test_only_coordinators_edit_lists(client_for, csc_practitioner, dsl, adviser):
    for user in (csc_practitioner, dsl, adviser):
        client = client_for(user)
        assert client.get(reverse("referrals:settings")).status_code == 404
        assert (
            client.post(
                reverse("referrals:list_item_add", args=["indicators"]), {"label": "x", "order": "1"}
            ).status_code
            == 404
        )
