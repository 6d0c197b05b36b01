"""The data migration gives every referral already made a person of its own (and drafts none); cases belong to
the person through their referral."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from people.keys import name_key
from referrals.models import Referral
from tests.channel.factories import CaseFactory
from tests.referrals.factories import DraftReferralFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def test_one_person_for_every_referral_made():
    made = ReferralFactory.create_batch(3, first_name="Zoë", last_name="O'Brien")
    case = CaseFactory()
    draft = DraftReferralFactory()
    # by name: a migration's module name starts with a digit, so no import statement can reach it
    importlib.import_module("people.migrations.0003_people_from_referrals").forwards(apps, None)
    rows = Referral.objects.filter(pk__in=[r.pk for r in [*made, case.referral]])
    people = {r.person_id for r in rows}
    assert None not in people and len(people) == 4
    assert rows.get(pk=made[0].pk).person.name_key == name_key("Zoë", "O'Brien") == "zoe obrien"
    assert Referral.objects.get(pk=draft.pk).person_id is None
    assert case.referral.__class__.objects.get(pk=case.referral.pk).person_id is not None
