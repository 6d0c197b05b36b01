from __future__ import annotations

from django.apps import AppConfig

from core.demo import register_demo
from core.registry import register_home, register_navigation


class ReferralsConfig(AppConfig):
    name = "referrals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import demo, home, navigation

        register_home(home.home_sections)
        register_navigation(navigation.nav_items)
        register_demo("referrals", seed=demo.seed)
