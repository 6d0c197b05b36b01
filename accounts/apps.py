from __future__ import annotations

from django.apps import AppConfig

from core.demo import register_demo
from core.registry import register_home, register_navigation


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # core.locking defines a model base, so it is imported once the app registry is ready.
        from core.csv_export import register_list_export
        from core.locking import EditService, register_edit_service
        from core.retention import register_retention_rule

        from . import demo, exports, home, navigation, receivers, retention  # noqa: F401  (receivers connects the audit receivers)
        from .admin_site import install
        from .models import User
        from .services import user_update

        install()
        register_retention_rule(retention.RULE)
        for export in exports.LIST_EXPORTS:
            register_list_export(export)
        register_edit_service(
            EditService(
                model=User,
                edit=lambda *, instance, expected_version, actor, text: user_update(
                    actor=actor, user=instance, expected_version=expected_version, full_name=text
                ),
                read=lambda user: user.full_name,
            )
        )
        register_home(home.home_sections)
        register_navigation(navigation.nav_items)
        register_demo("accounts", seed=demo.seed)
