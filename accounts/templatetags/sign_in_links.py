"""For the sign-in link e-mails (accounts/email/*_body.txt): the one-time link is made when the e-mail is sent,
from the user's id, so the outbox row never holds it."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from accounts.models import User
from accounts.services.users import sign_in_link_url

register = template.Library()


@register.simple_tag
def sign_in_link(user_id: int) -> dict[str, Any]:
    user = User.objects.get(pk=user_id)
    return {"user": user, "url": sign_in_link_url(user=user), "valid_days": settings.PASSWORD_RESET_TIMEOUT // 86400}
