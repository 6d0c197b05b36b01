"""The table of session keys per user, so that every session of a person can be ended at once."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.http import HttpRequest

from ..models import User, UserSession


def session_track(*, user: User, request: HttpRequest) -> None:
    """Records the request's current session key against the user. Called at each step of sign-in, since
    each step gives the session a new key."""
    session = getattr(request, "session", None)
    if session is None or not getattr(user, "pk", None):
        return
    if session.session_key is None:
        session.save()
    UserSession.objects.get_or_create(session_key=session.session_key, defaults={"user": user})
    # Forget keys of the user's sessions that have ended (expired, signed out or replaced by a new key).
    UserSession.objects.filter(user=user).exclude(
        session_key__in=Session.objects.filter(
            session_key__in=UserSession.objects.filter(user=user).values("session_key")
        ).values("session_key")
    ).delete()


def sessions_end_all(*, user: User) -> int:
    """Deletes every server-side session the user was given; returns how many were still alive. Their next
    request finds no session and is sent to sign in."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    ended, _ = Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    return ended
