"""Security events from Django's and django-axes' signals, written to the audit trail."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core.audit import audit_record


@receiver(user_logged_in, dispatch_uid="audit_password_accepted")
def audit_password_accepted(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="auth.password_accepted", obj=user, request=request)
    if user is not None and request is not None:
        from .services.sessions import session_track

        session_track(user=user, request=request)
    if user is not None:
        from django.utils import timezone

        type(user).objects.filter(pk=user.pk).update(last_login=timezone.now())


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def audit_sign_in_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    typed = str(credentials.get("username") or credentials.get("email") or "")[:254]
    audit_record(actor=None, action="auth.sign_in_failed", actor_email=typed, request=request)


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def audit_locked_out(sender: Any, request: Any, username: str | None = None, **kwargs: Any) -> None:
    audit_record(actor=None, action="auth.locked_out", actor_email=(username or "")[:254], request=request)


@receiver(user_logged_out, dispatch_uid="audit_signed_out")
def audit_signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action="auth.signed_out", obj=user, request=request)
