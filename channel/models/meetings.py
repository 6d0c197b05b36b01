"""Panel meetings: the agenda of cases with the panel's minutes and decisions, attendance and the actions given
to members."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from core.locking import Versioned
from core.models import TimeStampedModel

from .cases import TEXT_LIMIT, Case
from .panels import Panel


class Meeting(TimeStampedModel, Versioned):
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField("date", db_index=True)
    starts_at = models.TimeField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    is_cancelled = models.BooleanField(default=False)
    notes = models.TextField("general minutes", blank=True, max_length=TEXT_LIMIT)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_for_chair_reason = models.TextField(
        "reason a coordinator signed off for the chair", blank=True, max_length=TEXT_LIMIT
    )

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.panel} meeting, {self.held_on:%d %B %Y}"

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None

    def is_held_by(self, day: date) -> bool:
        """Held on or before `day`: only then may the panel's decisions be recorded and the minutes signed off."""
        return self.held_on <= day


class AgendaReason(models.TextChoices):
    NEW = "new", "New case"
    REVIEW = "review", "For review"
    EXIT_PROPOSED = "exit_proposed", "Exit proposed"
    CONSENT_WITHDRAWN = "consent_withdrawn", "Consent withdrawn: exit or exception"


class Decision(models.TextChoices):
    ADOPT = "adopt", "Adopt the case"
    NOT_ADOPT = "not_adopt", "Do not adopt"
    MORE_INFORMATION = "more_information", "Gather more information"
    CONTINUE = "continue", "Continue support"
    EXIT = "exit", "Agree exit"
    DEFER = "defer", "Defer to the next meeting"


class AgendaItem(models.Model):
    """One case on one meeting's agenda, with the panel's minutes and decision on it."""

    AUDIT_SENSITIVE_FIELDS = ("minutes", "decision_notes")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="items")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="agenda_items")
    reason = models.CharField(max_length=24, choices=AgendaReason.choices)
    order = models.PositiveIntegerField(default=0)
    minutes = models.TextField(blank=True, max_length=TEXT_LIMIT)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decision_notes = models.TextField("reasons for the decision", blank=True, max_length=TEXT_LIMIT)
    decided_by_consensus = models.BooleanField(default=True)
    decision_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="agenda_case_once")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.case}"


class Attendance(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent"


class MeetingAttendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.CharField(max_length=150, blank=True)
    status = models.CharField(max_length=12, choices=Attendance.choices)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="attendance_once")]

    def __str__(self) -> str:
        return self.get_status_display()


class Action(TimeStampedModel, Versioned):
    """An action the panel gives one of its members, with a due date."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(db_index=True)
    done_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"Action due {self.due_on:%d %b %Y}"
