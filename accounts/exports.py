"""The accounts app's CSV downloads (core.csv_export.ListExport): users, and a search of the audit trail (the
export is itself an audit event). Registered in AccountsConfig.ready."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.http import Http404

from core.csv_export import CsvColumn, ExportRows, ListExport, iso

from .permissions import Capability, has_capability
from .selectors import audit_event_filter_for, current_roles_of, user_filter_for

if TYPE_CHECKING:
    from django.http import QueryDict


def _status(is_active: bool, last_login: Any, has_authenticator: bool) -> str:
    if not is_active:
        return "Deactivated"
    if not last_login:
        return "Invited"
    return "Active" if has_authenticator else "No authenticator"


def _user_columns(roles: dict[int, str]) -> list[CsvColumn]:
    """The columns, with each user's current roles as `current_roles_of` gave them (one query for the export)."""
    return [
        CsvColumn("Name", "full_name"),
        CsvColumn("Email", "email"),
        CsvColumn("Roles", "pk", lambda pk: roles.get(pk, "")),
        CsvColumn("Last sign-in", "last_login", iso),
        CsvColumn("Status", ("is_active", "last_login", "has_authenticator"), _status),
    ]


def _users(user: Any, params: QueryDict) -> ExportRows:
    if not has_capability(user, Capability.USERS_MANAGE):
        raise Http404
    filterset = user_filter_for(user=user, filters=params)
    valid = not filterset.is_bound or filterset.is_valid()  # export_list sends an invalid search back
    roles = current_roles_of(users=filterset.qs) if valid else {}
    return ExportRows(filterset, _user_columns(roles))


USERS = ListExport(
    key="accounts.users", title="Users", name="users", action="accounts.users_exported",
    list_url_name="accounts:user_list", rows_for=_users,
)  # fmt: skip

AUDIT_COLUMNS = [
    CsvColumn("occurred_at", "occurred_at", iso),
    CsvColumn(
        "actor_email", ("actor_id", "actor__email", "actor_email"), lambda by, email, kept: email if by else kept
    ),
    CsvColumn("actor_name", "actor__full_name"),
    CsvColumn("ip_address", "ip_address"),
    CsvColumn("action", "action"),
    CsvColumn("object_type", "object_type"),
    CsvColumn("object_id", "object_id"),
    CsvColumn("changes", "changes", lambda changes: json.dumps(changes, sort_keys=True) if changes else ""),
    CsvColumn("detail", "detail"),
]


def _audit_events(user: Any, params: QueryDict) -> ExportRows:
    if not has_capability(user, Capability.AUDIT_VIEW):
        raise Http404
    return ExportRows(audit_event_filter_for(user=user, filters=params), AUDIT_COLUMNS)


AUDIT_EVENTS = ListExport(
    key="accounts.audit_events", title="Audit trail", name="audit-events", action="audit.exported",
    list_url_name="audit:list", rows_for=_audit_events,
)  # fmt: skip

LIST_EXPORTS = [USERS, AUDIT_EVENTS]
