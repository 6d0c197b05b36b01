"""The retention schedule's one row. Kept apart from core/models.py because its base, `core.locking.Versioned`,
imports core.audit, which imports core.models; core/models.py imports this module last."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from .locking import Versioned

# The database's own floor (core migration 0005): PostgreSQL refuses to delete an audit event younger than this,
# whatever the schedule says, so a schedule shortened by mistake or by an intruder cannot erase recent history.
AUDIT_RETENTION_FLOOR_YEARS = 6


class RetentionSettings(Versioned):
    """The council's retention schedule: one row (pk 1), made from the RETENTION_* settings the first time it is
    read (`core.retention.retention_settings`) and changed by system administrators on the retention page. Nothing
    is anonymised by the nightly task until an administrator has seen the dry run and started the schedule."""

    case_years = models.PositiveSmallIntegerField(
        "cases: years after exit or transfer", validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    referral_years = models.PositiveSmallIntegerField(
        "referrals closed without a case: years after the decision",
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    draft_days = models.PositiveSmallIntegerField(
        "abandoned drafts: days after the last change", validators=[MinValueValidator(7), MaxValueValidator(3650)]
    )
    audit_years = models.PositiveSmallIntegerField(
        "audit events: years",
        validators=[MinValueValidator(AUDIT_RETENTION_FLOOR_YEARS), MaxValueValidator(100)],
        help_text=f"At least {AUDIT_RETENTION_FLOOR_YEARS}: the database refuses to delete younger audit events.",
    )
    sign_in_days = models.PositiveSmallIntegerField(
        "sessions and the sign-in log: days", validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    started_at = models.DateTimeField(
        null=True, blank=True, help_text="When an administrator started applying the schedule; null: dry runs only."
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_run_counts = models.JSONField(default=dict, blank=True, help_text="Rule key -> records, of the last run.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "retention schedule"
        verbose_name_plural = "retention schedule"

    def __str__(self) -> str:
        return "Retention schedule"
