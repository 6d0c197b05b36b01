from __future__ import annotations

from django.apps import AppConfig

from core.demo import register_demo
from core.registry import register_home, register_navigation
from schools.facts import ReferralFacts, register_referral_facts


class ReferralsConfig(AppConfig):
    name = "referrals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.csv_export import register_list_export
        from core.locking import register_edit_service
        from core.retention import register_anonymiser, register_retention_rule

        from . import edits, exports, home, navigation, retention, selectors
        from .demo import seeding as demo_seeding
        from .models import Referral

        register_home(home.home_sections)
        for service in edits.EDIT_SERVICES:
            register_edit_service(service)
        register_navigation(navigation.nav_items)
        register_demo("referrals", seed=demo_seeding.seed)
        for export in exports.LIST_EXPORTS:
            register_list_export(export)
        register_anonymiser(Referral, retention.referral_anonymise)
        register_anonymiser(Referral, retention.referral_attachments_delete)
        for rule in retention.RULES:
            register_retention_rule(rule)
        register_referral_facts(ReferralFacts(referral_count_for_school=selectors.referral_count_for_school))
