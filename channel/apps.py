from __future__ import annotations

from django.apps import AppConfig

from accounts.scopes import PANEL, register_scope_choices
from core.demo import register_demo
from core.registry import register_home, register_navigation


class ChannelConfig(AppConfig):
    name = "channel"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.csv_export import register_list_export
        from core.locking import register_edit_service
        from core.retention import register_anonymiser, register_retention_rule

        from . import edits, exports, home, navigation, retention
        from .demo import seeding as demo_seeding
        from .models.cases import Case
        from .models.panels import Panel

        register_home(home.home_sections)
        for service in edits.EDIT_SERVICES:
            register_edit_service(service)
        register_navigation(navigation.nav_items)
        register_demo("channel", seed=demo_seeding.seed, finish=demo_seeding.finish)
        for export in exports.LIST_EXPORTS:
            register_list_export(export)
        register_anonymiser(Case, retention.case_anonymise)
        register_anonymiser(Case, retention.case_attachments_delete)
        for rule in retention.RULES:
            register_retention_rule(rule)
        register_scope_choices(PANEL, lambda: Panel.objects.filter(is_active=True).order_by("name"))
