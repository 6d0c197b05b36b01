"""CSC Prevent screening referrals: from a concern to a decision.

The lists a referral is answered from (types of concern, early indicators, screening questions, signposting
services) are data that coordinators edit; every answer row keeps a copy of the wording it was answered with, so
editing a list never rewrites an old referral. The timeline (ReferralEvent) is append-only.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.locking import Versioned
from core.models import AppendOnlyModel, TimeStampedModel

TEXT_LIMIT = 10_000


# --- Lists coordinators edit -------------------------------------------------------------------------------------


class ListItem(TimeStampedModel, Versioned):
    """A row of a list that coordinators edit: never deleted, switched off instead."""

    label = models.CharField(max_length=200)
    hint = models.CharField(max_length=500, blank=True)
    is_active = models.BooleanField("in use", default=True)
    order = models.PositiveIntegerField(default=100)

    class Meta:
        abstract = True
        ordering = ["order", "label"]

    def __str__(self) -> str:
        return self.label


class ConcernType(ListItem):
    class Meta(ListItem.Meta):
        verbose_name = "type of concern"


class Indicator(ListItem):
    class Meta(ListItem.Meta):
        verbose_name = "early indicator"


class ScreeningQuestion(ListItem):
    escalates = models.BooleanField(
        "a 'Yes' escalates",
        default=False,
        help_text="A 'Yes' means no further action or signposting needs a written rationale and a second "
        "coordinator's confirmation.",
    )

    class Meta(ListItem.Meta):
        verbose_name = "screening question"


class SignpostService(ListItem):
    class Meta(ListItem.Meta):
        verbose_name = "signposting service"


class RoutingSettings(Versioned):
    """The council's routing: one row (pk 1). Some councils send under 18s to a Social Inclusion Panel, others
    use Channel for everyone."""

    under_18_panel = models.ForeignKey(
        "channel.Panel", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="panel for under 18s",
    )  # fmt: skip
    adult_panel = models.ForeignKey(
        "channel.Panel", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="panel for adults",
    )  # fmt: skip
    triage_target_days = models.PositiveIntegerField(
        "triage target in days", default=5, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "referral routing settings"
        verbose_name_plural = "referral routing settings"

    def __str__(self) -> str:
        return "Referral routing"


class ReferenceCounter(models.Model):
    """The last reference number given in a year, so references run NB-2026-00001, NB-2026-00002, ..."""

    year = models.PositiveIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


# --- Choices -----------------------------------------------------------------------------------------------------


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    NEW = "new", "New"
    SCREENING = "screening", "Being screened"
    AWAITING_INFORMATION = "awaiting_information", "Awaiting information"
    AWAITING_CONFIRMATION = "awaiting_confirmation", "Decision awaiting confirmation"
    DECIDED = "decided", "Decided"
    AT_PANEL = "at_panel", "Sent to panel"


# Still in the queue: a decision awaiting a second coordinator's confirmation has not taken effect.
OPEN_STATUSES = (Status.NEW, Status.SCREENING, Status.AWAITING_INFORMATION, Status.AWAITING_CONFIRMATION)


class Decision(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action"
    SIGNPOSTED = "signposted", "Signposted to other services"
    CSC_ASSESSMENT = "csc_assessment", "Children's Social Care assessment"
    PANEL_UNDER_18 = "panel_under_18", "Channel or under-18 panel"
    PANEL_ADULT = "panel_adult", "Adult safeguarding panel"
    POLICE_LED = "police_led", "Police-led"


PANEL_DECISIONS = (Decision.PANEL_UNDER_18, Decision.PANEL_ADULT)
_DECISION_LABELS: dict[str, str] = dict(Decision.choices)


def decision_outcome(decision: str) -> str:
    """A referral's outcome as the pages say it: the decision's label, or that it is not decided yet."""
    return _DECISION_LABELS.get(decision, decision) if decision else "Not decided yet"


class Sector(models.TextChoices):
    """The referring sector, as in the Home Office's Prevent statistics."""

    EDUCATION = "education", "Education"
    POLICE = "police", "Police"
    LOCAL_AUTHORITY = "local_authority", "Local Authority"
    HEALTH = "health", "Health"
    COMMUNITY = "community", "Community"
    FRIENDS_FAMILY = "friends_family", "Friends and family"
    PRISONS = "prisons", "Prisons"
    PROBATION = "probation", "Probation"
    OTHER = "other", "Other"


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known"


class Ethnicity(models.TextChoices):
    NOT_GIVEN = "", "Not given"
    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black, Black British, Caribbean or African"
    MIXED = "mixed", "Mixed or multiple ethnic groups"
    WHITE = "white", "White"
    OTHER = "other", "Other ethnic group"


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "Not known"


class EarlyHelp(models.TextChoices):
    YES = "yes", "Yes, with consent"
    REFUSED = "refused", "Offered, consent refused"
    NO = "no", "No"


class AgeBand(models.TextChoices):
    """The Home Office's age bands."""

    UP_TO_10 = "10_or_under", "10 or under"
    B11_15 = "11_15", "11 to 15"
    B16_17 = "16_17", "16 to 17"
    B18_20 = "18_20", "18 to 20"
    B21_30 = "21_30", "21 to 30"
    B31_40 = "31_40", "31 to 40"
    B41_PLUS = "41_plus", "41 and over"
    NOT_KNOWN = "not_known", "Not known"


def whole_years(*, since: date, on: date) -> int:
    """Whole calendar years from `since` to `on`: a year is complete on the anniversary (never 365 days). A person
    born on 29 February is a year older on 1 March in a year without that day, as in UK law."""
    years = on.year - since.year
    if (on.month, on.day) < (since.month, since.day):
        years -= 1
    return max(years, 0)


def age_on(*, date_of_birth: date | None, age_given: int | None, given_on: date | None, day: date) -> int | None:
    """The one rule for a person's age: from the date of birth on `day`; without one, the age given on an earlier
    date plus the whole years since. Reports use the age on the referral date (`Referral.age_at_referral`)."""
    if date_of_birth is not None:
        return whole_years(since=date_of_birth, on=day)
    if age_given is not None:
        return age_given + (whole_years(since=given_on, on=day) if given_on else 0)
    return None


# The Home Office's age bands by the oldest age in each (the last band has no upper end).
AGE_BAND_UPPER = [
    (10, AgeBand.UP_TO_10), (15, AgeBand.B11_15), (17, AgeBand.B16_17), (20, AgeBand.B18_20),
    (30, AgeBand.B21_30), (40, AgeBand.B31_40),
]  # fmt: skip


def age_band(age: int | None) -> AgeBand:
    """The age band of an age (the report's SQL uses the same bounds: referrals.selectors.AGE_BAND_CASE)."""
    if age is None:
        return AgeBand.NOT_KNOWN
    return next((band for upper, band in AGE_BAND_UPPER if age <= upper), AgeBand.B41_PLUS)


# --- The referral ------------------------------------------------------------------------------------------------


class Referral(TimeStampedModel, Versioned):
    """One concern about one person. Minimum identifiers only."""

    AUDIT_SENSITIVE_FIELDS = (
        "first_name", "last_name", "date_of_birth", "age_given", "gender", "ethnicity", "address_area",
        "referrer_name", "referrer_email", "referrer_phone", "narrative", "came_to_light", "vulnerability_details",
        "actions_details", "decision_notes", "mental_health", "neurodiversity", "online_activity",
        "additional_needs_details", "unscreened_reason",
    )  # fmt: skip

    reference = models.CharField(max_length=20, null=True, blank=True, unique=True)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.DRAFT, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_on = models.DateField(null=True, blank=True, db_index=True)

    # The person: every referral about them belongs to one Person (people.services.matching joins them up).
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    age_given = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(120)])
    age_at_referral = models.PositiveSmallIntegerField(null=True, blank=True, help_text="For statistics.")
    gender = models.CharField(max_length=16, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(max_length=16, choices=Ethnicity.choices, blank=True)
    address_area = models.CharField("area or ward", max_length=100, blank=True)
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    not_in_school = models.BooleanField(default=False)

    # Who refers
    referrer_sector = models.CharField(max_length=24, choices=Sector.choices, blank=True)
    referrer_organisation = models.CharField(max_length=200, blank=True)
    referrer_name = models.CharField(max_length=150, blank=True)
    referrer_role = models.CharField(max_length=150, blank=True)
    referrer_email = models.EmailField(blank=True)
    referrer_phone = models.CharField(max_length=40, blank=True)

    # The concern
    concern_type = models.ForeignKey(ConcernType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    concern_type_label = models.CharField(max_length=200, blank=True, help_text="The wording answered with.")
    narrative = models.TextField(blank=True)
    came_to_light = models.TextField(blank=True)
    # Asked by the national Prevent referral form (December 2023); blank on referrals made before.
    online_activity = models.TextField("what they do online", blank=True)
    mass_casualty_interest = models.CharField(
        "interest in mass-casualty violence", max_length=16, choices=YesNoUnknown.choices, blank=True
    )

    # Other vulnerabilities
    mental_health = models.CharField(
        "mental health needs", max_length=16, choices=YesNoUnknown.choices, blank=True,
        help_text="Before neurodiversity was asked on its own, this question covered both.",
    )  # fmt: skip
    neurodiversity = models.CharField(
        "neurodiversity (for example autism or ADHD)", max_length=16, choices=YesNoUnknown.choices, blank=True,
        help_text="Optional. Blank: not asked or not recorded.",
    )  # fmt: skip
    exploitation = models.CharField(max_length=16, choices=YesNoUnknown.choices, blank=True)
    online_harm = models.CharField(max_length=16, choices=YesNoUnknown.choices, blank=True)
    vulnerability_details = models.TextField(blank=True)
    additional_needs = models.CharField(
        "special educational needs, disability or other needs", max_length=16, choices=YesNoUnknown.choices,
        blank=True,
    )  # fmt: skip
    additional_needs_details = models.TextField(blank=True)
    other_safeguarding = models.CharField(
        "other safeguarding concerns", max_length=16, choices=YesNoUnknown.choices, blank=True
    )

    # What has been done
    family_spoken_to = models.CharField(max_length=16, choices=YesNoUnknown.choices, blank=True)
    early_help = models.CharField(max_length=16, choices=EarlyHelp.choices, blank=True)
    team_around_child = models.CharField(max_length=16, choices=YesNoUnknown.choices, blank=True)
    actions_details = models.TextField(blank=True)
    person_aware = models.CharField(
        "the person knows of the referral", max_length=16, choices=YesNoUnknown.choices, blank=True
    )
    family_aware = models.CharField(
        "parents, carers or family know of the referral", max_length=16, choices=YesNoUnknown.choices, blank=True
    )

    # Triage
    assigned_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=24, choices=Decision.choices, blank=True, db_index=True)
    decision_notes = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    age_at_decision = models.PositiveSmallIntegerField(null=True, blank=True)
    decision_panel = models.ForeignKey(
        "channel.Panel", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    anonymised_at = models.DateTimeField(
        null=True, blank=True, help_text="When the retention schedule removed what identifies the person."
    )
    # Deciding without the screening recorded needs a stated reason.
    unscreened_reason = models.TextField("reason for deciding without screening", blank=True)
    # A decision that needs a second coordinator: proposed first, in force once confirmed.
    proposed_decision = models.CharField(max_length=24, choices=Decision.choices, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    decision_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        # The queue's tabs, newest first (referrals.selectors.referral_queue): each tab of each scope is an index
        # scan in the list's order that stops at the page's last row.
        indexes = [
            models.Index(fields=["submitted_at", "id"], name="referral_submitted"),
            models.Index(fields=["status", "submitted_at", "id"], name="referral_status_submitted"),
            models.Index(fields=["assigned_team", "submitted_at", "id"], name="referral_team_submitted"),
            models.Index(fields=["assigned_team", "status", "submitted_at", "id"], name="referral_team_status"),
            models.Index(fields=["created_by", "submitted_at", "id"], name="referral_made_by_submitted"),
            # People referred three times in a year (the home page): the year's referrals of known people read
            # from this index alone (PostgreSQL; other databases index the date only).
            models.Index(
                fields=["submitted_on"],
                include=["id", "person", "status", "created_by", "assigned_team"],
                condition=Q(person__isnull=False),
                name="referral_person_year",
            ),
            # A user's own referrals by status: their drafts (referral_drafts_of). The queue's counts read
            # ReferralMakerCount instead.
            models.Index(fields=["created_by", "status"], name="referral_made_by_status"),
        ]
        constraints = [
            models.CheckConstraint(
                name="referral_submitted_has_reference",
                condition=Q(status="draft") | Q(reference__isnull=False, submitted_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.reference or f"Draft referral {self.pk}"

    @property
    def person_name(self) -> str:
        if self.anonymised_at is not None:
            return "Anonymised"
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def awaiting_confirmation(self) -> bool:
        return self.status == Status.AWAITING_CONFIRMATION

    @property
    def may_decide(self) -> bool:
        """Open and with no decision waiting for confirmation."""
        return self.is_open and not self.awaiting_confirmation

    def age_on(self, day: date) -> int | None:
        return age_on(
            date_of_birth=self.date_of_birth,
            age_given=self.age_given,
            given_on=self.submitted_on or (self.created_at.date() if self.created_at else None),
            day=day,
        )

    @property
    def outcome_label(self) -> str:
        return decision_outcome(self.decision)


# ---- counts kept by the database (referrals/migrations/0016_queue_counts.py) ----
#
# The queue shows every tab's count on every request. Counting the rows behind them means reading 60,000 index
# entries per page at national scale, most of the page's time. These two tables hold the counts, and database
# triggers add and subtract in the same transaction as every insert, delete and change of status, team or maker
# of a referral, so no service, import, retention run or data fix can leave them wrong. Each change adds to the
# counter rows it moves (never recounts), so two writers at once both land; the portal only reads them, and
# `manage.py rebuild_queue_counts` counts them again from the referrals and says what differed.


class ReferralStatusCount(models.Model):
    """How many referrals have a status and an assigned team (team_key 0: none yet)."""

    pk = models.CompositePrimaryKey("status", "team_key")
    status = models.CharField(max_length=24)
    team_key = models.BigIntegerField(help_text="The assigned team's id; 0 when no team is assigned.")
    n = models.IntegerField()

    class Meta:
        verbose_name = "referrals by status and team (kept by the database)"

    def __str__(self) -> str:
        return f"{self.n} {self.status} for team {self.team_key}"


class ReferralMakerCount(models.Model):
    """How many referrals a user made that have a status (the "made by me" tab)."""

    pk = models.CompositePrimaryKey("created_by_key", "status")
    created_by_key = models.BigIntegerField(help_text="The maker's user id.")
    status = models.CharField(max_length=24)
    n = models.IntegerField()

    class Meta:
        verbose_name = "referrals by maker and status (kept by the database)"

    def __str__(self) -> str:
        return f"{self.n} {self.status} made by user {self.created_by_key}"


class ReferralIndicator(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="indicator_rows")
    indicator = models.ForeignKey(Indicator, null=True, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=200, help_text="The wording answered with.")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["referral", "indicator"], name="referral_indicator_once")]

    def __str__(self) -> str:
        return self.label


class ReferralSignpost(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="signpost_rows")
    service = models.ForeignKey(SignpostService, null=True, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=200, help_text="The wording answered with.")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["referral", "service"], name="referral_signpost_once")]

    def __str__(self) -> str:
        return self.label


class ScreeningAnswer(models.Model):
    """One answer of the CSC screening tool, with the question's wording at the time."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="screening_answers")
    question = models.ForeignKey(ScreeningQuestion, null=True, on_delete=models.PROTECT, related_name="+")
    question_text = models.CharField(max_length=200)
    answer = models.CharField(max_length=16, choices=YesNoUnknown.choices, blank=True)
    comment = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["referral", "question"], name="screening_answer_once")]

    def __str__(self) -> str:
        return self.question_text


class EventKind(models.TextChoices):
    CREATED = "created", "Draft started"
    SUBMITTED = "submitted", "Referral made"
    ASSIGNED = "assigned", "Assigned"
    SCREENED = "screened", "Screening answers saved"
    INFORMATION = "information", "Information gathered"
    INFORMATION_REQUESTED = "information_requested", "Information requested"
    NOTE = "note", "Note"
    PROPOSED = "proposed", "Decision proposed"
    SENT_BACK = "sent_back", "Proposed decision sent back"
    DECIDED = "decided", "Decision"


class ReferralEvent(AppendOnlyModel):
    """One dated, attributed step of a referral. An amendment is a new event pointing at the one it corrects."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    text = models.TextField(blank=True)
    status_after = models.CharField(max_length=24, choices=Status.choices, blank=True)
    amends = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments")

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def is_note(self) -> bool:
        return self.kind in (EventKind.NOTE, EventKind.INFORMATION, EventKind.INFORMATION_REQUESTED)
