from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.locking import Versioned

from .roles import ROLE_SCOPE, Role

if TYPE_CHECKING:
    from .permissions import Access


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


HONORIFICS = frozenset(
    {"cllr", "councillor", "dr", "mr", "mrs", "ms", "miss", "mx", "prof", "revd", "rev", "sir", "dame"}
)


class User(AbstractBaseUser, PermissionsMixin, Versioned):
    """A person who signs in. The e-mail address is the login name. Users are deactivated, never deleted,
    so that the audit trail keeps its actors. The version covers the details a coordinator edits and the roles
    (a role added or ended raises it), so a page about the person opened before either is refused."""

    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Only system administrators reach the Django admin.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    # Set on the request's user by django_otp's OTPMiddleware.
    is_verified: Callable[[], bool]
    # Kept per request by accounts.permissions.access_for.
    _portal_access: Access

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        """The first name for a greeting, past a title ("Cllr Rhys Underhill" is "Rhys")."""
        words = [w for w in self.full_name.split() if w.rstrip(".").lower() not in HONORIFICS]
        return words[0] if words else (self.full_name or self.email)


class Team(models.Model):
    """A Children's Social Care team; practitioners see referrals assigned to their team."""

    name = models.CharField(max_length=150, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


DUPLICATE_ROLE_MESSAGE = "This person already holds this role for this scope"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self, on: Any = None) -> MembershipQuerySet:
        """Memberships in force on a date (today by default): a removed panel member loses access that day."""
        day = on or timezone.localdate()
        return self.filter(started_on__lte=day).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))


class Membership(models.Model):
    """One role held by one user, with the school, team or panel it applies to and the dates it runs."""

    Role = Role

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships")
    panel = models.ForeignKey("channel.Panel", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agency = models.CharField(max_length=150, blank=True, help_text="For panel members: the agency they represent.")
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True, help_text="Access ends at the start of this day.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user", "role"]
        constraints = [
            models.CheckConstraint(
                name="membership_dsl_has_school",
                condition=~Q(role=Role.DSL) | Q(school__isnull=False),
            ),
            models.CheckConstraint(
                name="membership_practitioner_has_team",
                condition=~Q(role=Role.CSC_PRACTITIONER) | Q(team__isnull=False),
            ),
            models.CheckConstraint(
                name="membership_panel_role_has_panel",
                condition=~Q(role__in=[Role.PANEL_CHAIR, Role.PANEL_MEMBER]) | Q(panel__isnull=False),
            ),
            # One open-ended membership per user, role and scope, even when two people give the same role at
            # the same moment. An empty scope counts as 0: a unique index treats NULLs as all different.
            models.UniqueConstraint(
                F("user"),
                F("role"),
                *(Coalesce(scope, 0, output_field=models.BigIntegerField()) for scope in ("school", "team", "panel")),
                condition=Q(ended_on__isnull=True),
                name="membership_one_open_per_user_role_scope",
                violation_error_message=DUPLICATE_ROLE_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        scope = self.school or self.team or self.panel
        return f"{self.get_role_display()}{f' ({scope})' if scope else ''}"

    @property
    def scope_kind(self) -> str | None:
        return ROLE_SCOPE[self.role]

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def is_adviser(self) -> bool:
        return self.role == Role.ADVISER

    @property
    def is_dsl(self) -> bool:
        return self.role == Role.DSL

    @property
    def is_csc_practitioner(self) -> bool:
        return self.role == Role.CSC_PRACTITIONER

    @property
    def is_panel_chair(self) -> bool:
        return self.role == Role.PANEL_CHAIR

    @property
    def is_panel_member(self) -> bool:
        return self.role == Role.PANEL_MEMBER

    @property
    def is_scrutiny(self) -> bool:
        return self.role == Role.SCRUTINY

    @property
    def is_sysadmin(self) -> bool:
        return self.role == Role.SYSADMIN


class UserSession(models.Model):
    """The session keys a user has been given at sign-in, so that deactivating the user or resetting their
    second factor can end every one of their sessions at once (the database session table cannot be searched
    by user without decoding every row)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="session_keys")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"session of {self.user_id} from {self.created_at:%Y-%m-%d %H:%M}"
