"""Writing audit events. Call these inside the same transaction as the change they record.

Reads of referrals and cases are audited in their detail selectors; changes in the services that make them;
security events (sign-in, lockout, 2FA reset, role change) in accounts.services.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    # Django's own user types: core never imports the accounts app, not even for types.
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from .models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    """The client address as the WSGI server saw it. Behind a proxy, gunicorn's forwarded-allow-ips and the
    proxy's X-Forwarded-For are configured in deployment; we do not trust the header here."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Field values before a change, to pass to `changes_between` afterwards."""
    return {f: _plain(getattr(instance, f if not _is_fk(instance, f) else f"{f}_id")) for f in fields}


def _is_fk(instance: models.Model, name: str) -> bool:
    try:
        field = instance._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a non-field attribute
        return False
    return bool(getattr(field, "many_to_one", False) or getattr(field, "one_to_one", False))


def changes_between(
    before: Mapping[str, Any], instance: models.Model, *, sensitive: Iterable[str] = ()
) -> dict[str, Any]:
    """Changed fields with old and new values; a sensitive field's name is logged but never its values."""
    after = snapshot(instance, before.keys())
    hidden = set(sensitive) | set(getattr(instance, "AUDIT_SENSITIVE_FIELDS", ()))
    changed: dict[str, Any] = {}
    for name, old in before.items():
        new = after[name]
        if old != new:
            changed[name] = {"sensitive": True} if name in hidden else {"old": old, "new": new}
    return changed


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: int | str = "",
    changes: Mapping[str, Any] | None = None,
    detail: str = "",
    request: HttpRequest | None = None,
    actor_email: str = "",
) -> AuditEvent:
    """Append one event. `actor` may be None (anonymous or system); `detail` must never hold case content."""
    # Imported here: core.locking imports this module, and core.models imports core.locking (for its last models).
    from .models import AuditEvent

    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    real_actor = actor if actor is not None and actor.is_authenticated else None
    # By id and EMAIL_FIELD: core knows the user model only as Django's AbstractBaseUser.
    return AuditEvent.objects.create(
        actor_id=real_actor.pk if real_actor else None,
        actor_email=actor_email or (getattr(real_actor, real_actor.get_email_field_name()) if real_actor else ""),
        ip_address=client_ip(request),
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        changes=dict(changes or {}),
        detail=detail[:255],
    )
