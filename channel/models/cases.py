"""A case and what is recorded on it: consent, the support plan, the reviews after exit and the chronology.

A case is opened when a referral is sent to a panel (channel.services.cases.case_open_from_referral). Its chronology
(CaseEntry) is append-only: a correction is a new entry pointing at the one it corrects.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.locking import Versioned
from core.models import AppendOnlyModel, TimeStampedModel

from .panels import Panel

if TYPE_CHECKING:
    from referrals.models import Referral

TEXT_LIMIT = 10_000


class Stage(models.TextChoices):
    INFORMATION_GATHERING = "information_gathering", "Information gathering"
    PRELIMINARY_ASSESSMENT = "preliminary_assessment", "Preliminary assessment"
    DISCUSSED = "discussed", "Discussed at panel"
    ADOPTED = "adopted", "Adopted"
    SUPPORT = "support", "Support"
    EXITED = "exited", "Exited"
    REVIEWS = "reviews", "Reviews after exit"
    CLOSED = "closed", "Closed after reviews"
    NOT_ADOPTED = "not_adopted", "Closed, not adopted"
    TRANSFERRED = "transferred", "Transferred to another area"


# Stages before the panel has decided to adopt: such a case is "new" on an agenda.
PRE_PANEL_STAGES = (Stage.INFORMATION_GATHERING, Stage.PRELIMINARY_ASSESSMENT, Stage.DISCUSSED)
# Stages in which the panel reviews the case at its meetings.
ADOPTED_STAGES = (Stage.ADOPTED, Stage.SUPPORT)
OPEN_STAGES = (*PRE_PANEL_STAGES, *ADOPTED_STAGES)
AFTER_EXIT_STAGES = (Stage.EXITED, Stage.REVIEWS, Stage.CLOSED)
FINISHED_STAGES = (Stage.CLOSED, Stage.NOT_ADOPTED, Stage.TRANSFERRED)


class ExitOutcome(models.TextChoices):
    CONCERNS_REDUCED = "concerns_reduced", "Concerns reduced or removed"
    WITHDREW_CONSENT = "withdrew_consent", "Withdrew consent"
    ESCALATED_TO_POLICE = "escalated_to_police", "Escalated to police"
    MOVED_AWAY = "moved_away", "Moved away"
    OTHER = "other", "Other"


class Case(TimeStampedModel, Versioned):
    """One person's journey through a panel, opened from the referral that sent them there."""

    AUDIT_SENSITIVE_FIELDS = ("not_adopted_reason", "exit_notes")

    referral = models.OneToOneField("referrals.Referral", on_delete=models.PROTECT, related_name="case")
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="cases")
    stage = models.CharField(max_length=24, choices=Stage.choices, default=Stage.INFORMATION_GATHERING, db_index=True)
    case_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept for the record; whose consent is needed is decided on the day from the date of birth
    # (channel.services.consent.consent_state).
    is_under_18 = models.BooleanField("under 18 when opened", default=False)
    # Set when consent is withdrawn during support (support stops that day); cleared by the panel's exit or
    # exception decision.
    consent_withdrawn_on = models.DateField(null=True, blank=True)

    # The date each stage was reached.
    opened_on = models.DateField(db_index=True)
    preliminary_assessment_on = models.DateField(null=True, blank=True)
    discussed_on = models.DateField("first discussed at panel on", null=True, blank=True)
    adopted_on = models.DateField(null=True, blank=True)
    support_started_on = models.DateField(null=True, blank=True)
    exited_on = models.DateField(null=True, blank=True, db_index=True)
    closed_on = models.DateField(null=True, blank=True)
    stage_changed_on = models.DateField()

    # What the panel has in front of it next.
    review_due_on = models.DateField("next panel review due", null=True, blank=True, db_index=True)
    exit_proposed = models.BooleanField(default=False)

    not_adopted_reason = models.TextField(blank=True, max_length=TEXT_LIMIT)
    exit_outcome = models.CharField(max_length=24, choices=ExitOutcome.choices, blank=True)
    exit_notes = models.TextField(blank=True, max_length=TEXT_LIMIT)
    anonymised_at = models.DateTimeField(
        null=True, blank=True, help_text="When the retention schedule removed what identifies the person."
    )

    class Meta:
        ordering = ["-opened_on", "-id"]
        indexes = [models.Index(fields=["panel", "stage"])]
        constraints = [
            models.CheckConstraint(
                name="case_not_adopted_has_reason",
                condition=~Q(stage="not_adopted") | ~Q(not_adopted_reason=""),
            ),
            models.CheckConstraint(
                name="case_exit_has_outcome",
                condition=~Q(stage__in=["exited", "reviews", "closed"]) | ~Q(exit_outcome=""),
            ),
        ]

    def __str__(self) -> str:
        reference = getattr(self.referral, "reference", None) if self.referral_id else None
        return f"Case {reference or self.pk}"

    @property
    def reference(self) -> str:
        return str(self.referral.reference or f"C{self.pk}")

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def is_adopted(self) -> bool:
        return self.adopted_on is not None

    def eighteenth_birthday(self) -> date | None:
        return eighteenth_birthday(self.referral)


class AgeFacts(Protocol):
    """What eighteenth_birthday reads of a referral: the referral itself, or its values read without it."""

    @property
    def date_of_birth(self) -> date | None: ...
    @property
    def age_given(self) -> int | None: ...
    @property
    def submitted_on(self) -> date | None: ...
    @property
    def created_at(self) -> datetime | None: ...


def eighteenth_birthday(referral: Referral | AgeFacts) -> date | None:
    """The day the person turns 18, by the referrals app's one age rule (referrals.models.age_on: whole calendar
    years, 29 February a year older on 1 March): from the date of birth, else from the age given with the
    referral (on the day it was made, or created when it has no such day); None when neither is known."""
    if referral.date_of_birth is not None:
        start, years = referral.date_of_birth, 18
    elif referral.age_given is not None:
        given_on = referral.submitted_on or (referral.created_at.date() if referral.created_at else None)
        if given_on is None:
            return None
        start, years = given_on, 18 - referral.age_given
    else:
        return None
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February in a year without it
        return date(start.year + years, 3, 1)


# --- Legal hold --------------------------------------------------------------------------------------------------


class LegalHold(models.Model):
    """Stops the retention schedule anonymising a case (litigation, an inquiry, a subject's complaint): from when it
    is placed until the day given or until it is lifted, whichever is first. Lifting keeps the row."""

    AUDIT_SENSITIVE_FIELDS = ("reason",)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="legal_holds")
    reason = models.CharField(max_length=500)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(auto_now_add=True)
    until = models.DateField("hold until", help_text="The last day of the hold.")
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [models.Index(fields=["case", "until"])]

    def __str__(self) -> str:
        return f"Legal hold until {self.until:%d %b %Y}"

    def is_in_force(self, on: date) -> bool:
        return self.lifted_at is None and self.until >= on


# --- Consent -----------------------------------------------------------------------------------------------------


class ConsentGiver(models.TextChoices):
    PERSON = "person", "The person (informed consent)"
    PARENT = "parent", "A parent or carer"


class ConsentStatus(models.TextChoices):
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ConsentRecord(models.Model):
    """One dated, attributed answer about consent. The latest record of each giver is the one in force."""

    AUDIT_SENSITIVE_FIELDS = ("given_by_name", "notes")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="consents")
    giver = models.CharField(max_length=8, choices=ConsentGiver.choices)
    status = models.CharField(max_length=12, choices=ConsentStatus.choices)
    given_by_name = models.CharField(
        "name of the person who answered", max_length=150, blank=True, help_text="For a parent or carer."
    )
    on = models.DateField("date")
    notes = models.TextField(blank=True, max_length=TEXT_LIMIT)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.get_giver_display()}: {self.get_status_display()} on {self.on:%d %b %Y}"


class CapacityOutcome(models.TextChoices):
    HAS_CAPACITY = "has_capacity", "Has capacity to consent"
    LACKS_CAPACITY = "lacks_capacity", "Lacks capacity to consent"


class CapacityAssessment(models.Model):
    """An adult's capacity to consent to support (Mental Capacity Act 2005), as the Channel duty guidance asks:
    when, by whom, the outcome and, where capacity is lacking, the best-interests decision taken instead."""

    AUDIT_SENSITIVE_FIELDS = ("assessor", "best_interests_decision", "notes")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="capacity_assessments")
    assessed_on = models.DateField()
    assessor = models.CharField("assessed by (name and role)", max_length=200)
    outcome = models.CharField(max_length=16, choices=CapacityOutcome.choices)
    best_interests_decision = models.TextField(blank=True, max_length=TEXT_LIMIT)
    notes = models.TextField(blank=True, max_length=TEXT_LIMIT)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessed_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="capacity_lacking_has_best_interests",
                condition=~Q(outcome="lacks_capacity") | ~Q(best_interests_decision=""),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} on {self.assessed_on:%d %b %Y}"

    @property
    def lacks_capacity(self) -> bool:
        return self.outcome == CapacityOutcome.LACKS_CAPACITY


# --- Support plan ------------------------------------------------------------------------------------------------


class SupportKind(models.TextChoices):
    INTERVENTION_PROVIDER = "intervention_provider", "Intervention Provider or mentor"
    MAINSTREAM = "mainstream", "Mainstream service"
    COMMUNITY = "community", "Community resource"


class ContactFrequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"
    AS_NEEDED = "as_needed", "As needed"


class SupportItem(TimeStampedModel, Versioned):
    """One part of a support plan, with its planned contacts (how often) and the contacts made. Progress notes are
    chronology entries pointing at it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="support_items")
    kind = models.CharField(max_length=24, choices=SupportKind.choices)
    provider = models.CharField("provider or service", max_length=200)
    description = models.TextField("what the support is", blank=True, max_length=TEXT_LIMIT)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField("why it ended", max_length=200, blank=True)
    planned_frequency = models.CharField(
        "planned contacts", max_length=16, choices=ContactFrequency.choices, default=ContactFrequency.WEEKLY
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="support_item_ends_after_start",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.provider}"


class SupportContact(models.Model):
    """A contact made under a support item: when, by whom, and a note. Dated entries, never edited."""

    AUDIT_SENSITIVE_FIELDS = ("made_by", "note")

    item = models.ForeignKey(SupportItem, on_delete=models.PROTECT, related_name="contacts")
    on = models.DateField("date of the contact", db_index=True)
    made_by = models.CharField("by whom", max_length=150)
    note = models.TextField(blank=True, max_length=TEXT_LIMIT)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["item", "on"])]

    def __str__(self) -> str:
        return f"Contact on {self.on:%d %b %Y}"


# --- Reviews after exit ------------------------------------------------------------------------------------------


class ReviewKind(models.TextChoices):
    SIX_MONTHS = "six_months", "6-month review"
    TWELVE_MONTHS = "twelve_months", "12-month review"


class CaseReview(models.Model):
    """A review after exit, made due by the exit itself; records whether the concerns have returned."""

    AUDIT_SENSITIVE_FIELDS = ("notes",)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField(max_length=16, choices=ReviewKind.choices)
    due_on = models.DateField(db_index=True)
    completed_on = models.DateField(null=True, blank=True)
    concerns_returned = models.BooleanField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=TEXT_LIMIT)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="case_review_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due_on:%d %b %Y}"

    @property
    def is_done(self) -> bool:
        return self.completed_on is not None


# --- Chronology --------------------------------------------------------------------------------------------------


class EntryKind(models.TextChoices):
    OPENED = "opened", "Case opened"
    STAGE = "stage", "Stage changed"
    NOTE = "note", "Case note"
    DECISION = "decision", "Panel decision"
    CONSENT = "consent", "Consent"
    CAPACITY = "capacity", "Capacity to consent"
    CONTACT = "contact", "Support contact"
    ASSESSMENT = "assessment", "Vulnerability assessment"
    SUPPORT = "support", "Support plan"
    PROGRESS = "progress", "Progress note"
    ACTION = "action", "Action"
    EXIT = "exit", "Exit"
    REVIEW = "review", "Review after exit"
    AMENDMENT = "amendment", "Amendment"


class CaseEntry(AppendOnlyModel):
    """One dated, attributed entry of a case's chronology. An amendment is a new entry pointing at the one it
    corrects; nothing is edited or deleted."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    on = models.DateField("date it happened")
    text = models.TextField(blank=True, max_length=TEXT_LIMIT)
    stage_after = models.CharField(max_length=24, choices=Stage.choices, blank=True)
    support_item = models.ForeignKey(
        SupportItem, null=True, blank=True, on_delete=models.PROTECT, related_name="progress_notes"
    )
    amends = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments")

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name_plural = "case entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on:%Y-%m-%d}"
