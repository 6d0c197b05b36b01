from __future__ import annotations

from django.apps import AppConfig

from core.demo import register_demo
from core.registry import register_home, register_navigation
from schools.facts import ReferralFacts, register_referral_facts


class ReferralsConfig(AppConfig):
    name = "referrals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.locking import register_edit_service

        from . import edits, home, navigation, selectors
        from .demo import seeding as demo_seeding

        register_home(home.home_sections)
        for service in edits.EDIT_SERVICES:
            register_edit_service(service)
        register_navigation(navigation.nav_items)
        register_demo("referrals", seed=demo_seeding.seed)
        register_referral_facts(ReferralFacts(referral_count_for_school=selectors.referral_count_for_school))
