"""Scrutiny committee reports: each request is a Report row that a worker fills in with a PDF."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models

from core.locking import Versioned
from core.models import AppendOnlyModel, TimeStampedModel


class Classification(models.TextChoices):
    GENERAL_RELEASE = "general", "General Release"
    OFFICIAL_SENSITIVE = "official_sensitive", "OFFICIAL-SENSITIVE"


class SectionKey(models.TextChoices):
    SCHOOLS = "schools", "Schools engaged and their support tiers"
    TRAINING = "training", "Training uptake and quality"
    VISITS = "visits", "Visits and support"
    REFERRALS = "referrals", "Referrals"
    PANELS = "panels", "Panels and outcomes"
    DELIVERY = "delivery", "Commissioned and community delivery"


ALL_SECTIONS = [key.value for key in SectionKey]


class ReportState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Being made"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class ReportQuerySet(models.QuerySet["Report"]):
    def general_release(self) -> ReportQuerySet:
        return self.filter(classification=Classification.GENERAL_RELEASE)

    def lease_expired(self, *, now: Any) -> ReportQuerySet:
        """Reports marked running whose worker stopped renewing its lease: the worker died or lost the database."""
        return self.filter(state=ReportState.RUNNING, claimed_until__lt=now)

    def dispatch_lost(self, *, older_than: timedelta, now: Any) -> ReportQuerySet:
        """Reports queued longer than `older_than` since their task was last sent: the message was lost (Redis
        restarted without its data, or the sending process died between the commit and the send)."""
        return self.filter(state=ReportState.QUEUED, dispatched_at__lt=now - older_than)


class Report(TimeStampedModel):
    """One request for a committee report and, once made, its PDF. Parameters are kept as asked, so the same
    report can be made again; the checksum shows whether two files are the same."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    schedule = models.ForeignKey(
        "reports.ReportSchedule", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    made_again_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="made_again"
    )
    title = models.CharField(max_length=200)
    committee = models.CharField("committee", max_length=200)
    meeting_date = models.DateField(null=True, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    classification = models.CharField(max_length=20, choices=Classification.choices, db_index=True)
    parameters = models.JSONField(default=dict, help_text="Everything needed to make the same report again.")
    release = models.ForeignKey(
        "reports.Release",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        help_text="General Release: the register's release whose figures of people the report prints.",
    )

    state = models.CharField(max_length=10, choices=ReportState.choices, default=ReportState.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    progress_note = models.CharField(max_length=120, blank=True)
    error = models.TextField(blank=True, help_text="Why the last attempt failed. Never case content.")
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(
        null=True, blank=True, help_text="When the task to make it was last sent; the sweep resends a lost one."
    )
    claimed_by = models.CharField(
        max_length=100, blank=True, help_text="The worker run that holds the lease: host, process and a random part."
    )
    claimed_until = models.DateTimeField(
        null=True, blank=True, help_text="The lease: renewed by the heartbeat; once past, another worker may take over."
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    file_path = models.CharField(max_length=255, blank=True, help_text="Its name in the file store (core.storage).")
    file_size = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    pages = models.PositiveSmallIntegerField(null=True, blank=True)
    figures_sha256 = models.CharField(
        "figures checksum", max_length=64, blank=True,
        help_text="SHA-256 of a canonical JSON of every published cell and text (reports.rendering.figures_json).",
    )  # fmt: skip
    made_at = models.DateTimeField(
        null=True, blank=True,
        help_text="The 'made' time printed in the PDF and its creation date: when the report was asked for, or, for "
        "a remake with the same figures as the first making, the first making's, so the file is the same.",
    )  # fmt: skip
    made_as_number = models.PositiveIntegerField(
        null=True, blank=True, help_text="The report number printed beside the 'made' time."
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "claimed_until"]), models.Index(fields=["state", "dispatched_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")), name="report_period_in_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.period_start:%d %b %Y} to {self.period_end:%d %b %Y})"

    @property
    def is_official_sensitive(self) -> bool:
        return self.classification == Classification.OFFICIAL_SENSITIVE

    @property
    def state_tag_class(self) -> str:
        return {
            ReportState.QUEUED: "govuk-tag--grey",
            ReportState.RUNNING: "govuk-tag--blue",
            ReportState.DONE: "govuk-tag--green",
            ReportState.FAILED: "govuk-tag--red",
        }.get(ReportState(self.state), "")

    @property
    def same_figures_as_first(self) -> bool | None:
        """For a remake: whether its figures checksum is the first making's (None when there is nothing to
        compare: not a remake, not made yet, or the first making has no checksum)."""
        first = self.made_again_from
        if first is None or not self.figures_sha256 or not first.figures_sha256:
            return None
        return self.figures_sha256 == first.figures_sha256

    @property
    def is_finished(self) -> bool:
        return self.state in (ReportState.DONE, ReportState.FAILED)

    @property
    def sections(self) -> list[str]:
        return [s for s in self.parameters.get("sections", ALL_SECTIONS) if s in ALL_SECTIONS]

    def section_labels(self) -> list[str]:
        return [SectionKey(s).label for s in self.sections]

    @property
    def download_name(self) -> str:
        marking = "OFFICIAL-SENSITIVE" if self.is_official_sensitive else "OFFICIAL"
        return f"prevent-report-{self.period_start:%Y%m%d}-{self.period_end:%Y%m%d}-{marking}-{self.pk}.pdf"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    YEARLY = "yearly", "Yearly"


FREQUENCY_MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, 1)


class ReportSchedule(TimeStampedModel, Versioned):
    """A report made by itself every period: on `next_run_on` a beat task makes the report for the period that
    has just ended and e-mails a link (never figures) to the recipients."""

    title = models.CharField(max_length=200)
    committee = models.CharField(max_length=200)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.QUARTERLY)
    classification = models.CharField(
        max_length=20, choices=Classification.choices, default=Classification.GENERAL_RELEASE
    )
    sections = models.JSONField(default=list)
    recipients = models.TextField(blank=True, help_text="E-mail addresses, one a line: told when the report is ready.")
    next_run_on = models.DateField(help_text="The first day after the period the next report covers.")
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["next_run_on", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_frequency_display().lower()})"

    @property
    def months(self) -> int:
        return FREQUENCY_MONTHS[Frequency(self.frequency)]

    def period_for(self, run_on: date) -> tuple[date, date]:
        """The whole period that ends the day before `run_on` (run on 1 January: October to December)."""
        end = run_on - timedelta(days=1)
        start = add_months(run_on.replace(day=1), -self.months)
        return start, end

    def recipient_list(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]


class Release(AppendOnlyModel):
    """One General Release of a reporting period's figures of people, kept for ever (the publication register).

    A period is released once; every later General Release report for it republishes these figures exactly
    (`figures`), unless a coordinator releases a revision, a new Release pointing at the one it revises. The
    current release of a period is the one no other revises. `figures` holds what the report's sections need to
    print the same tables again and, with the tables and cells below, what the disclosure check needs: every
    figure's value when released (including the withheld ones), which were withheld and the relations between
    them. Only the worker and the register read it; no page shows it."""

    created_at = models.DateTimeField(auto_now_add=True)
    period_start = models.DateField()
    period_end = models.DateField()
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="The report that made it."
    )
    revision_of = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="revision")
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True, help_text="Why a revision was released.")
    figures = models.JSONField(default=dict)
    check_seconds = models.FloatField(default=0, help_text="How long the disclosure check took.")

    class Meta:
        ordering = ["period_start", "period_end", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period_start", "period_end"],
                condition=models.Q(revision_of__isnull=True),
                name="release_one_original_per_period",
            ),
        ]

    def __str__(self) -> str:
        kind = "revision" if self.revision_of_id else "release"
        return f"{kind} of {self.period_start:%-d %B %Y} to {self.period_end:%-d %B %Y}"


class ReleasedTable(AppendOnlyModel):
    """A table as released: what it shows and the population of people it describes."""

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="tables")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100, help_text="Stable across releases, for example referrals.by_sector.")
    caption = models.CharField(max_length=300)
    population = models.CharField(max_length=200, help_text="Who the counts are of.")

    class Meta:
        ordering = ["release", "position"]


class ReleasedCell(AppendOnlyModel):
    """One cell as published ('*' when withheld) and its value when released."""

    table = models.ForeignKey(ReleasedTable, on_delete=models.PROTECT, related_name="cells")
    position = models.PositiveSmallIntegerField()
    row = models.CharField(max_length=200)
    column = models.CharField(max_length=200)
    key = models.CharField(max_length=300, help_text="The figure it shows, the same in every release.")
    value = models.IntegerField()
    shown = models.CharField(max_length=20)

    class Meta:
        ordering = ["table", "position"]
