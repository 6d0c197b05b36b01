"""The 2024/25 types of concern arrive by a data migration that keeps each past answer's wording: a referral
answered with a category now retired keeps its category and label; new referrals choose from the new list."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("referrals", "0005_neurodiversity")]
AFTER = [("referrals", "0006_concern_types_2025_and_exact_ages")]


def test_the_migration_keeps_past_wording_and_fixes_ages_from_365_day_years():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    ConcernType = old.get_model("referrals", "ConcernType")
    Referral = old.get_model("referrals", "Referral")
    maker = UserFactory()  # accounts is fully migrated: the current model will do
    school_massacre = ConcernType.objects.get(label="School massacre")
    referral = Referral.objects.create(
        created_by_id=maker.pk, status="new", reference="NB-2026-77777", submitted_at="2026-02-14T10:00:00Z",
        submitted_on=date(2026, 2, 14), date_of_birth=date(2008, 2, 16), age_at_referral=18,  # 365-day years
        concern_type=school_massacre, concern_type_label="School massacre", version=1,
    )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    ConcernType = new.get_model("referrals", "ConcernType")
    Referral = new.get_model("referrals", "Referral")
    referral = Referral.objects.get(pk=referral.pk)
    assert referral.concern_type_id == school_massacre.pk and referral.concern_type_label == "School massacre"
    assert ConcernType.objects.get(pk=school_massacre.pk).label == "School massacre"
    assert not ConcernType.objects.get(pk=school_massacre.pk).is_active
    assert ConcernType.objects.get(
        label="Fascination with extreme violence or mass casualty attacks (no other ideology)"
    ).is_active
    assert referral.age_at_referral == 17

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # and back: the old list is in use again, nothing deleted
    ConcernType = executor.loader.project_state(BEFORE).apps.get_model("referrals", "ConcernType")
    assert ConcernType.objects.get(label="School massacre").is_active
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
