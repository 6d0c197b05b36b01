from __future__ import annotations

from django.apps import AppConfig

from core.demo import register_demo
from core.registry import register_home, register_navigation


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import demo, home, navigation, receivers  # noqa: F401  (receivers connects the audit receivers)
        from .admin_site import install

        install()
        register_home(home.home_sections)
        register_navigation(navigation.nav_items)
        register_demo("accounts", seed=demo.seed)
