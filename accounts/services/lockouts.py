"""Lifting a sign-in lock before its 30 minutes are up, for a person the system administrator has spoken to."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from core.audit import audit_record

from ..models import User
from ..permissions import is_sysadmin


@transaction.atomic
def lockout_clear(*, actor: User, username: str, request: HttpRequest | None = None) -> int:
    """Forgets the failed attempts recorded against an account (an e-mail address as typed), so it can sign in
    again at once. A lock on an address still runs its course. Returns how many attempt records went."""
    from axes.utils import reset

    if not is_sysadmin(actor):
        raise PermissionError("Only a system administrator lifts a sign-in lock.")
    username = username.strip().lower()
    cleared = reset(username=username) if username else 0
    account = User.objects.filter(email__iexact=username).first() if username else None
    audit_record(
        actor=actor,
        action="accounts.lockout_cleared",
        obj=account,
        object_type="" if account else "accounts.user",
        detail=f"{cleared} failed-attempt records cleared{'' if account else ' (no account with that address)'}",
        request=request,
    )
    return cleared
