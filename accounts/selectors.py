"""Reads for user administration, the audit trail and the outbox page, scoped to who is asking: only
coordinators and system administrators see the user pages at all; everyone else gets a 404."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.filters import AuditEventFilter
from core.models import AuditEvent, OutboxMessage

from .models import Membership, User
from .permissions import Capability, has_capability
from .roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import QueryDict

    from .filters import UserFilter


def _current_memberships() -> Prefetch[str, QuerySet[Membership], str]:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.current().select_related("school", "team", "panel").order_by("role", "id"),
        to_attr="current_memberships",
    )


def _with_flags(qs: QuerySet[User]) -> QuerySet[User]:
    today = timezone.localdate()
    current_sysadmin = Membership.objects.filter(user=OuterRef("pk"), role=Role.SYSADMIN, started_on__lte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=today)
    )
    return qs.annotate(
        has_authenticator=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        is_sysadmin_now=Exists(current_sysadmin),
    )


def current_roles_of(*, users: QuerySet[User]) -> dict[int, str]:
    """Each of these users' current roles as the users list shows them ("; " between them), in one query: for
    the export, which reads the users as values. A council's staff, so the map is small."""
    roles: dict[int, list[str]] = {}
    for membership in _current_memberships().queryset.filter(user_id__in=users.order_by().values("pk")):  # type: ignore[union-attr]
        roles.setdefault(membership.user_id, []).append(str(membership))
    return {pk: "; ".join(texts) for pk, texts in roles.items()}


def user_list_visible_to(*, user: User | AnonymousUser, filters: dict[str, Any] | None = None) -> QuerySet[User]:
    """Every user of the council, with current roles (prefetched) and flags, for coordinators and system
    administrators; a 404 for anyone else."""
    if not has_capability(user, Capability.USERS_MANAGE):
        raise Http404
    qs = _with_flags(User.objects.all()).prefetch_related(_current_memberships()).order_by("full_name", "email")
    if filters is not None:
        from .filters import UserFilter

        qs = UserFilter(filters, queryset=qs).qs
    return qs


def user_filter_for(*, user: User | AnonymousUser, filters: QueryDict | None = None) -> UserFilter:
    """A filter set over the users this person may see (its `.qs` is the match), for the users page."""
    from .filters import UserFilter

    return UserFilter(filters or None, queryset=user_list_visible_to(user=user))


def user_get_for_user(*, user: User | AnonymousUser, pk: int) -> User:
    """One user for the administration pages, with every membership (current and ended)."""
    if not has_capability(user, Capability.USERS_MANAGE):
        raise Http404
    found = (
        _with_flags(User.objects.filter(pk=pk))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("school", "team", "panel").order_by(
                    "-started_on", "role", "id"
                ),
                to_attr="all_memberships",
            ),
            _current_memberships(),
        )
        .first()
    )
    if found is None:
        raise Http404
    return found


def membership_get_for_user(*, user: User | AnonymousUser, target: User, pk: int) -> Membership:
    if not has_capability(user, Capability.USERS_MANAGE):
        raise Http404
    membership = Membership.objects.filter(user=target, pk=pk).select_related("school", "team", "panel").first()
    if membership is None:
        raise Http404
    return membership


def locked_out_identities(*, limit: int = 20) -> list[dict[str, Any]]:
    """Accounts and addresses django-axes holds locked now: failures within the cool-off, summed per account and
    per address (as axes counts them), at or over the limit. Each row: kind ("account" or "address"), value,
    failures, last (time of the latest attempt)."""
    from axes.models import AccessAttempt
    from django.db.models import Max, Sum

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    found: list[dict[str, Any]] = []
    for kind, column in (("account", "username"), ("address", "ip_address")):
        rows = (
            # (GenericIPAddressField stores a blank as NULL, so only NULL is excluded there.)
            recent.exclude(**{f"{column}__isnull": True})
            .exclude(**({column: ""} if column == "username" else {}))
            .values(column)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
            .order_by("-last")[:limit]
        )
        found += [{"kind": kind, "value": r[column], "failures": r["failures"], "last": r["last"]} for r in rows]
    return sorted(found, key=lambda r: r["last"], reverse=True)[:limit]


def users_without_second_factor(*, limit: int = 10) -> tuple[int, list[User]]:
    """Active users who have not set up an authenticator (invited and not yet signed in, or reset)."""
    qs = (
        User.objects.filter(is_active=True)
        .exclude(Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        .order_by("-date_joined")
    )
    return qs.count(), list(qs[:limit])


def security_events_recent(*, days: int = 7, limit: int = 10) -> list[Any]:
    """Failed sign-ins, lockouts and second-factor resets in the last days, newest first."""
    since = timezone.now() - timedelta(days=days)
    actions = [
        "auth.sign_in_failed",
        "auth.locked_out",
        "auth.second_factor_failed",
        "accounts.second_factor_reset",
        "accounts.lockout_cleared",
        "accounts.user_deactivated",
        "accounts.role_assigned",
        "accounts.role_ended",
    ]
    return list(AuditEvent.objects.filter(occurred_at__gte=since, action__in=actions).select_related("actor")[:limit])


def user_counts() -> dict[str, int]:
    from django.db.models import Count

    return User.objects.aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        deactivated=Count("pk", filter=Q(is_active=False)),
        never_signed_in=Count("pk", filter=Q(is_active=True, last_login__isnull=True)),
    )


def audit_event_filter_for(*, user: User | AnonymousUser, filters: QueryDict | None = None) -> AuditEventFilter:
    """A filter set over every event, newest first (its `.qs` is the match); a 404 for anyone without the audit
    capability. Fields with invalid values are left out of `.qs` and reported on the form."""
    if not has_capability(user, Capability.AUDIT_VIEW):
        raise Http404
    qs = AuditEvent.objects.select_related("actor").order_by("-occurred_at", "-id")
    return AuditEventFilter(filters or None, queryset=qs)


def outbox_messages_waiting_for(*, user: User) -> QuerySet[OutboxMessage]:
    """The outbox rows not yet sent (failed first, then the oldest waiting), for system administrators; a 404
    for anyone else."""
    if not has_capability(user, Capability.SECURITY_ADMIN):
        raise Http404
    failed_first = Case(
        When(status=OutboxMessage.Status.FAILED, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT)
        .annotate(failed_first=failed_first)
        .order_by("failed_first", "created_at", "id")
    )


def outbox_message_waiting_for(*, user: User, pk: int) -> OutboxMessage:
    return get_object_or_404(outbox_messages_waiting_for(user=user), pk=pk)


def outbox_failed_count() -> int:
    return OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).count()
