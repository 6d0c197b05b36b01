"""Second-factor enrolment, verification, reset and backup codes, with their audit events."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.audit import audit_record
from core.idempotency import create_once

from ..models import User
from .sessions import session_track, sessions_end_all

BACKUP_CODE_COUNT = 10


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The user's unconfirmed authenticator device, made once and reused until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def confirmed_devices(*, user: User) -> list[Any]:
    return [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]


def has_second_factor(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def second_factor_verify(*, request: HttpRequest, user: User, token: str) -> bool:
    """Checks a TOTP or backup code against the user's devices. A TOTP code is accepted once only (django-otp
    keeps the last time step used) and a backup code is spent when used."""
    for device in confirmed_devices(user=user):
        if device.verify_is_allowed()[0] and device.verify_token(token):
            otp_login(request, device)
            request.session.cycle_key()
            session_track(user=user, request=request)
            audit_record(
                actor=user,
                action="auth.second_factor_passed",
                obj=user,
                detail="backup code" if isinstance(device, StaticDevice) else "authenticator app",
                request=request,
            )
            return True
    audit_record(actor=user, action="auth.second_factor_failed", obj=user, request=request)
    return False


@transaction.atomic
def totp_enrolment_confirm(*, request: HttpRequest, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirms the new authenticator when the code matches, issues fresh backup codes and returns them
    (shown once); returns None when the code is wrong."""
    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = backup_codes_issue(user=user)
    otp_login(request, device)
    request.session.cycle_key()
    session_track(user=user, request=request)
    audit_record(actor=user, action="auth.second_factor_enrolled", obj=user, request=request)
    return codes


def backup_codes_issue(*, user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def backup_codes_regenerate(
    *, user: User, request: HttpRequest | None = None, form_token: str | None = None
) -> list[str]:
    """New backup codes for the user themselves; the old ones stop working at once. A second send of the same
    form (a double click) shows the codes the first made rather than replacing them unseen."""

    def create() -> StaticDevice:
        backup_codes_issue(user=user)
        audit_record(actor=user, action="auth.backup_codes_regenerated", obj=user, request=request)
        return StaticDevice.objects.get(user=user)

    device = create_once(token=form_token, actor=user, model=StaticDevice, create=create)
    return list(device.token_set.order_by("pk").values_list("token", flat=True))


@transaction.atomic
def second_factor_reset(*, actor: User, user: User, request: HttpRequest | None = None) -> int:
    """A system administrator removes a user's authenticator and backup codes (a lost phone): the user sets up
    a new authenticator at their next sign-in. Every session of the user ends, so a session verified with the
    old device cannot go on. Returns the number of devices removed."""
    from ..permissions import is_sysadmin

    if not is_sysadmin(actor):
        raise PermissionError("Only a system administrator resets two-factor sign-in.")
    removed = TOTPDevice.objects.filter(user=user).count()
    static = StaticDevice.objects.filter(user=user).count()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    sessions_end_all(user=user)
    audit_record(
        actor=actor,
        action="accounts.second_factor_reset",
        obj=user,
        detail=f"{removed} authenticator and {static} backup code devices removed",
        request=request,
    )
    return removed + static
