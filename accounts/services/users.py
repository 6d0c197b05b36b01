"""User administration: invitations and sign-in links, roles and their scopes, deactivation. Every change is
audited in the same transaction; coordinators may not manage system administrators or make anyone one."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.audit import audit_record
from core.idempotency import create_once
from core.locking import version_claim, versioned_update
from core.outbox import outbox_email

from ..models import DUPLICATE_ROLE_MESSAGE, Membership, Team, User
from ..permissions import Capability as C
from ..permissions import can_manage_user, forget_access, grantable_roles, has_capability
from ..roles import ROLE_SCOPE, Role
from .sessions import sessions_end_all

if TYPE_CHECKING:
    # For the annotations only: at run time accounts does not import the apps above it.
    from channel.models.panels import Panel
    from schools.models import School

PANEL_ROLES = frozenset({Role.PANEL_CHAIR, Role.PANEL_MEMBER})


def _require_manage(actor: User, user: User | None = None) -> None:
    if not has_capability(actor, C.USERS_MANAGE):
        raise PermissionError("You cannot manage users.")
    if user is not None and not can_manage_user(actor, user):
        raise PermissionError("Only a system administrator manages a system administrator.")


def sign_in_link_url(*, user: User) -> str:
    """A one-time link to set a password: Django's token changes when the password is set or the user signs in,
    so the link works once, and it lapses after PASSWORD_RESET_TIMEOUT."""
    path = reverse(
        "accounts:set_password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL.rstrip('/')}{path}"


@transaction.atomic
def user_invite(
    *,
    actor: User,
    email: str,
    full_name: str,
    job_title: str = "",
    request: HttpRequest | None = None,
    form_token: str | None = None,
) -> User:
    """Makes the account without a usable password and e-mails a one-time link to set one (after commit).
    The new user still sets up two-factor sign-in at their first sign-in. A second send of the same form
    returns the account the first made, and sends no second e-mail."""
    _require_manage(actor)

    def create() -> User:
        address = User.objects.normalize_email(email).strip().lower()
        if User.objects.filter(email__iexact=address).exists():
            raise ValidationError({"email": "There is already an account with this email address."})
        user = User(email=address, full_name=full_name.strip(), job_title=job_title.strip())
        user.set_unusable_password()
        user.full_clean()
        user.save()
        audit_record(actor=actor, action="accounts.user_invited", obj=user, request=request)
        # The link is made when the e-mail is sent (accounts/templatetags/sign_in_links.py), never stored.
        outbox_email(to=[user.email], template="accounts/email/invitation", context_ids={"user": user.pk})
        return user

    return create_once(token=form_token, actor=actor, model=User, create=create)


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    expected_version: int | None,
    full_name: str,
    job_title: str = "",
    request: HttpRequest | None = None,
) -> User:
    """Changes the person's name and job title. Refused with StaleEdit when someone else changed them, or their
    roles, since the page was opened. The e-mail address is the login name and is not changed here."""
    _require_manage(actor, user)
    old = {"full_name": user.full_name, "job_title": user.job_title}
    user.full_name, user.job_title = full_name.strip(), job_title.strip()
    user.full_clean(exclude=["password"])
    versioned_update(instance=user, expected_version=expected_version, fields=["full_name", "job_title"])
    new = {"full_name": user.full_name, "job_title": user.job_title}
    audit_record(
        actor=actor,
        action="accounts.user_updated",
        obj=user,
        changes={k: {"old": old[k], "new": new[k]} for k in new if old[k] != new[k]},
        request=request,
    )
    return user


@transaction.atomic
def sign_in_link_send(*, actor: User, user: User, request: HttpRequest | None = None) -> None:
    """A new one-time link to set a password, for a forgotten password or a lapsed invitation. The current
    password keeps working until the new one is set; the second factor is asked for as always."""
    _require_manage(actor, user)
    if not user.is_active:
        raise ValidationError("Reactivate the account before sending a sign-in link.")
    audit_record(actor=actor, action="accounts.sign_in_link_sent", obj=user, request=request)
    outbox_email(to=[user.email], template="accounts/email/new_sign_in_link", context_ids={"user": user.pk})


@transaction.atomic
def password_set_by_link(*, user: User, password: str, request: HttpRequest | None = None) -> None:
    """The user sets their password from a one-time link. They are not signed in: the sign-in page and the
    second factor come next, so a link never skips the second factor."""
    user.set_password(password)
    user.save(update_fields=["password"])
    sessions_end_all(user=user)
    audit_record(actor=user, action="accounts.password_set", obj=user, request=request)


def membership_assign(
    *,
    actor: User,
    user: User,
    role: str,
    school: School | None = None,
    team: Team | None = None,
    panel: Panel | None = None,
    agency: str = "",
    started_on: date | None = None,
    ended_on: date | None = None,
    request: HttpRequest | None = None,
    form_token: str | None = None,
) -> Membership:
    """Gives the user a role with the scope it needs: a DSL a school, a practitioner a team, a panel chair or
    member a panel (and, for members, the agency they represent). A second send of the same form returns the
    role the first gave."""
    _require_manage(actor, user)
    if role not in grantable_roles(actor):
        raise PermissionError("Only a system administrator can give the system administrator role.")
    scope = ROLE_SCOPE[role]
    membership = Membership(
        user=user,
        role=role,
        school=school if scope == "school" else None,
        team=team if scope == "team" else None,
        panel=panel if scope == "panel" else None,
        agency=agency.strip() if role in PANEL_ROLES else "",
        started_on=started_on or timezone.localdate(),
        ended_on=ended_on,
    )
    errors: dict[str, str] = {}
    if scope and getattr(membership, f"{scope}_id") is None:
        errors[scope] = {
            "school": "Select the school this designated safeguarding lead is for",
            "team": "Select the team this practitioner works in",
            "panel": "Select the panel",
        }[scope]
    if membership.ended_on and membership.ended_on <= membership.started_on:
        errors["ended_on"] = "The end date must be after the start date"
    if errors:
        raise ValidationError(errors)

    def create() -> Membership:
        same_role = Membership.objects.filter(
            user=user, role=role, school=membership.school, team=membership.team, panel=membership.panel
        )
        open_ended = same_role.filter(ended_on__isnull=True)
        if same_role.current(on=membership.started_on).exists() or (
            membership.ended_on is None and open_ended.exists()
        ):
            raise ValidationError({"role": DUPLICATE_ROLE_MESSAGE})
        membership.full_clean(validate_constraints=False)  # the check above says it in the form's words
        try:
            with transaction.atomic():
                membership.save()
        except IntegrityError:
            # Someone gave the same role at the same moment: the unique constraint kept the first one.
            if membership.ended_on is None and open_ended.exists():
                raise ValidationError({"role": DUPLICATE_ROLE_MESSAGE}) from None
            raise
        version_claim(instance=user, expected_version=None)  # a page about the person opened before is now stale
        forget_access(user)
        audit_record(
            actor=actor,
            action="accounts.role_assigned",
            obj=user,
            changes={
                "membership": {"old": None, "new": membership.pk},
                "role": {"old": None, "new": role},
                **({scope: {"old": None, "new": getattr(membership, f"{scope}_id")}} if scope else {}),
                "started_on": {"old": None, "new": membership.started_on.isoformat()},
            },
            request=request,
        )
        return membership

    return create_once(token=form_token, actor=actor, model=Membership, create=create)


@transaction.atomic
def membership_end(
    *,
    actor: User,
    membership: Membership,
    ended_on: date | None = None,
    expected_version: int | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Ends a role (never deletes it, so the history of who could see what stays). Access ends at the start of
    `ended_on`, today by default: at once. `expected_version` is the person's version when the page was opened:
    roles are part of the person's record, so a role added or ended since refuses the save (StaleEdit)."""
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    user = membership.user
    _require_manage(actor, user)
    if membership.role == Role.SYSADMIN and user.pk == actor.pk:
        raise ValidationError("You cannot remove your own system administrator role. Ask another administrator.")
    day = ended_on or timezone.localdate()
    if membership.ended_on is not None and membership.ended_on <= timezone.localdate():
        raise ValidationError("This role has already ended")
    if day < membership.started_on:
        day = membership.started_on
    old = membership.ended_on
    membership.ended_on = day
    membership.full_clean()
    version_claim(instance=user, expected_version=expected_version)
    membership.save(update_fields=["ended_on"])
    forget_access(user)
    audit_record(
        actor=actor,
        action="accounts.role_ended",
        obj=user,
        changes={
            "membership": {"old": membership.pk, "new": membership.pk},
            "role": {"old": membership.role, "new": membership.role},
            "ended_on": {"old": old.isoformat() if old else None, "new": day.isoformat()},
        },
        request=request,
    )


@transaction.atomic
def user_deactivate(*, actor: User, user: User, request: HttpRequest | None = None) -> int:
    """Stops the user signing in and ends every session they hold at once. The account stays, so the audit
    trail keeps its actor. Returns the number of sessions ended."""
    _require_manage(actor, user)
    if user.pk == actor.pk:
        raise ValidationError("You cannot deactivate your own account")
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ValidationError("This account is already deactivated")
    user.is_active = False
    versioned_update(instance=user, expected_version=None, fields=["is_active"])
    ended = sessions_end_all(user=user)
    audit_record(
        actor=actor,
        action="accounts.user_deactivated",
        obj=user,
        changes={"is_active": {"old": True, "new": False}},
        detail=f"{ended} sessions ended",
        request=request,
    )
    return ended


@transaction.atomic
def user_reactivate(*, actor: User, user: User, request: HttpRequest | None = None) -> None:
    _require_manage(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        raise ValidationError("This account is already active")
    user.is_active = True
    versioned_update(instance=user, expected_version=None, fields=["is_active"])
    audit_record(
        actor=actor,
        action="accounts.user_reactivated",
        obj=user,
        changes={"is_active": {"old": False, "new": True}},
        request=request,
    )
