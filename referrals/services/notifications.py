"""The e-mails that tell people a referral needs their attention: a link, never the person's name or the concern."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from accounts.models import Membership

from ..models import Referral


def recipients_with_role(role: str, **scope: Any) -> list[str]:
    return sorted(
        set(
            Membership.objects.current()
            .filter(role=role, user__is_active=True, **scope)
            .values_list("user__email", flat=True)
        )
    )


def referral_notify(*, recipients: Sequence[str], subject: str, referral: Referral) -> None:
    """An e-mail that says only that a referral needs attention, with a link: no name, no concern detail."""
    if not recipients:
        return
    url = f"{settings.SITE_URL.rstrip('/')}{reverse('referrals:detail', args=[referral.pk])}"
    body = (
        f"{subject}.\n\nOpen it in the {settings.SERVICE_NAME} (you will be asked to sign in):\n\n{url}\n\n"
        f"{settings.COUNCIL_NAME}\n"
    )
    to = list(recipients)
    transaction.on_commit(lambda: send_mail(f"{subject} – {settings.SERVICE_NAME}", body, None, to))
