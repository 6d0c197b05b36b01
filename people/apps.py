from __future__ import annotations

from django.apps import AppConfig

from core.demo import register_demo


class PeopleConfig(AppConfig):
    """The person a referral or case is about, their earlier referrals, and the people linked to them."""

    name = "people"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .demo import seed

        register_demo("people", seed=seed)
