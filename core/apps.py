from __future__ import annotations

from django.apps import AppConfig

from .registry import register_navigation


class CoreConfig(AppConfig):
    name = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import navigation

        register_navigation(navigation.nav_items)
