from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.locking import Versioned
from core.models import TimeStampedModel


class Phase(models.TextChoices):
    EARLY_YEARS = "early_years", "Early years"
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    ALL_THROUGH = "all_through", "All-through"
    SPECIAL = "special", "Special"
    PRU = "pru", "Pupil referral unit"
    FE = "fe", "Further education"
    HE = "he", "Higher education"
    OTHER = "other", "Other"


class SchoolType(models.TextChoices):
    MAINTAINED = "maintained", "Local authority maintained"
    ACADEMY = "academy", "Academy"
    FREE_SCHOOL = "free_school", "Free school"
    INDEPENDENT = "independent", "Independent"
    OTHER = "other", "Other"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    PROPOSED_TO_CLOSE = "proposed_to_close", "Open, but proposed to close"
    PROPOSED_TO_OPEN = "proposed_to_open", "Proposed to open"


# A school in these states is shown as not open (School.is_open), with its status beside its name in lists.
NOT_OPEN_STATUSES = frozenset({Status.CLOSED, Status.PROPOSED_TO_OPEN})


class SupportTier(models.TextChoices):
    UNIVERSAL = "universal", "Universal"
    SPECIALIST = "specialist", "Specialist"
    INTENSIVE = "intensive", "Intensive"


class RRSALevel(models.TextChoices):
    NONE = "", "Not registered"
    REGISTERED = "registered", "Registered"
    BRONZE = "bronze", "Bronze: Rights Committed"
    SILVER = "silver", "Silver: Rights Aware"
    GOLD = "gold", "Gold: Rights Respecting"


class SchoolQuerySet(models.QuerySet["School"]):
    def open_on(self, day: date) -> SchoolQuerySet:
        """Schools open on a date: opened on or before it and not closed by then. Percentages of uptake are of
        these schools, so a school that opened later or had closed is not counted."""
        return (
            self.filter(Q(open_date__isnull=True) | Q(open_date__lte=day))
            .filter(Q(close_date__isnull=True) | Q(close_date__gt=day))
            .exclude(status=Status.PROPOSED_TO_OPEN, open_date__isnull=True)
        )

    def open_during(self, start: date, end: date) -> SchoolQuerySet:
        """Schools open on at least one day from `start` to `end`: opened by the end and not closed before the
        start (a school that closed during the period counts; one that opened after it or closed before it
        does not). The same rule as `open_on` for a period of one day."""
        return (
            self.filter(Q(open_date__isnull=True) | Q(open_date__lte=end))
            .filter(Q(close_date__isnull=True) | Q(close_date__gt=start))
            .exclude(status=Status.PROPOSED_TO_OPEN, open_date__isnull=True)
        )

    def currently_open(self) -> SchoolQuerySet:
        return self.exclude(status__in=[Status.CLOSED, Status.PROPOSED_TO_OPEN])


class School(TimeStampedModel, Versioned):
    """A school from GIAS, keyed by URN. GIAS fields are overwritten by re-import; the council's own fields
    (below the line) never are."""

    GIAS_FIELDS = (
        "la_code", "la_name", "establishment_number", "name", "type_name", "type_group", "school_type",
        "status", "phase", "phase_name", "open_date", "close_date", "pupils", "street", "locality", "address3",
        "town", "postcode", "ward", "ward_code", "head_title", "head_first_name", "head_last_name",
        "statutory_low_age", "statutory_high_age", "website", "telephone",
    )  # fmt: skip

    urn = models.PositiveIntegerField("URN", unique=True)
    la_code = models.CharField("local authority code", max_length=8, db_index=True)
    la_name = models.CharField("local authority", max_length=100, blank=True)
    establishment_number = models.CharField(max_length=8, blank=True)
    name = models.CharField(max_length=200)
    type_name = models.CharField("type of establishment", max_length=100, blank=True)
    type_group = models.CharField("type group", max_length=100, blank=True)
    school_type = models.CharField(max_length=16, choices=SchoolType.choices, default=SchoolType.OTHER)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    phase = models.CharField(max_length=16, choices=Phase.choices, default=Phase.OTHER)
    phase_name = models.CharField("phase of education (GIAS)", max_length=50, blank=True)
    open_date = models.DateField(null=True, blank=True)
    close_date = models.DateField(null=True, blank=True)
    pupils = models.PositiveIntegerField("number of pupils", null=True, blank=True)
    street = models.CharField(max_length=200, blank=True)
    locality = models.CharField(max_length=200, blank=True)
    address3 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    ward = models.CharField(max_length=100, blank=True)
    ward_code = models.CharField(max_length=12, blank=True)
    head_title = models.CharField(max_length=20, blank=True)
    head_first_name = models.CharField(max_length=100, blank=True)
    head_last_name = models.CharField(max_length=100, blank=True)
    statutory_low_age = models.PositiveSmallIntegerField(null=True, blank=True)
    statutory_high_age = models.PositiveSmallIntegerField(null=True, blank=True)
    website = models.CharField(max_length=200, blank=True)
    telephone = models.CharField(max_length=30, blank=True)
    gias_imported_at = models.DateTimeField(null=True, blank=True)

    # ---- the council's own fields: never touched by a GIAS re-import ----
    support_tier = models.CharField(max_length=12, choices=SupportTier.choices, default=SupportTier.UNIVERSAL)
    rrsa_level = models.CharField(
        "Rights Respecting Schools Award", max_length=12, choices=RRSALevel.choices, blank=True, db_index=True
    )
    notes = models.TextField(blank=True)
    ofsted_notes = models.TextField(blank=True)

    # ---- kept by the visit services (schools.services.visits), never edited by hand ----
    last_visit_on = models.DateField(
        "last visit", null=True, blank=True, editable=False, help_text="The latest visit's date, kept by the visits."
    )

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        # One index per sort and filter of the school list (schools.filters.SORTS): each page is an index scan
        # that stops after 50 rows. They hold the id too (INCLUDE, on PostgreSQL), so that a page far down the
        # list finds its 50 ids by an index-only scan: the last page at national scale (OFFSET 23,950) took 20 ms
        # to sort every school's name, and takes 1.5 ms. Migration 0005 adds, on PostgreSQL only, trigram indexes
        # for the search by name and postcode and the two sorts with NULLS FIRST/LAST, which SQLite's CREATE INDEX
        # does not take.
        indexes = [
            models.Index(fields=["name", "urn"], name="school_name_urn", include=["id"]),
            models.Index(fields=["ward", "name"], name="school_ward_name", include=["id"]),
            models.Index(fields=["phase", "name"], name="school_phase_name", include=["id"]),
            models.Index(fields=["support_tier", "name"], name="school_tier_name", include=["id"]),
            models.Index(fields=["school_type", "name"], name="school_type_name", include=["id"]),
            # The home page's counts by status and tier (schools.selectors.school_summary_counts): an index-only
            # scan already in groups, 4 ms at national scale where hashing every school's two labels took 15.
            models.Index(fields=["status", "support_tier"], name="school_status_tier"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def head_teacher(self) -> str:
        return " ".join(p for p in (self.head_title, self.head_first_name, self.head_last_name) if p)

    @property
    def address(self) -> str:
        return ", ".join(p for p in (self.street, self.locality, self.address3, self.town, self.postcode) if p)

    @property
    def is_open(self) -> bool:
        return self.status not in NOT_OPEN_STATUSES

    def is_open_on(self, day: date | None = None) -> bool:
        day = day or timezone.localdate()
        return (self.open_date is None or self.open_date <= day) and (self.close_date is None or self.close_date > day)


class InstitutionKind(models.TextChoices):
    EARLY_YEARS = "early_years", "Early years setting"
    FE_HE = "fe_he", "Further or higher education"
    COUNCIL = "council", "Council service"
    HEALTH = "health", "Health"
    SOCIAL_CARE = "social_care", "Social care"
    VOLUNTARY = "voluntary", "Voluntary or community group"
    FAITH = "faith", "Faith setting"
    OTHER = "other", "Other"


class Institution(TimeStampedModel, Versioned):
    """A body without a URN that receives training: an early years setting, a college, a council service,
    a voluntary group, a faith setting such as a madrassah."""

    name = models.CharField(max_length=200, db_index=True)
    kind = models.CharField(max_length=16, choices=InstitutionKind.choices)
    ward = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name", "kind"], name="institution_unique_name_kind")]

    def __str__(self) -> str:
        return self.name


class ContactRole(models.TextChoices):
    DSL = "dsl", "Designated safeguarding lead"
    DEPUTY_DSL = "deputy_dsl", "Deputy designated safeguarding lead"
    PREVENT_LEAD = "prevent_lead", "Prevent lead"
    HEAD_TEACHER = "head_teacher", "Head teacher"
    OTHER = "other", "Other staff"


class Contact(TimeStampedModel, Versioned):
    """A person at a school: DSL, deputy, Prevent lead, head teacher. Linked to their portal account, if any."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="contacts")
    full_name = models.CharField(max_length=150)
    role = models.CharField(max_length=16, choices=ContactRole.choices)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="school_contacts"
    )
    is_prevent_spoc = models.BooleanField("Prevent single point of contact", default=False)
    is_current = models.BooleanField(default=True, help_text="Former staff are kept so that history still reads.")

    class Meta:
        ordering = ["school", "role", "full_name"]
        indexes = [
            models.Index(fields=["school", "role"]),
            # Who is due a DSL refresher (the coordinator's home page, the refresher list, the schools list's
            # filter) reads current DSLs and deputies only: 41,000 of 73,000 contacts at national scale, read from
            # this index alone rather than the whole table.
            models.Index(
                fields=["school", "id"],
                condition=Q(is_current=True, role__in=["dsl", "deputy_dsl"]),
                name="contact_current_dsl",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()})"


class ChecklistItem(models.TextChoices):
    """The school's Prevent duty checklist (PRODUCT.md, "Schools and other institutions")."""

    RISK_ASSESSMENT = "risk_assessment", "Prevent risk assessment"
    SAFEGUARDING_POLICY = "safeguarding_policy", "Safeguarding policy covers radicalisation"
    STAFF_TRAINED = "staff_trained", "Staff trained in Prevent"
    ONLINE_FILTERING = "online_filtering", "Online filtering and monitoring"
    VISITORS_POLICY = "visitors_policy", "Visitors and external speakers policy"
    BRITISH_VALUES = "british_values", "Curriculum work on British values"


class ChecklistConfirmation(TimeStampedModel):
    """One checklist item of one school: whether it is in place, and when and by whom that was last confirmed."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="checklist")
    item = models.CharField(max_length=24, choices=ChecklistItem.choices)
    in_place = models.BooleanField(default=False)
    confirmed_on = models.DateField("last confirmed", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["school", "item"]
        constraints = [models.UniqueConstraint(fields=["school", "item"], name="checklist_one_row_per_item")]

    def __str__(self) -> str:
        return f"{self.school}: {self.get_item_display()}"


class RRSALevelChange(models.Model):
    """The history of a school's Rights Respecting Schools Award level: one row per change."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="rrsa_history")
    level = models.CharField(max_length=12, choices=RRSALevel.choices, blank=True)
    achieved_on = models.DateField()
    recorded_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school", "-achieved_on", "-id"]

    def __str__(self) -> str:
        return f"{self.school}: {self.get_level_display()} from {self.achieved_on}"


class VisitKind(models.TextChoices):
    VISIT = "visit", "Visit"
    CALL = "call", "Phone or video call"
    EMAIL = "email", "E-mail"


class VisitPurpose(models.TextChoices):
    CHECK_IN = "check_in", "Termly check-in"
    POLICY = "policy", "Policy and risk assessment review"
    TRAINING = "training", "Training planning or follow-up"
    CONCERN = "concern", "Advice on a concern"
    INCIDENT = "incident", "Incident or community tension"
    CURRICULUM = "curriculum", "Curriculum and resources"
    RRSA = "rrsa", "Rights Respecting Schools"
    OTHER = "other", "Other"


class Visit(TimeStampedModel, Versioned):
    """A visit, call or e-mail of the schools resilience adviser to one school."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="visits")
    kind = models.CharField(max_length=8, choices=VisitKind.choices, default=VisitKind.VISIT)
    visited_on = models.DateField("date", db_index=True)
    adviser = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="school_visits")
    offer_level = models.CharField(max_length=12, choices=SupportTier.choices, default=SupportTier.UNIVERSAL)
    purpose = models.CharField(max_length=12, choices=VisitPurpose.choices, default=VisitPurpose.CHECK_IN)
    notes = models.TextField(blank=True)
    follow_up_on = models.DateField("follow-up date", null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["school", "visited_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.school} on {self.visited_on:%-d %b %Y}"


class VisitActionQuerySet(models.QuerySet["VisitAction"]):
    def open(self) -> VisitActionQuerySet:
        return self.filter(done_on__isnull=True)

    def overdue_on(self, day: date) -> VisitActionQuerySet:
        return self.filter(done_on__isnull=True, due_on__lt=day)


class VisitAction(TimeStampedModel, Versioned):
    """An action agreed at a visit: who owns it, when it is due, and when it was done."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="actions")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="visit_actions")
    description = models.CharField(max_length=300)
    owner = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="visit_actions")
    due_on = models.DateField("due date", db_index=True)
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = VisitActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "done_on", "due_on"])]

    def __str__(self) -> str:
        return self.description

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


class MeetingKind(models.TextChoices):
    NETWORK = "network", "DSL network meeting"
    CONFERENCE = "conference", "Safeguarding conference"


class NetworkMeeting(TimeStampedModel, Versioned):
    """A DSL network meeting or safeguarding conference, with the DSLs who attended."""

    kind = models.CharField(max_length=12, choices=MeetingKind.choices, default=MeetingKind.NETWORK)
    title = models.CharField(max_length=200)
    held_on = models.DateField(db_index=True)
    venue = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    organiser = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    attendees = models.ManyToManyField(Contact, blank=True, related_name="meetings_attended")

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%-d %b %Y})"
