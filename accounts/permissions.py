"""Permission predicates: who may do what (PRODUCT.md, "What each role may do").

Coarse capabilities say which roles may use a part of the portal at all. Which *rows* a user may see is the job
of each app's selectors, which use the scopes in `Access` (the schools, teams and panels of current
memberships). Views declare a capability with `CapabilityRequiredMixin` / `capability_required`, then fetch
records through selectors: out of scope is a 404, in scope but read-only is a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from .roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from .models import User


_P = ParamSpec("_P")
_R = TypeVar("_R")


class Capability(StrEnum):
    SCHOOLS_VIEW = "schools_view"
    SCHOOLS_EDIT_ANY = "schools_edit_any"
    SCHOOLS_IMPORT = "schools_import"
    VISITS_VIEW = "visits_view"
    VISITS_EDIT = "visits_edit"
    TRAINING_VIEW = "training_view"
    TRAINING_EDIT = "training_edit"
    UPTAKE_VIEW = "uptake_view"
    REFERRAL_MAKE = "referral_make"
    REFERRAL_VIEW = "referral_view"
    REFERRAL_TRIAGE = "referral_triage"
    REFERRAL_CONFIGURE = "referral_configure"
    CASES_VIEW = "cases_view"
    PEOPLE_MATCH = "people_match"
    SUBJECT_ACCESS = "subject_access"
    CASES_TRANSFER = "cases_transfer"
    CASES_ADMIN = "cases_admin"
    MEETINGS_VIEW = "meetings_view"
    REPORTS_VIEW = "reports_view"
    REPORTS_REQUEST = "reports_request"
    REPORTS_OFFICIAL_SENSITIVE = "reports_official_sensitive"
    STATISTICS_VIEW = "statistics_view"
    USERS_MANAGE = "users_manage"
    AUDIT_VIEW = "audit_view"
    SECURITY_ADMIN = "security_admin"
    RETENTION_MANAGE = "retention_manage"
    LEGAL_HOLD = "legal_hold"


R = Role
C = Capability

# The single table of coarse capabilities. Scoped rules ("own school", "own panels") are applied by selectors.
CAPABILITIES: dict[Capability, frozenset[str]] = {
    C.SCHOOLS_VIEW: frozenset({R.COORDINATOR, R.ADVISER, R.DSL, R.CSC_PRACTITIONER, R.PANEL_CHAIR, R.PANEL_MEMBER}),
    C.SCHOOLS_EDIT_ANY: frozenset({R.COORDINATOR, R.ADVISER}),
    C.SCHOOLS_IMPORT: frozenset({R.COORDINATOR}),
    C.VISITS_VIEW: frozenset({R.COORDINATOR, R.ADVISER, R.DSL}),
    C.VISITS_EDIT: frozenset({R.COORDINATOR, R.ADVISER}),
    C.TRAINING_VIEW: frozenset({R.COORDINATOR, R.ADVISER, R.DSL, R.CSC_PRACTITIONER}),
    C.TRAINING_EDIT: frozenset({R.COORDINATOR, R.ADVISER}),
    C.UPTAKE_VIEW: frozenset({R.COORDINATOR, R.ADVISER, R.DSL, R.CSC_PRACTITIONER}),
    C.REFERRAL_MAKE: frozenset({R.COORDINATOR, R.ADVISER, R.DSL, R.CSC_PRACTITIONER}),
    C.REFERRAL_VIEW: frozenset({R.COORDINATOR, R.ADVISER, R.DSL, R.CSC_PRACTITIONER, R.PANEL_CHAIR, R.PANEL_MEMBER}),
    C.REFERRAL_TRIAGE: frozenset({R.COORDINATOR, R.CSC_PRACTITIONER}),
    C.REFERRAL_CONFIGURE: frozenset({R.COORDINATOR}),
    C.CASES_VIEW: frozenset({R.COORDINATOR, R.CSC_PRACTITIONER, R.PANEL_CHAIR, R.PANEL_MEMBER}),
    C.CASES_ADMIN: frozenset({R.COORDINATOR, R.PANEL_CHAIR}),
    # Matching and linking people read every referral's identifiers, so only those who see every referral.
    C.PEOPLE_MATCH: frozenset({R.COORDINATOR}),
    C.SUBJECT_ACCESS: frozenset({R.COORDINATOR}),
    C.CASES_TRANSFER: frozenset({R.COORDINATOR, R.PANEL_CHAIR}),
    C.MEETINGS_VIEW: frozenset({R.COORDINATOR, R.PANEL_CHAIR, R.PANEL_MEMBER}),
    C.REPORTS_VIEW: frozenset({R.COORDINATOR, R.ADVISER, R.CSC_PRACTITIONER, R.PANEL_CHAIR, R.SCRUTINY}),
    C.REPORTS_REQUEST: frozenset({R.COORDINATOR}),
    C.REPORTS_OFFICIAL_SENSITIVE: frozenset({R.COORDINATOR, R.PANEL_CHAIR}),
    C.STATISTICS_VIEW: frozenset({R.COORDINATOR, R.ADVISER, R.CSC_PRACTITIONER, R.PANEL_CHAIR}),
    C.USERS_MANAGE: frozenset({R.COORDINATOR, R.SYSADMIN}),
    C.AUDIT_VIEW: frozenset({R.COORDINATOR, R.SYSADMIN}),
    C.SECURITY_ADMIN: frozenset({R.SYSADMIN}),
    C.RETENTION_MANAGE: frozenset({R.SYSADMIN}),
    C.LEGAL_HOLD: frozenset({R.COORDINATOR}),
}

# Roles that may read referral and case content (anyone else sees counts only).
CASE_CONTENT_ROLES = frozenset({R.COORDINATOR, R.CSC_PRACTITIONER, R.PANEL_CHAIR, R.PANEL_MEMBER})


@dataclass(frozen=True)
class Access:
    """What one user holds today: roles and the scopes of their current memberships."""

    roles: frozenset[str] = frozenset()
    school_ids: frozenset[int] = frozenset()
    team_ids: frozenset[int] = frozenset()
    chaired_panel_ids: frozenset[int] = frozenset()
    member_panel_ids: frozenset[int] = frozenset()
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def panel_ids(self) -> frozenset[int]:
        return self.chaired_panel_ids | self.member_panel_ids

    def has(self, role: str) -> bool:
        return role in self.roles


NO_ACCESS = Access()


def access_for(user: User | AnonymousUser | None) -> Access:
    """The user's current roles and scopes, read once per request and kept on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, "_portal_access", None)
    if cached is not None:
        return cached
    from .models import Membership

    rows = list(Membership.objects.current().filter(user=user).values_list("role", "school_id", "team_id", "panel_id"))
    access = Access(
        roles=frozenset(r for r, *_ in rows),
        school_ids=frozenset(s for r, s, _, _ in rows if r == R.DSL and s),
        team_ids=frozenset(t for r, _, t, _ in rows if r == R.CSC_PRACTITIONER and t),
        chaired_panel_ids=frozenset(p for r, _, _, p in rows if r == R.PANEL_CHAIR and p),
        member_panel_ids=frozenset(p for r, _, _, p in rows if r == R.PANEL_MEMBER and p),
    )
    user._portal_access = access
    return access


def forget_access(user: Any) -> None:
    """Drop the cached access after a role change made in the same request."""
    if hasattr(user, "_portal_access"):
        del user._portal_access


def has_capability(user: User | AnonymousUser | None, capability: Capability | str) -> bool:
    allowed = CAPABILITIES[Capability(capability)]
    return bool(access_for(user).roles & allowed)


def has_any_role(user: User | AnonymousUser | None, *roles: str) -> bool:
    return bool(access_for(user).roles & set(roles))


def has_case_content_access(user: User | AnonymousUser | None) -> bool:
    return bool(access_for(user).roles & CASE_CONTENT_ROLES)


def is_coordinator(user: User | AnonymousUser | None) -> bool:
    return has_any_role(user, R.COORDINATOR)


def is_sysadmin(user: User | AnonymousUser | None) -> bool:
    return has_any_role(user, R.SYSADMIN)


def can_edit_school(user: User | AnonymousUser | None, school_id: int) -> bool:
    """Coordinators and advisers edit any school; a DSL edits only their own school."""
    access = access_for(user)
    return has_capability(user, C.SCHOOLS_EDIT_ANY) or school_id in access.school_ids


def holds_sysadmin_role(user: Any) -> bool:
    """Whether the user holds a current system administrator membership, active or not (unlike access_for,
    which sees nothing for a deactivated user)."""
    from .models import Membership

    return Membership.objects.current().filter(user=user, role=R.SYSADMIN).exists()


def can_manage_user(actor: User | AnonymousUser | None, target: Any) -> bool:
    """System administrators manage everyone; coordinators manage everyone but system administrators."""
    if not has_capability(actor, C.USERS_MANAGE):
        return False
    if is_sysadmin(actor):
        return True
    return not holds_sysadmin_role(target)


def grantable_roles(actor: User | AnonymousUser | None) -> list[Role]:
    """The roles the actor may give: a coordinator may not make anyone a system administrator."""
    if is_sysadmin(actor):
        return list(Role)
    if has_capability(actor, C.USERS_MANAGE):
        return [role for role in Role if role != R.SYSADMIN]
    return []


class CapabilityRequiredMixin:
    """For class-based views: a user without `capability` gets a 404, as if the page did not exist for them
    (PRODUCT.md: '-' is nothing). Put it first in the bases so it runs before the view's own dispatch."""

    capability: Capability | str

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        from django.http import Http404

        if not has_capability(request.user, self.capability):
            raise Http404
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def capability_required(
    capability: Capability | str,
) -> Callable[[Callable[Concatenate[HttpRequest, _P], _R]], Callable[Concatenate[HttpRequest, _P], _R]]:
    """For function views: the same rule as CapabilityRequiredMixin."""
    from functools import wraps

    def decorator(view: Callable[Concatenate[HttpRequest, _P], _R]) -> Callable[Concatenate[HttpRequest, _P], _R]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: _P.args, **kwargs: _P.kwargs) -> _R:
            from django.http import Http404

            if not has_capability(request.user, capability):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def signed_in_user(request: HttpRequest) -> User:
    """The person making a request that passed `capability_required` (so signed in), typed as the portal's User
    for the services that record who acted. An anonymous request reaching here is a wiring mistake: refused."""
    from django.core.exceptions import PermissionDenied

    from .models import User

    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user
