from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone

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

    def currently_open(self) -> SchoolQuerySet:
        return self.exclude(status__in=[Status.CLOSED, Status.PROPOSED_TO_OPEN])


class School(TimeStampedModel):
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
    name = models.CharField(max_length=200, db_index=True)
    type_name = models.CharField("type of establishment", max_length=100, blank=True)
    type_group = models.CharField("type group", max_length=100, blank=True)
    school_type = models.CharField(max_length=16, choices=SchoolType.choices, default=SchoolType.OTHER)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    phase = models.CharField(max_length=16, choices=Phase.choices, default=Phase.OTHER, db_index=True)
    phase_name = models.CharField("phase of education (GIAS)", max_length=50, blank=True)
    open_date = models.DateField(null=True, blank=True)
    close_date = models.DateField(null=True, blank=True)
    pupils = models.PositiveIntegerField("number of pupils", null=True, blank=True)
    street = models.CharField(max_length=200, blank=True)
    locality = models.CharField(max_length=200, blank=True)
    address3 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    ward = models.CharField(max_length=100, blank=True, db_index=True)
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
    support_tier = models.CharField(
        max_length=12, choices=SupportTier.choices, default=SupportTier.UNIVERSAL, db_index=True
    )
    rrsa_level = models.CharField(
        "Rights Respecting Schools Award", max_length=12, choices=RRSALevel.choices, blank=True, db_index=True
    )
    notes = models.TextField(blank=True)
    ofsted_notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Bumped on each local edit; stale saves are refused.")

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

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
        return self.status not in (Status.CLOSED, Status.PROPOSED_TO_OPEN)

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


class Institution(TimeStampedModel):
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


class Contact(TimeStampedModel):
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
        indexes = [models.Index(fields=["school", "role"])]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()})"
