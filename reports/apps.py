from __future__ import annotations

from django.apps import AppConfig

from core.demo import register_demo
from core.registry import register_home, register_navigation


class ReportsConfig(AppConfig):
    name = "reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # core.locking defines a model base, so it is imported once the app registry is ready.
        from core.csv_export import register_list_export
        from core.locking import EditService, register_edit_service

        from . import demo, exports, home, models, navigation, services

        register_home(home.home_sections)
        register_navigation(navigation.nav_items)
        register_demo("reports", seed=demo.seed)
        for export in exports.LIST_EXPORTS:
            register_list_export(export)
        register_edit_service(
            EditService(
                model=models.ReportSchedule,
                edit=lambda *, instance, expected_version, actor, text: services.schedule_update(
                    schedule=instance, actor=actor, expected_version=expected_version, title=text
                ),
                read=lambda schedule: schedule.title,
            )
        )
