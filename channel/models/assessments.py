"""The Vulnerability Assessment Framework: its factors (data, seeded by a migration) and the assessments of a case
rated against them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .cases import TEXT_LIMIT, Case


class Dimension(models.TextChoices):
    ENGAGEMENT = "engagement", "Engagement with a group, cause or ideology"
    INTENT = "intent", "Intent to cause harm"
    CAPABILITY = "capability", "Capability to cause harm"


class VafFactor(models.Model):
    """One factor of the Vulnerability Assessment Framework. The list is data: seeded by a migration, switched off
    rather than deleted, so old assessments keep their wording."""

    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    label = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=100)
    is_active = models.BooleanField("in use", default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "Vulnerability Assessment Framework factor"

    def __str__(self) -> str:
        return self.label


class Rating(models.IntegerChoices):
    NOT_PRESENT = 0, "Not present"
    LOW = 1, "Low"
    MODERATE = 2, "Moderate"
    HIGH = 3, "High"


class Assessment(models.Model):
    """A Vulnerability Assessment Framework assessment of a case on a date."""

    AUDIT_SENSITIVE_FIELDS = ("summary",)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField()
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(blank=True, max_length=TEXT_LIMIT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessed_on", "id"]

    def __str__(self) -> str:
        return f"Assessment of {self.assessed_on:%d %b %Y}"


class AssessmentRating(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="ratings")
    factor = models.ForeignKey(VafFactor, on_delete=models.PROTECT, related_name="+")
    factor_label = models.CharField(max_length=200, help_text="The wording rated against.")
    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    rationale = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "factor"], name="assessment_factor_once")]

    def __str__(self) -> str:
        return f"{self.factor_label}: {self.get_rating_display()}"
