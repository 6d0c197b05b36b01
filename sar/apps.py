from __future__ import annotations

from django.apps import AppConfig


class SarConfig(AppConfig):
    """Subject access requests: a bundle of everything held about one person, made on the worker, reviewed for
    third parties' names and released by a coordinator."""

    name = "sar"
    verbose_name = "Subject access requests"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.retention import register_anonymiser
        from referrals.models import Referral

        from . import retention

        register_anonymiser(Referral, retention.sar_bundles_delete)
