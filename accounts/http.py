"""The request a signed-in user's view receives."""

from __future__ import annotations

from django.http import HttpRequest

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    """For annotations only (Django never makes one): a view that LoginRequiredMiddleware lets through only for a
    signed-in user takes its request as this, so `request.user` is a User and not `User | AnonymousUser`."""

    user: User
