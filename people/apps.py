from __future__ import annotations

from django.apps import AppConfig

from core.demo import register_demo
from core.registry import register_home


class PeopleConfig(AppConfig):
    """The person a referral or case is about, their earlier referrals, and the people linked to them."""

    name = "people"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.retention import register_anonymiser
        from referrals.models import Referral

        from . import home, retention
        from .demo import seed

        register_demo("people", seed=seed)
        register_home(home.home_sections)
        register_anonymiser(Referral, retention.person_anonymise_after)
