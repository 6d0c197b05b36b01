"""A subject access request: the bundle of everything held about one person (a tagged OFFICIAL-SENSITIVE PDF and
the attachments, in one zip in the file store), its progress on the worker, the third parties' names for the
redaction review, and its release."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class SarState(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being made"
    DONE = "done", "Ready for review"
    FAILED = "failed", "Failed"


class SubjectAccessRequest(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="access_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=SarState.choices, default=SarState.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    progress_note = models.CharField(max_length=120, blank=True)
    error = models.TextField(blank=True, help_text="Why making it failed. Never case content.")
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=255, blank=True, help_text="The zip's name in the file store.")
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    parts = models.JSONField(default=dict, blank=True, help_text="How many of each part the bundle holds.")
    third_parties = models.JSONField(
        default=list, blank=True, help_text="Other people's names found in the records, for the redaction review."
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = "subject access request"

    def __str__(self) -> str:
        return f"Subject access request {self.pk}"
