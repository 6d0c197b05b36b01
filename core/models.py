from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class TimeStampedModel(models.Model):
    """Base for the portal's records: when a row was made and last changed."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Refuses bulk update and delete: rows of an append-only record are only ever added."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError(f"{self.model._meta.verbose_name_plural} are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError(f"{self.model._meta.verbose_name_plural} are append-only.")

    # The retention schedule (core/retention.py) is the one path that may change or remove rows of an append-only
    # record: it blanks what identifies a person once their record's time is up, or removes an abandoned draft's
    # rows. Named for it so that a search for their callers finds only the retention rules.
    def retention_redact(self, **blanks: Any) -> int:
        return super().update(**blanks)

    def retention_delete(self) -> tuple[int, dict[str, int]]:
        return super().delete()


class AppendOnlyModel(models.Model):
    """Base for records that are never edited or deleted (the audit trail, a referral's timeline, a case's
    chronology): a correction is a new row pointing at the one it corrects."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError(f"{self._meta.verbose_name_plural} are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError(f"{self._meta.verbose_name_plural} are append-only.")


class AuditEvent(AppendOnlyModel):
    """One read, change, export, download or security event. Append-only: the model refuses update and
    delete, the admin offers neither, and on PostgreSQL a trigger refuses UPDATE and DELETE on the table."""

    occurred_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_email = models.CharField(max_length=254, blank=True, help_text="As typed, for failed sign-ins.")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    changes = models.JSONField(default=dict, blank=True)
    detail = models.CharField(max_length=255, blank=True, help_text="Never personal or case content.")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        # The audit list pages by (occurred_at, id) keys (core.pagination.keyset_page); the person search has a
        # trigram index on actor_email on PostgreSQL (migration 0008).
        indexes = [
            models.Index(fields=["occurred_at", "id"], name="auditevent_occurred"),
            models.Index(fields=["object_type", "object_id", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class SpentFormToken(models.Model):
    """A create form's one-time token, spent in the create's transaction (core/idempotency.py). The unique token
    is what makes a second POST of the same form find the first one's record instead of making another."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    spent_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.token[:8]}… {self.content_type_id}:{self.object_id}"


class OutboxMessage(models.Model):
    """A side effect (an e-mail, or a background task to start) written in the transaction of the change that
    causes it and delivered after commit by `core.outbox`. Holds no case content: only ids, recipient addresses
    and template or task names; an e-mail's words are rendered from its template when it is delivered."""

    class Kind(models.TextChoices):
        EMAIL = "email", "E-mail"
        TASK = "task", "Background task"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    template = models.CharField(max_length=120, blank=True, help_text="E-mails: the template, without _subject.txt.")
    recipients = models.JSONField(default=list, blank=True, help_text="E-mails: addresses only.")
    context_ids = models.JSONField(default=dict, blank=True, help_text="E-mails: ids the template reads.")
    task = models.CharField(max_length=120, blank=True, help_text="Tasks: the Celery task's name.")
    task_args = models.JSONField(default=list, blank=True, help_text="Tasks: ids only.")
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}: {self.template or self.task} ({self.status})"


class StoredFile(models.Model):
    """A file the portal keeps (a report PDF, an attachment, an import waiting for its confirm step), held in the
    database by `core.storage.DatabaseStorage` so that no web or worker node keeps state of its own. The bytes are
    in `StoredFileChunk` rows of `chunk_size` bytes each (the last one shorter), written and read one at a time."""

    name = models.CharField(max_length=255, unique=True)
    size = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    chunk_size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.size} bytes)"


class StoredFileChunk(models.Model):
    file = models.ForeignKey(StoredFile, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["file", "index"], name="core_storedfilechunk_file_index")]

    def __str__(self) -> str:
        return f"{self.file_id}[{self.index}]"


class Attachment(models.Model):
    """A document kept on a referral, a case or a chronology entry: checked by its content to be an allowed type,
    scanned by ClamAV before it is kept (`core.attachments`), its bytes in the file store. Downloads are audited
    and only for people who may see the record it is on."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    stored_name = models.CharField(max_length=255, unique=True, help_text="Its name in the file store.")
    original_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=40, help_text="What its content was found to be, e.g. PDF document.")
    media_type = models.CharField(max_length=100)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"Attachment {self.pk} ({self.kind}, {self.size} bytes)"


class ListDownload(models.Model):
    """A list's CSV made in the background, because the list was too long to make in the request
    (`core.downloads`). Only the person who asked may see it or fetch it; it is deleted, file and all, after
    DOWNLOAD_KEEP_HOURS. `params` is the list's query string, kept only to make the file: it may hold a search for
    a person's name, so it is never shown or logged, and goes with the row."""

    class State(models.TextChoices):
        QUEUED = "queued", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be made"

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    export = models.CharField(max_length=64, help_text="The list export's key (core.csv_export.ListExport).")
    params = models.TextField(blank=True, help_text="The list's query string. Never shown or logged.")
    params_digest = models.CharField(max_length=64, help_text="SHA-256 of `params`: one download being made per list.")
    title = models.CharField(max_length=120, help_text="What the list is, as its page names it.")
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(null=True, blank=True)
    file_name = models.CharField(max_length=120, blank=True, help_text="The name the file is downloaded as.")
    stored_name = models.CharField(max_length=255, blank=True, help_text="Its name in the file store.")
    size = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.CharField(max_length=255, blank=True, help_text="Why it could not be made. Never row content.")

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "-requested_at"], name="core_download_by_user")]
        # A second click on the link while the file is being made gets the first download (core.downloads).
        constraints = [
            models.UniqueConstraint(
                fields=["requested_by", "export", "params_digest"],
                condition=models.Q(state="queued"),
                name="core_download_one_queued_per_list",
            )
        ]

    def __str__(self) -> str:
        return f"Download {self.pk} ({self.export}, {self.state})"


# Models whose base (core.locking.Versioned) imports core.audit, which imports this module: defined last.
from .retention_models import RetentionSettings  # noqa: E402, F401
