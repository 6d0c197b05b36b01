from __future__ import annotations

from django.apps import AppConfig

from .registry import register_home, register_navigation


class CoreConfig(AppConfig):
    name = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from . import home, navigation
        from .locking import EditService, register_edit_service
        from .retention import AUDIT_RULE, register_retention_rule, retention_settings_update
        from .retention_models import RetentionSettings
        from .timestamps import register_iso_timestamps

        register_navigation(navigation.nav_items)
        register_home(home.home_sections)
        connection_created.connect(register_iso_timestamps, dispatch_uid="core.timestamps")
        register_retention_rule(AUDIT_RULE)
        register_edit_service(
            EditService(
                model=RetentionSettings,
                edit=lambda *, instance, expected_version, actor, text: retention_settings_update(
                    actor=actor,
                    values={"draft_days": len(text) + 7},
                    expected_version=expected_version,
                ),
                read=lambda row: row.draft_days,
                encode=lambda text: len(text) + 7,
                role="sysadmin",
            )
        )
