"""Training and delivery: courses (data, not code), sessions, attendance per school or institution, named
attendees where it matters (DSLs, accredited trainers), and feedback with the coordinator's quality notes."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from core.locking import Versioned
from core.models import TimeStampedModel


class Audience(models.TextChoices):
    ALL_STAFF = "all_staff", "All staff"
    DSL = "dsl", "Designated safeguarding leads"
    TRAINERS = "trainers", "Trainers"
    MULTI_AGENCY = "multi_agency", "Multi-agency professionals"
    PUPILS = "pupils", "Pupils"
    PARENTS = "parents", "Parents and carers"
    COMMUNITY = "community", "Community members"


class Sector(models.TextChoices):
    SCHOOLS = "schools", "Schools"
    EARLY_YEARS = "early_years", "Early years"
    FE_HE = "fe_he", "Further and higher education"
    COUNCIL = "council", "Council staff"
    HEALTH = "health", "Health"
    SOCIAL_CARE = "social_care", "Social care"
    FOSTER_CARERS = "foster_carers", "Foster carers"
    VOLUNTARY = "voluntary", "Voluntary and community sector"
    FAITH = "faith", "Faith settings"
    PARENTS = "parents", "Parents"
    PUPILS = "pupils", "Pupils"


class Course(TimeStampedModel, Versioned):
    """A course or kind of delivery. Seeded by a data migration; the coordinator may add more."""

    code = models.CharField(max_length=32, unique=True, help_text="Short code used in imports, e.g. WRAP.")
    name = models.CharField(max_length=200)
    audience = models.CharField(max_length=16, choices=Audience.choices)
    counts_as_prevent_training_for_dsl = models.BooleanField(
        "counts as Prevent training for a DSL",
        default=False,
        help_text="Keeping Children Safe in Education: DSLs refresh their Prevent training at least every two years.",
    )
    is_commissioned = models.BooleanField(
        "commissioned or community delivery",
        default=False,
        help_text="Workshops for pupils, parenting programmes and community sessions, reported apart from training.",
    )
    is_elearning = models.BooleanField("Home Office e-learning", default=False)
    is_refresher = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=100)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Delivery(models.TextChoices):
    VENUE = "venue", "At a venue"
    ONLINE = "online", "Online"


class SessionSource(models.TextChoices):
    ENTERED = "entered", "Entered"
    IMPORTED = "imported", "Imported"


class Session(TimeStampedModel, Versioned):
    """One delivery of a course on a date, with its feedback and quality observation."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField("date", db_index=True)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_sessions",
        help_text="A council trainer.",
    )
    trainer_contact = models.ForeignKey(
        "schools.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions_delivered",
        help_text="An accredited trainer at a school.",
    )
    trainer_name = models.CharField("other trainer or provider", max_length=150, blank=True)
    delivery = models.CharField(max_length=8, choices=Delivery.choices, default=Delivery.VENUE)
    venue = models.CharField(max_length=200, blank=True)
    sector = models.CharField("audience sector", max_length=16, choices=Sector.choices, default=Sector.SCHOOLS)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=8, choices=SessionSource.choices, default=SessionSource.ENTERED)

    # Feedback and quality
    responses = models.PositiveIntegerField("feedback responses", default=0)
    better_understanding = models.PositiveIntegerField("reported a better understanding", default=0)
    rating = models.DecimalField(
        "average rating (1 to 5)",
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    quality_observation = models.TextField("quality observation", blank=True)
    observed_on = models.DateField(null=True, blank=True)
    observed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["course", "held_on"])]
        constraints = [
            # Imported rows are grouped into one session per course and date: the import's natural key.
            models.UniqueConstraint(
                fields=["course", "held_on"], condition=Q(source="imported"), name="training_one_imported_session"
            ),
            models.CheckConstraint(
                condition=Q(better_understanding__lte=models.F("responses")),
                name="training_better_understanding_within_responses",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="training_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course.name} on {self.held_on:%-d %b %Y}"

    @property
    def trainer_label(self) -> str:
        if self.trainer_id:
            return self.trainer.get_full_name() or self.trainer.email  # type: ignore[union-attr]
        if self.trainer_contact_id:
            return f"{self.trainer_contact.full_name} (accredited trainer)"  # type: ignore[union-attr]
        return self.trainer_name


class Attendance(TimeStampedModel, Versioned):
    """Who came from one school or one other institution: head counts by audience."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="training_attendances"
    )
    institution = models.ForeignKey(
        "schools.Institution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_attendances",
    )
    staff = models.PositiveIntegerField(default=0)
    pupils = models.PositiveIntegerField(default=0)
    parents = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["session", "id"]
        indexes = [models.Index(fields=["school", "session"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(school__isnull=False) & Q(institution__isnull=True))
                | (Q(school__isnull=True) & Q(institution__isnull=False)),
                name="training_attendance_school_xor_institution",
            ),
            models.UniqueConstraint(
                fields=["session", "school"], condition=Q(school__isnull=False), name="training_one_row_per_school"
            ),
            models.UniqueConstraint(
                fields=["session", "institution"],
                condition=Q(institution__isnull=False),
                name="training_one_row_per_institution",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school or self.institution} at {self.session}"

    @property
    def total(self) -> int:
        return self.staff + self.pupils + self.parents


class AttendeeRole(models.TextChoices):
    DSL = "dsl", "Designated safeguarding lead"
    DEPUTY_DSL = "deputy_dsl", "Deputy designated safeguarding lead"
    PREVENT_LEAD = "prevent_lead", "Prevent lead"
    ACCREDITED_TRAINER = "accredited_trainer", "Accredited trainer"
    STAFF = "staff", "Other staff"


class Attendee(TimeStampedModel):
    """A named person at a session, kept where it matters: DSLs (their two-yearly refresher) and accredited
    trainers. Linked to the school's contact record when there is one."""

    attendance = models.ForeignKey(Attendance, on_delete=models.CASCADE, related_name="attendees")
    full_name = models.CharField(max_length=150)
    email = models.EmailField(blank=True)
    role = models.CharField(max_length=20, choices=AttendeeRole.choices, default=AttendeeRole.DSL)
    contact = models.ForeignKey(
        "schools.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="training_attendances"
    )

    class Meta:
        ordering = ["attendance", "full_name"]
        indexes = [models.Index(fields=["contact", "attendance"])]

    def __str__(self) -> str:
        return self.full_name


# ---- stores kept by the database (training/migrations/0004_training_dates.py, 0005_session_totals.py) ----
#
# The uptake measures and the DSL refresher checks ask, for 24,000 schools and 73,000 contacts at once, "when did
# this school first attend WRAP / PVE / any Prevent training?" and "did this person have Prevent training between
# two dates?". Answering from the attendances means a pass over half a million rows on every home page. These two
# tables hold the answers, and database triggers keep them in the same transaction as every write to attendances,
# attendees, sessions and courses, so no service, import, data fix or cascade can leave them stale. The portal
# only reads them; `manage.py rebuild_training_dates` recomputes both from the attendances and says what differed.


class SchoolFirstTraining(models.Model):
    """A school's first WRAP, PVE and any Prevent training (not commissioned or community delivery): the earliest
    date of a session it attended, None if never. One row per school that has attended anything."""

    school = models.OneToOneField(
        "schools.School",
        primary_key=True,
        on_delete=models.DO_NOTHING,  # kept by the database: a school with attendances cannot be deleted
        related_name="first_training",
    )
    first_wrap = models.DateField(null=True)
    first_pve = models.DateField(null=True)
    first_any = models.DateField(null=True)

    class Meta:
        verbose_name = "school's first training (kept by the database)"

    def __str__(self) -> str:
        return f"First training of school {self.school_id}"


class ContactPreventTraining(models.Model):
    """A named attendee linked to a school contact, at a session of a course that counts as Prevent training for
    a DSL: who and when. One row per such attendee."""

    attendee = models.OneToOneField(
        Attendee, primary_key=True, on_delete=models.DO_NOTHING, related_name="prevent_training"
    )
    contact = models.ForeignKey("schools.Contact", on_delete=models.DO_NOTHING, related_name="prevent_training")
    held_on = models.DateField()

    class Meta:
        verbose_name = "contact's Prevent training (kept by the database)"
        indexes = [
            models.Index(fields=["contact", "held_on"], name="training_cpt_contact_held_on"),
            # "Is any Prevent training dated after D?": whether ContactLastPreventTraining answers for D.
            models.Index(fields=["held_on"], name="training_cpt_held_on"),
        ]

    def __str__(self) -> str:
        return f"Prevent training of contact {self.contact_id} on {self.held_on}"


class ContactLastPreventTraining(models.Model):
    """A contact's last Prevent training date (the latest of its ContactPreventTraining rows). Enough to say who
    is due a refresher on any date no Prevent training is dated after, which is today's question."""

    contact = models.OneToOneField(
        "schools.Contact", primary_key=True, on_delete=models.DO_NOTHING, related_name="latest_prevent_training"
    )
    last_on = models.DateField()

    class Meta:
        verbose_name = "contact's last Prevent training (kept by the database)"

    def __str__(self) -> str:
        return f"Last Prevent training of contact {self.contact_id}: {self.last_on}"


class SessionTotals(models.Model):
    """A session's attendance rows (schools and other bodies) and the people they sent (staff, pupils and
    parents), for the session list, its sorts and its export: 33,000 sessions listed or sorted by these would
    otherwise count half a million attendances. One row per session, zeros until an attendance is recorded.
    Triggers add each write's change to the session's row, so concurrent writers both land."""

    session = models.OneToOneField(
        Session,
        primary_key=True,
        on_delete=models.DO_NOTHING,  # kept by the database: deleted with its session
        related_name="totals",
    )
    institutions = models.IntegerField("schools and other bodies")
    people = models.IntegerField()

    class Meta:
        verbose_name = "session's totals (kept by the database)"

    def __str__(self) -> str:
        return f"Totals of session {self.session_id}: {self.institutions} bodies, {self.people} people"


class FiguresChange(models.Model):
    """One row per statement (PostgreSQL) or row (SQLite) that changed a table the training figures are read from
    (training.figures.WATCHED_TABLES), written by database triggers in the writer's transaction. Rows are only
    ever added until the nightly clear, so their number and the highest id, read with FiguresEpoch's epoch, change
    with every commit that changed those tables: the key under which the figures are kept (training.figures)."""

    id = models.BigAutoField(primary_key=True)

    class Meta:
        verbose_name = "change to the training figures' tables (kept by the database)"

    def __str__(self) -> str:
        return f"Change {self.id}"


class FiguresEpoch(models.Model):
    """How many times FiguresChange was cleared: a clear removes rows, so the count alone could come back to a
    value it had before; with the epoch in the key it cannot."""

    epoch = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "epoch of the training figures' changes"

    def __str__(self) -> str:
        return f"Epoch {self.epoch}"
