"""The referral questions follow the national Prevent referral form (December 2023) and the current guidance's
wording; the lists change by data migration without rewording any past answer."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from referrals.models import Indicator, ReferralIndicator
from tests.referrals.factories import DraftReferralFactory, ReferralFactory

pytestmark = pytest.mark.django_db

OLD = "Interest in past attacks, weapons or mass violence"
NEW = "Interest in mass-casualty violence, past attacks or weapons"


def _migration():
    # by name: a migration's module name starts with a digit, so no import statement can reach it
    return importlib.import_module("referrals.migrations.0009_national_form_indicators")


def test_the_reworded_indicator_keeps_every_past_answers_wording():
    migration = _migration()
    migration.backwards(apps, None)
    indicator = Indicator.objects.get(label=OLD)
    referral = ReferralFactory()
    ReferralIndicator.objects.create(referral=referral, indicator=indicator, label=indicator.label)
    migration.forwards(apps, None)
    indicator.refresh_from_db()
    assert indicator.label == NEW
    assert referral.indicator_rows.get().label == OLD
    assert Indicator.objects.filter(label__startswith="Worrying use of the internet", is_active=True).exists()


def test_the_question_pages_ask_what_the_national_form_asks(dsl, school, client_for):
    draft = DraftReferralFactory(created_by=dsl, school=school)
    client = client_for(dsl)
    pages = "".join(
        client.get(reverse("referrals:step", args=[draft.pk, step])).content.decode()
        for step in ("concern", "vulnerabilities", "actions")
    )
    for question in (
        "interest in mass-casualty violence",
        "What do they do online",
        "special educational needs, a disability or other additional needs",
        "other safeguarding concerns",
        "Does the person know about this referral?",
        "Do their parents, carers or family know about this referral?",
    ):
        assert question in pages, question
    assert "vulnerable to" not in pages.lower()


def test_an_unanswered_national_form_question_is_named_in_the_error_summary(dsl, school, client_for):
    draft = DraftReferralFactory(created_by=dsl, school=school)
    response = client_for(dsl).post(
        reverse("referrals:step", args=[draft.pk, "actions"]),
        {"version": draft.version, "family_spoken_to": "yes", "early_help": "no", "team_around_child": "no"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert "Select whether the person knows about this referral" in body
