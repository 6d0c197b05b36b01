"""The e-mails that tell people a referral needs their attention: a link, never the person's name or the concern."""

from __future__ import annotations

from collections.abc import Sequence

from accounts.models import Membership, Team
from core.outbox import outbox_email

from ..models import Referral


def recipients_with_role(role: str, *, team: Team | None = None) -> list[str]:
    """The active users who hold `role` today, in `team` if one is given."""
    rows = Membership.objects.current().filter(role=role, user__is_active=True)
    if team is not None:
        rows = rows.filter(team=team)
    return sorted(set(rows.values_list("user__email", flat=True)))


def referral_notify(*, recipients: Sequence[str], template: str, referral: Referral) -> None:
    """An e-mail that says only that a referral needs attention, with a link: no name, no concern detail
    (`<template>_subject.txt` and `<template>_body.txt`, rendered when the outbox sends it)."""
    outbox_email(to=recipients, template=template, context_ids={"referral": referral.pk})
