from __future__ import annotations

import factory

from core.retention_models import RetentionSettings


class RetentionSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RetentionSettings
        django_get_or_create = ("id",)

    id = 1
    case_years = 6
    referral_years = 6
    draft_days = 90
    audit_years = 7
    sign_in_days = 90
